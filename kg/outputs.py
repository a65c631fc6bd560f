"""Registry of output writers, and running them in this process (kg.runtime.output_process runs them beside it).

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


BACKGROUND: tuple[tuple[str, ...], ...] = (("rdf",), ("oxigraph",), ("shacl",))
"""Writers run in other processes beside the rest, one process per group (kg.runtime.output_process): the RDF
family shares one set of N-Triples terms (`kg.rdf.convert.to_rdf`, made once before the groups part)
and the property-graph family (CSV, GraphML, LadybugDB) one set of rows (`kg.pgraph.to_property_graph`),
so each family is derived once. Everything after resolution is CPU-bound; more, smaller processes pack
the two cores better at the end (bench/README gives the measurements)."""

SHARED = "kg.rdf.convert:prepare"
"""What the BACKGROUND groups share, made once in the first of their processes before it forks the others."""


def prepare_shared(graph: KnowledgeGraph, settings: Settings) -> None:
    """Make the derivation the BACKGROUND groups share (memoised, so forked processes inherit it)."""
    module, attr = SHARED.split(":")
    getattr(importlib.import_module(module), attr)(graph, settings)


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
    """Run the named writers in one thread each (a spawned output process): the store loads and SHACL queries
    run in native code without the GIL, beside the Python that writes the RDF files. Like
    `run_in_order`, but the first error is raised once every writer has finished."""
    with ThreadPoolExecutor(max_workers=max(1, len(names)), thread_name_prefix="kg-output") as pool:
        futures = {name: pool.submit(_timed, name, graph, settings) for name in names}
        wait(futures.values())
    return _outcome((name, future.result()) for name, future in futures.items())
