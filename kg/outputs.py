"""Registry of output writers, run in order by `kg build`.

Each entry maps a name to "module:function"; the function takes
`(graph: KnowledgeGraph, settings: Settings)` and returns the paths it wrote.
Imports are lazy so a user can skip an output whose dependency is missing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
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
