"""OUT/graph.graphml for Gephi and yEd: typed attributes, lists as JSON strings, deterministic bytes.

Nodes carry `label` (the display name, which Gephi shows) and `type` (the
property-graph label); edges carry `type` and `label` (the relationship type).
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import networkx as nx

from kg.export.atomic import write_text
from kg.model import KnowledgeGraph
from kg.pgraph import Columns, PropertyGraph, PropType, to_property_graph
from kg.settings import Settings

FILE = "graph.graphml"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _value(value: object, type_: PropType) -> object:
    """A GraphML attribute value: lists as JSON text, strings cleaned of characters XML 1.0 forbids."""
    if type_ is PropType.STRING_LIST:
        return _XML_INVALID.sub(" ", json.dumps(list(value or []), ensure_ascii=False))  # type: ignore[call-overload]
    if type_ is PropType.STRING:
        return _XML_INVALID.sub(" ", str(value))
    return value


def _attrs(props: tuple[tuple[str, object], ...], columns: Columns) -> dict[str, object]:
    pairs = zip(props, columns, strict=True)
    return {k: _value(v, t) for (k, v), (_, t) in pairs if v is not None and k != "id"}


def to_networkx(pg: PropertyGraph) -> nx.MultiDiGraph:
    """The property graph as a networkx MultiDiGraph (edge keys: relationship ids), rows in sorted order."""
    g = nx.MultiDiGraph()
    for n in pg.nodes:
        attrs = _attrs(n.props, pg.node_schema[n.label])
        g.add_node(n.id, type=n.label, **attrs, label=attrs.get("name", n.id))
    for r in pg.rels:
        attrs = _attrs(r.props, pg.rel_schema[r.type])
        g.add_edge(r.start, r.end, key=r.id, type=r.type, label=r.type, **attrs)
    return g


def graphml_text(pg: PropertyGraph) -> str:
    """GraphML of the property graph; the same rows always give the same text."""
    buf = io.BytesIO()
    nx.write_graphml_xml(to_networkx(pg), buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue().decode("utf-8")


def write_graphml(graph: KnowledgeGraph, settings: Settings) -> list[Path]:
    """Output writer: OUT/graph.graphml."""
    return [write_text(settings.out / FILE, graphml_text(to_property_graph(graph)))]
