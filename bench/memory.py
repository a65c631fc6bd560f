"""Memory of a process tree, sampled from outside it (a sampling thread inside the build would keep
it from forking its output processes, kg.runtime.output_process).

A build's processes run at the same time and its forked children share pages with their parent, so
the tree's memory is the sum of each process's proportional set size (PSS: a page shared by n
processes counts 1/n in each); RSS where PSS cannot be read.
"""

from __future__ import annotations

import resource
import threading
from pathlib import Path

PAGE = resource.getpagesize()


def _tree(root: int) -> list[int]:
    """`root` and every descendant alive now (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = [root], [root]
    while frontier:
        pid = frontier.pop()
        kids = [p for p, pp in parents.items() if pp == pid and p not in tree]
        tree.extend(kids)
        frontier.extend(kids)
    return tree


def process_mb(pid: int) -> float:
    """PSS of one process in MB (RSS if smaps_rollup is unreadable; 0 once it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[21]) * PAGE / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def tree_mb(root: int) -> float:
    """Memory of `root` and its descendants now, in MB (sum of PSS)."""
    return sum(process_mb(pid) for pid in _tree(root))


class TreeSampler(threading.Thread):
    """Samples `tree_mb(root)` every `interval` seconds until `stop()`; `peak` is the largest sample."""

    def __init__(self, root: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.peak = 0.0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(self.interval):
            self.peak = max(self.peak, tree_mb(self.root))

    def stop(self) -> float:
        self._done.set()
        self.join()
        return self.peak
