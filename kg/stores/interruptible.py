"""Run a long native call (a SPARQL query) in a worker thread so Ctrl-C still stops the command.

Python runs a signal handler only between bytecodes of the main thread, and a query inside Oxigraph
runs as one native call: in the main thread, Ctrl-C would wait for the query to end. Here the main
thread only waits, so KeyboardInterrupt is raised at once; the worker (a daemon thread) is abandoned
and ends with the process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_POLL_S = 0.1


def run_interruptibly(work: Callable[[], T], name: str = "kg-query") -> T:
    """`work()` run in a daemon thread; its result or its exception, or KeyboardInterrupt on Ctrl-C."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the waiting thread, which raises it
            outcome["error"] = exc

    worker = threading.Thread(target=target, name=name, daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(_POLL_S)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
