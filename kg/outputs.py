"""Registry of output writers and their runner (the store loads and SHACL in a second process).

Each entry maps a name to "module:function"; the function takes
`(graph: KnowledgeGraph, settings: Settings)` and returns the paths it wrote.
Imports are lazy so a user can skip an output whose dependency is missing.
"""

from __future__ import annotations

import ctypes
import importlib
import logging
import multiprocessing
import signal
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, wait
from pathlib import Path

from kg.memo import release
from kg.model import KnowledgeGraph
from kg.settings import Settings

Writer = Callable[[KnowledgeGraph, Settings], list[Path]]

OUTPUTS: dict[str, str] = {
    "articles": "kg.export.jsonl:write_articles",
    "graph": "kg.export.jsonl:write_graph",
    "rdf": "kg.rdf.exports:write_rdf",
    "oxigraph": "kg.stores.oxigraph_store:write_store",
    "shacl": "kg.rdf.validate:write_report",
    "html": "kg.export.html:write_html",
    "neo4j_csv": "kg.export.neo4j_csv:write_csv",
    "graphml": "kg.export.graphml:write_graphml",
    "ladybug": "kg.stores.ladybug_store:write_store",
}


def get_writer(name: str) -> Writer:
    """The writer registered under `name` (KeyError lists the known ones)."""
    try:
        target = OUTPUTS[name]
    except KeyError:
        raise KeyError(f"unknown output {name!r}; known: {', '.join(OUTPUTS)}") from None
    module, attr = target.split(":")
    return getattr(importlib.import_module(module), attr)


BACKGROUND: tuple[str, ...] = ("oxigraph", "shacl", "ladybug")
"""Writers run in a second process beside the others (one after the other, in this order): the store
loads and SHACL are the longest outputs, so a build uses a second core while the parent writes files.
The process comes from a fork server, not a fork of the build: RocksDB and the other engines keep
threads and locks that a plain fork would copy half-held (a deadlock seen in long-lived processes)."""


class _Captured(logging.Handler):
    """Keeps every warning logged under `kg` in the output process, to be logged again in the parent."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def _die_with_parent() -> None:
    """Ask Linux to kill this process when the build that forked it dies (even by SIGKILL)."""
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _run_in_order(graph: KnowledgeGraph, settings: Settings, names: Sequence[str]
                  ) -> tuple[dict[str, list[Path]], dict[str, float]]:
    results: dict[str, list[Path]] = {}
    timings: dict[str, float] = {}
    for name in names:
        start = time.perf_counter()
        results[name] = get_writer(name)(graph, settings)
        timings[name] = time.perf_counter() - start
    return results, timings


def _in_child(graph: KnowledgeGraph, settings: Settings, names: tuple[str, ...]
              ) -> tuple[dict[str, list[Path]], dict[str, float], list[tuple[str, int, str]]]:
    handler = _Captured()
    logging.getLogger("kg").addHandler(handler)
    try:
        results, timings = _run_in_order(graph, settings, names)
    finally:
        logging.getLogger("kg").removeHandler(handler)
    return results, timings, handler.records


def run_outputs(
    graph: KnowledgeGraph, settings: Settings, names: Sequence[str], overlap: bool = True
) -> tuple[list[Path], dict[str, float]]:
    """Run the named writers; the paths written (in `names` order) and each writer's own seconds.

    With `overlap` (and something to overlap), the BACKGROUND writers run in one other process while
    this one runs the rest; the child's warnings are logged again here, its errors raised here."""
    background = tuple(n for n in BACKGROUND if overlap and n in names)
    foreground = [n for n in names if n not in background]
    if not background or not foreground or "forkserver" not in multiprocessing.get_all_start_methods():
        results, timings = _run_in_order(graph, settings, names)
        release()
        return [p for n in names for p in results[n]], timings
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kg.outputs", "kg.rdf.validate", "kg.stores.oxigraph_store",
                                    "kg.stores.ladybug_store"])
    try:
        with ProcessPoolExecutor(1, mp_context=context, initializer=_die_with_parent) as pool:
            future = pool.submit(_in_child, graph, settings, background)
            try:
                results, timings = _run_in_order(graph, settings, foreground)
            finally:
                wait([future])
            more, more_timings, records = future.result()
    finally:
        release()
    for name, level, message in records:
        logging.getLogger(name).log(level, message)
    results.update(more)
    timings.update(more_timings)
    return [p for n in names for p in results[n]], {n: timings[n] for n in names}
