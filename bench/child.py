"""One measured `kg build` in its own process: stage timings, peak RSS and counts as JSON on stdout.

    python -m bench.child PAGES OUT WORKERS [OUTPUT ...]

Run by bench.run so the build's memory is its own (RUSAGE_SELF for this process, RUSAGE_CHILDREN for
the largest of its other processes; bench.run samples the whole tree from outside) and module imports
count in the end-to-end time, as they do for `kg build`.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

START = time.perf_counter()

from kg.pipeline import build  # noqa: E402 - import time is part of what is measured
from kg.settings import Settings  # noqa: E402


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: kilobytes


def main(argv: list[str]) -> None:
    pages, out, workers, *outputs = argv
    imported = time.perf_counter()
    settings = Settings(out=Path(out), progress=False, workers=int(workers), cache=False)
    _, summary = build([Path(pages)], settings, outputs=outputs or None)
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
    }, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
