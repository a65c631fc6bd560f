"""One measured `kg build` in its own process: stage timings, peak RSS and counts as JSON on stdout.

    python -m bench.child PAGES OUT WORKERS [OUTPUT ...]

Run by bench.run so the build's memory is its own (RUSAGE_SELF for this process, RUSAGE_CHILDREN for
its worker processes) and module imports count in the end-to-end time, as they do for `kg build`.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import threading
import time
from pathlib import Path

START = time.perf_counter()

from kg.pipeline import build  # noqa: E402 - import time is part of what is measured
from kg.settings import Settings  # noqa: E402


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: kilobytes


def _tree_rss_mb(root: int) -> float:
    """Resident memory of `root` and all its descendants now (Linux /proc), in MB."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
            rss[int(entry.name)] = int(fields[21]) * resource.getpagesize()
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        kids = [p for p, pp in parents.items() if pp == pid and p not in tree]
        tree.update(kids)
        frontier.extend(kids)
    return sum(rss.get(p, 0) for p in tree) / 2**20


class TreeSampler(threading.Thread):
    """Samples the whole process tree's RSS every 0.2 s: the build, its workers and its output process
    run at the same time, so their peaks add up (ru_maxrss gives only each process's own peak)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            self.peak = max(self.peak, _tree_rss_mb(os.getpid()))


def main(argv: list[str]) -> None:
    pages, out, workers, *outputs = argv
    imported = time.perf_counter()
    settings = Settings(out=Path(out), progress=False, workers=int(workers), cache=False)
    sampler = TreeSampler()
    sampler.start()
    _, summary = build([Path(pages)], settings, outputs=outputs or None)
    sampler.done.set()
    json.dump({
        "imports": imported - START,
        "build": time.perf_counter() - imported,
        "timings": summary.timings,
        "documents": summary.documents,
        "articles": summary.articles,
        "entities": sum(summary.entities.values()),
        "relations": sum(summary.relations.values()),
        "peak_rss_mb": _peak_mb(resource.RUSAGE_SELF),
        "peak_rss_workers_mb": _peak_mb(resource.RUSAGE_CHILDREN),
        "peak_rss_tree_mb": sampler.peak,
    }, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
