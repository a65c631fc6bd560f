"""OUT/graph.graphml for Gephi and yEd: typed attributes, lists as JSON strings, deterministic bytes.

Nodes carry `label` (the display name, which Gephi shows) and `type` (the
property-graph label); edges carry `type` and `label` (the relationship type).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from operator import attrgetter
from pathlib import Path

from kg.model import KnowledgeGraph
from kg.pgraph import Columns, PropertyGraph, PropType, to_property_graph
from kg.runtime.atomic import write_lines
from kg.settings import Settings

FILE = "graph.graphml"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escape(text: str) -> str:
    """Element text: &, <, > and CR as entities (the order keeps the ampersands of entities intact)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


_TEXT_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Any character element text cannot carry as it is (one scan finds the common case: none)."""
_JSON = json.JSONEncoder(ensure_ascii=False)
"""Lists are written as json.dumps(list, ensure_ascii=False) writes them."""
_JSON_STRING = json.encoder.encode_basestring
"""The encoder's own form of one string element (ensure_ascii=False)."""


def _clean_text(text: str) -> str:
    """Text as element content: characters XML 1.0 forbids become spaces, markup characters entities."""
    return text if _TEXT_SPECIAL.search(text) is None else _escape(_XML_INVALID.sub(" ", text))


def _string_text(value: object) -> str:
    return _clean_text(str(value))


def _list_text(value: object) -> str:
    items = list(value or [])  # type: ignore[call-overload]
    try:
        text = "[" + ", ".join(map(_JSON_STRING, items)) + "]"
    except TypeError:  # an element that is not a string: the encoder's general path
        text = _JSON.encode(items)
    return _clean_text(text)


def _number_text(value: object) -> str:
    return repr(value) if isinstance(value, float) else _escape(str(value))


_TEXTS: dict[PropType, Callable[[object], str]] = {
    PropType.STRING: _string_text, PropType.STRING_LIST: _list_text, PropType.FLOAT: _number_text,
    PropType.INT: _number_text,
}
"""The element text of a property value, by type: lists as JSON text, strings cleaned of characters
XML 1.0 forbids, numbers as Python writes them."""


_GRAPHML_TYPE = {PropType.STRING: "string", PropType.STRING_LIST: "string", PropType.INT: "long",
                 PropType.FLOAT: "double"}
_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;",
                       "\t": "&#9;"})
_ATTR_SPECIAL = re.compile('[&<>"\r\n\t]')


def _attr(text: str) -> str:
    """Text as an attribute value (ids: nearly always plain ASCII, returned as they are)."""
    return text if _ATTR_SPECIAL.search(text) is None else text.translate(_ATTR)
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


Layout = list[tuple[int, str, Callable[[object], str]]]
"""Per property column, in attribute-name order: (index in the row, `<data key=…>` opening, text encoder)."""


def _layouts(schemas: dict[str, Columns], ids: dict[str, str]) -> dict[str, Layout]:
    """The data elements of each label or type, worked out once: every column but `id`, sorted by name."""
    return {
        label: [(i, f'      <data key="{ids[name]}">', _TEXTS[type_])
                for i, (name, type_) in sorted(enumerate(columns), key=lambda c: c[1][0]) if name != "id"]
        for label, columns in schemas.items()
    }


def _data(props: tuple[tuple[str, object], ...], layout: Layout) -> list[str]:
    """The data element of every property the row has (absent ones left out)."""
    return [f"{opening}{text(props[i][1])}</data>" for i, opening, text in layout if props[i][1] is not None]


def graphml_lines(pg: PropertyGraph) -> Iterator[str]:
    """GraphML of the property graph in whole lines (a node or edge element comes as one piece of several
    lines, joined by newlines); the same rows always give the same text."""
    node_keys = _keys(pg.node_schema, ("type", "label"))
    edge_keys = _keys(pg.rel_schema, ("type", "label"))
    node_ids = {k: f"n{i}" for i, k in enumerate(node_keys)}
    edge_ids = {k: f"e{i}" for i, k in enumerate(edge_keys)}
    yield from HEADER
    for kind, keys, ids in (("node", node_keys, node_ids), ("edge", edge_keys, edge_ids)):
        for name, type_ in keys.items():
            yield f'  <key id="{ids[name]}" for="{kind}" attr.name="{name}" attr.type="{type_}" />'
    yield '  <graph edgedefault="directed">'
    yield from _node_elements(pg, node_ids)
    yield from _edge_elements(pg, edge_ids)
    yield "  </graph>"
    yield "</graphml>"


def _node_elements(pg: PropertyGraph, ids: dict[str, str]) -> Iterator[str]:
    """Node elements by id: type, label (the name, else the id), then the properties by name."""
    layouts = _layouts(pg.node_schema, ids)
    type_key, label_key = f'      <data key="{ids["type"]}">', f'      <data key="{ids["label"]}">'
    names = {label: dict(columns).keys() for label, columns in pg.node_schema.items()}
    for n in sorted(pg.nodes, key=attrgetter("id")):
        name = dict(n.props).get("name") if "name" in names[n.label] else None
        label = _string_text(name) if name is not None else _escape(n.id)
        yield "\n".join([f'    <node id="{_attr(n.id)}">', f"{type_key}{_escape(n.label)}</data>",
                         f"{label_key}{label}</data>", *_data(n.props, layouts[n.label]), "    </node>"])


def _edge_elements(pg: PropertyGraph, ids: dict[str, str]) -> Iterator[str]:
    """Edge elements by id: type and label (both the relationship type), then the properties by name."""
    layouts = _layouts(pg.rel_schema, ids)
    type_key, label_key = f'      <data key="{ids["type"]}">', f'      <data key="{ids["label"]}">'
    for r in sorted(pg.rels, key=attrgetter("id")):
        type_text = _escape(r.type)
        yield "\n".join([f'    <edge id="{_attr(r.id)}" source="{_attr(r.start)}" target="{_attr(r.end)}">',
                         f"{type_key}{type_text}</data>", f"{label_key}{type_text}</data>",
                         *_data(r.props, layouts[r.type]), "    </edge>"])


def graphml_text(pg: PropertyGraph) -> str:
    """GraphML of the property graph as one string."""
    return "".join(f"{piece}\n" for piece in graphml_lines(pg))


def write_graphml(graph: KnowledgeGraph, settings: Settings) -> list[Path]:
    """Output writer: OUT/graph.graphml, streamed."""
    return [write_lines(settings.out / FILE, graphml_lines(to_property_graph(graph)))]
