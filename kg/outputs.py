"""Registry of output writers and their runner (the store loads and SHACL in a second process).

Each entry maps a name to "module:function"; the function takes
`(graph: KnowledgeGraph, settings: Settings)` and returns the paths it wrote.
Imports are lazy so a user can skip an output whose dependency is missing.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
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


BACKGROUND: tuple[str, ...] = ("rdf", "oxigraph", "shacl")
"""Writers run in a second process beside the others (one after the other, in this order): the RDF
family shares one set of N-Triples terms (`kg.rdf.convert.to_rdf`) and the property-graph family
(CSV, GraphML, LadybugDB) one set of rows (`kg.pgraph.to_property_graph`), so each family is built
once, in one process, and the two use both cores.
The process is a fresh interpreter (`python -m kg.output_process`), not a fork of the build: RocksDB and
the other engines keep threads and locks that a fork would copy half-held (a deadlock seen in
long-lived processes), and it never re-imports the caller's main module as multiprocessing would."""


Outcome = tuple[dict[str, list[Path]], dict[str, float]]
"""The paths each writer wrote and the seconds it took, by writer name."""


def _timed(name: str, graph: KnowledgeGraph, settings: Settings) -> tuple[list[Path], float]:
    start = time.perf_counter()
    paths = get_writer(name)(graph, settings)
    return paths, time.perf_counter() - start


def _outcome(done: Iterable[tuple[str, tuple[list[Path], float]]]) -> Outcome:
    results: dict[str, list[Path]] = {}
    timings: dict[str, float] = {}
    for name, (paths, seconds) in done:
        results[name] = paths
        timings[name] = seconds
    return results, timings


def run_in_order(graph: KnowledgeGraph, settings: Settings, names: Sequence[str]) -> Outcome:
    """Run the named writers one after the other: the paths and the seconds of each."""
    return _outcome((name, _timed(name, graph, settings)) for name in names)


def run_concurrently(graph: KnowledgeGraph, settings: Settings, names: Sequence[str]) -> Outcome:
    """Run the named writers in one thread each (the output process): the store loads and SHACL queries
    run in native code without the GIL, beside the Python that writes the RDF files. Like
    `run_in_order`, but the first error is raised once every writer has finished."""
    with ThreadPoolExecutor(max_workers=max(1, len(names)), thread_name_prefix="kg-output") as pool:
        futures = {name: pool.submit(_timed, name, graph, settings) for name in names}
        wait(futures.values())
    return _outcome((name, future.result()) for name, future in futures.items())


def run_outputs(
    graph: KnowledgeGraph, settings: Settings, names: Sequence[str], overlap: bool = True
) -> tuple[list[Path], dict[str, float]]:
    """Run the named writers; the paths written (in `names` order) and each writer's own seconds.

    With `overlap` (and something to overlap), the BACKGROUND writers run in one other process while
    this one runs the rest; the child's warnings are logged again here, its errors raised here."""
    from kg.output_process import OutputProcess

    background = tuple(n for n in BACKGROUND if overlap and n in names)
    foreground = [n for n in names if n not in background]
    try:
        if not background or not foreground:
            results, timings = run_in_order(graph, settings, names)
        else:
            with OutputProcess(graph, settings, background) as child:
                results, timings = run_in_order(graph, settings, foreground)
                more, more_timings = child.result()
            results.update(more)
            timings.update(more_timings)
    finally:
        release()
    return [p for n in names for p in results[n]], {n: timings[n] for n in names}
