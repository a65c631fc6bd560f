"""OUT/graph.graphml for Gephi and yEd: typed attributes, lists as JSON strings, deterministic bytes.

Nodes carry `label` (the display name, which Gephi shows) and `type` (the
property-graph label); edges carry `type` and `label` (the relationship type).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from kg.export.atomic import write_lines
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


_GRAPHML_TYPE = {PropType.STRING: "string", PropType.STRING_LIST: "string", PropType.INT: "long",
                 PropType.FLOAT: "double"}
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;",
                       "\t": "&#9;"})
HEADER = ('<?xml version="1.0" encoding="utf-8"?>',
          '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
          'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/'
          'xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">')


def _keys(schemas: dict[str, Columns], fixed: tuple[str, ...]) -> dict[str, str]:
    """Attribute name → GraphML type: the fixed string attributes, then every property name in sorted order."""
    types = {name: "string" for name in fixed}
    for columns in schemas.values():
        for name, type_ in columns:
            if name != "id":
                types.setdefault(name, _GRAPHML_TYPE[type_])
    return {name: types[name] for name in (*fixed, *sorted(set(types) - set(fixed)))}


def _text(value: object) -> str:
    if isinstance(value, float):
        return repr(value)
    return str(value).translate(_TEXT)


def graphml_lines(pg: PropertyGraph) -> Iterator[str]:
    """GraphML of the property graph, line by line; the same rows always give the same text."""
    node_keys = _keys(pg.node_schema, ("type", "label"))
    edge_keys = _keys(pg.rel_schema, ("type", "label"))
    ids = {("node", k): f"n{i}" for i, k in enumerate(node_keys)} | {("edge", k): f"e{i}"
                                                                     for i, k in enumerate(edge_keys)}
    yield from HEADER
    for kind, keys in (("node", node_keys), ("edge", edge_keys)):
        for name, type_ in keys.items():
            yield f'  <key id="{ids[kind, name]}" for="{kind}" attr.name="{name}" attr.type="{type_}" />'
    yield '  <graph edgedefault="directed">'
    for n in sorted(pg.nodes, key=lambda n: n.id):
        attrs = _attrs(n.props, pg.node_schema[n.label])
        yield f'    <node id="{n.id.translate(_ATTR)}">'
        for name, value in (("type", n.label), ("label", attrs.get("name", n.id)), *sorted(attrs.items())):
            yield f'      <data key="{ids["node", name]}">{_text(value)}</data>'
        yield "    </node>"
    for r in sorted(pg.rels, key=lambda r: r.id):
        attrs = _attrs(r.props, pg.rel_schema[r.type])
        yield (f'    <edge id="{r.id.translate(_ATTR)}" source="{r.start.translate(_ATTR)}" '
               f'target="{r.end.translate(_ATTR)}">')
        for name, value in (("type", r.type), ("label", r.type), *sorted(attrs.items())):
            yield f'      <data key="{ids["edge", name]}">{_text(value)}</data>'
        yield "    </edge>"
    yield "  </graph>"
    yield "</graphml>"


def graphml_text(pg: PropertyGraph) -> str:
    """GraphML of the property graph as one string."""
    return "".join(f"{line}\n" for line in graphml_lines(pg))


def write_graphml(graph: KnowledgeGraph, settings: Settings) -> list[Path]:
    """Output writer: OUT/graph.graphml, streamed."""
    return [write_lines(settings.out / FILE, graphml_lines(to_property_graph(graph)))]
