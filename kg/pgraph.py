"""The property-graph view of a KnowledgeGraph: typed node and relationship rows.

Every property-graph writer (LadybugDB, Neo4j push, neo4j-admin CSV, GraphML)
builds from these rows, so they all agree on labels, types and properties.

Model: node labels are the entity types of schema/ontology.ttl plus Article; every node has
`id`, `name`, `aliases` (list), `articles` (list of "doc#index"); Region adds
`level` and `code`; other entity attributes become string properties.
Relationship types are the predicates in upper case plus MENTIONS
(Article→entity), each with `id`, `predicate`, `confidence`, `evidence_count`, `sources`
(list of "doc#article", parallel to `quotes`), `quotes` (list) and their
attributes (`role` on HAS_ROLE).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from operator import attrgetter
from pathlib import Path
from typing import TypeVar

from kg.export.jsonl import read_graph
from kg.ids import article_id
from kg.model import (
    Entity,
    EntityType,
    KnowledgeGraph,
    Predicate,
    Relation,
)
from kg.ontology import schema
from kg.runtime.memo import last_graph

ARTICLE = "Article"
MENTIONS = "MENTIONS"
NODE_LABELS: tuple[str, ...] = tuple(t.value for t in EntityType) + (ARTICLE,)
REL_TYPES: tuple[str, ...] = tuple(p.label for p in Predicate) + (MENTIONS,)


class PropType(StrEnum):
    """Property types shared by every engine (LadybugDB column type, neo4j-admin header type)."""

    STRING = "STRING"
    INT = "INT64"
    FLOAT = "DOUBLE"
    STRING_LIST = "STRING[]"


Columns = tuple[tuple[str, PropType], ...]
"""(property name, type) pairs in column order."""

S, N, F, L = PropType.STRING, PropType.INT, PropType.FLOAT, PropType.STRING_LIST

ENTITY_PROPS: Columns = (("id", S), ("name", S), ("aliases", L), ("articles", L))
"""Properties of every entity node, in column order."""

LABEL_PROPS: dict[str, Columns] = {
    EntityType.REGION.value: (("level", S), ("code", S)),
}
"""Properties a label always has beyond ENTITY_PROPS (present even when empty, so queries bind)."""

ARTICLE_PROPS: Columns = (  # `position` is Article.index (`index` is a reserved word in LadybugDB)
    ("id", S), ("name", S), ("doc", S), ("position", N), ("kind", S), ("byline", S),
)

REL_PROPS: Columns = (
    ("id", S), ("predicate", S), ("confidence", F), ("evidence_count", N), ("sources", L), ("quotes", L),
)
"""Properties of every relationship, in column order. `predicate` is the guideline name (runs, serves…),
so a query can return it on every engine (Neo4j spells the type `type(r)`, LadybugDB `label(r)`)."""

TYPE_PROPS: dict[str, Columns] = {
    Predicate.HAS_ROLE.label: (("role", S),),
}

ATTR_RENAMES = {"adcode": "code"}
"""Entity attribute keys stored under another property name."""

_SAFE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,40}$")

REL_ENDPOINTS: dict[str, tuple[tuple[str, str], ...]] = {
    **{p.label: p.endpoints for p in schema().predicates},
    MENTIONS: tuple((ARTICLE, t.value) for t in EntityType),
}
"""The (start label, end label) pairs of each relationship type: every rdfs:domain × rdfs:range pair the
predicate declares in schema/ontology.ttl (rows with any other pair add it, see `_endpoints`)."""


@dataclass(frozen=True)
class NodeRow:
    """One node: its label and its properties in schema order (None = absent)."""

    id: str
    label: str
    props: tuple[tuple[str, object], ...]

    def prop_dict(self, drop_empty: bool = False) -> dict[str, object]:
        return {k: v for k, v in self.props if not (drop_empty and v is None)}


@dataclass(frozen=True)
class RelRow:
    """One relationship: type, labelled ends and properties in schema order (None = absent)."""

    id: str
    type: str
    start: str
    start_label: str
    end: str
    end_label: str
    props: tuple[tuple[str, object], ...]

    def prop_dict(self, drop_empty: bool = False) -> dict[str, object]:
        return {k: v for k, v in self.props if not (drop_empty and v is None)}


Row = TypeVar("Row", NodeRow, RelRow)


def _grouped(rows: tuple[Row, ...], key: Callable[[Row], str]) -> dict[str, list[Row]]:
    """Rows by key, each group in row order (built whole, then published in one update: thread-safe)."""
    out: dict[str, list[Row]] = {}
    for row in rows:
        out.setdefault(key(row), []).append(row)
    return out


@dataclass(frozen=True)
class PropertyGraph:
    """All rows plus the schema they follow (property columns per label and per type)."""

    nodes: tuple[NodeRow, ...]
    rels: tuple[RelRow, ...]
    node_schema: dict[str, Columns]
    rel_schema: dict[str, Columns]
    endpoints: dict[str, tuple[tuple[str, str], ...]]
    _by_label: dict[str, list[NodeRow]] = field(default_factory=dict, compare=False, repr=False)
    _by_type: dict[str, list[RelRow]] = field(default_factory=dict, compare=False, repr=False)

    def nodes_of(self, label: str) -> list[NodeRow]:
        """The nodes of one label, in row order (grouped once, on first use)."""
        if not self._by_label and self.nodes:
            self._by_label.update(_grouped(self.nodes, attrgetter("label")))
        return list(self._by_label.get(label, ()))

    def rels_of(self, type_: str) -> list[RelRow]:
        """The relationships of one type, in row order (grouped once, on first use)."""
        if not self._by_type and self.rels:
            self._by_type.update(_grouped(self.rels, attrgetter("type")))
        return list(self._by_type.get(type_, ()))


def mention_id(article_node: str, entity: str) -> str:
    """Id of the MENTIONS relationship from an article node to an entity."""
    return "m-" + hashlib.sha1(f"{article_node}\x1f{entity}".encode()).hexdigest()[:12]


def _attr_props(attrs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in attrs:
        name = ATTR_RENAMES.get(key, key)
        if _SAFE_KEY.match(name) and name not in out:
            out[name] = value
    return out


def _node_schema(graph: KnowledgeGraph) -> dict[str, Columns]:
    extra: dict[str, set[str]] = defaultdict(set)
    for e in graph.entities:
        extra[e.type.value].update(_attr_props(e.attrs))
    schema: dict[str, Columns] = {}
    for t in EntityType:
        fixed = ENTITY_PROPS + LABEL_PROPS.get(t.value, ())
        known = {k for k, _ in fixed}
        schema[t.value] = fixed + tuple((k, S) for k in sorted(extra[t.value] - known))
    schema[ARTICLE] = ARTICLE_PROPS
    return schema


def _rel_schema(graph: KnowledgeGraph) -> dict[str, Columns]:
    extra: dict[str, set[str]] = defaultdict(set)
    for r in graph.relations:
        extra[r.predicate.label].update(_attr_props(r.attrs))
    schema: dict[str, Columns] = {}
    for type_ in REL_TYPES:
        fixed = REL_PROPS + TYPE_PROPS.get(type_, ())
        known = {k for k, _ in fixed}
        schema[type_] = fixed + tuple((k, S) for k in sorted(extra[type_] - known))
    return schema


_SEQUENCE = (list, tuple)
Cells = tuple[tuple[str, object], ...]


def _cells(values: dict[str, object], columns: Columns) -> Cells:
    """Values in column order: lists default to [], empty scalars become None (absent)."""
    out = []
    for key, type_ in columns:
        value = values.get(key)
        if type_ is L:
            value = list(value) if isinstance(value, _SEQUENCE) else []
        elif value == "":
            value = None
        out.append((key, value))
    return tuple(out)


def _attr_cells(attrs: dict[str, str], columns: Columns) -> Cells:
    """The string columns that follow the fixed ones: an attribute's value, or None when absent or empty."""
    return tuple((key, attrs.get(key) or None) for key, _ in columns)


_ENTITY_KEYS = frozenset(k for k, _ in ENTITY_PROPS)
_REL_KEYS = frozenset(k for k, _ in REL_PROPS)


def _entity_row(e: Entity, columns: Columns) -> NodeRow:
    attrs = _attr_props(e.attrs)
    if _ENTITY_KEYS.isdisjoint(attrs):
        fixed: Cells = (("id", e.id or None), ("name", e.name or None), ("aliases", list(e.aliases)),
                        ("articles", list(e.articles)))
        return NodeRow(e.id, e.type.value, fixed + _attr_cells(attrs, columns[len(ENTITY_PROPS):]))
    values: dict[str, object] = {"id": e.id, "name": e.name, "aliases": e.aliases, "articles": e.articles}
    values.update(attrs)  # an attribute named like a fixed property replaces it
    return NodeRow(e.id, e.type.value, _cells(values, columns))


def _article_nodes(graph: KnowledgeGraph) -> dict[str, NodeRow]:
    """Article nodes keyed by Article.key: every article read plus any key an entity cites."""
    known = {a.key: a for a in graph.articles}
    keys = set(known) | {k for e in graph.entities for k in e.articles}
    nodes = {}
    for key in keys:
        doc, _, index = key.rpartition("#")
        number = int(index) if index.isdigit() else None
        a = known.get(key)
        values: dict[str, object] = {
            "id": article_id(doc, number) if number is not None else article_id(key, -1),
            "name": (a.headline if a else "") or key, "doc": doc, "position": number,
            "kind": a.kind if a else None, "byline": a.byline if a else None,
        }
        nodes[key] = NodeRow(str(values["id"]), ARTICLE, _cells(values, ARTICLE_PROPS))
    return nodes


_LABELS = {t: t.value for t in EntityType}
_REL_LABELS = {p: p.label for p in Predicate}


def _rel_row(ends: dict[str, Entity], r: Relation, columns: Columns) -> RelRow:
    start, end = ends[r.subject], ends[r.object]
    attrs = _attr_props(r.attrs)
    evidence = r.evidence
    sources = [f"{ev.doc}#{ev.article}" for ev in evidence]
    quotes = [ev.quote for ev in evidence]
    if _REL_KEYS.isdisjoint(attrs):
        cells: Cells = (("id", r.id or None), ("predicate", r.predicate.value), ("confidence", float(r.confidence)),
                        ("evidence_count", len(evidence)), ("sources", sources), ("quotes", quotes))
        cells += _attr_cells(attrs, columns[len(REL_PROPS):])
    else:
        values: dict[str, object] = {
            "id": r.id, "predicate": r.predicate.value, "confidence": float(r.confidence),
            "evidence_count": len(evidence), "sources": sources, "quotes": quotes,
        }
        values.update(attrs)  # an attribute named like a fixed property replaces it
        cells = _cells(values, columns)
    return RelRow(r.id, _REL_LABELS[r.predicate], start.id, _LABELS[start.type], end.id, _LABELS[end.type], cells)


def _mention_rows(graph: KnowledgeGraph, articles: dict[str, NodeRow],
                  columns: Columns) -> list[RelRow]:
    """One MENTIONS row per (article, entity citing it); every such row has the same shape."""
    rest: Cells = tuple((key, None) for key, _ in columns[len(REL_PROPS):])
    article_ids = {key: row.id for key, row in articles.items()}
    rows = []
    for e in graph.entities:
        label = _LABELS[e.type]
        for key in e.articles:
            art = article_ids[key]
            mid = mention_id(art, e.id)
            cells: Cells = (("id", mid), ("predicate", "mentions"), ("confidence", 1.0), ("evidence_count", 1),
                            ("sources", [key]), ("quotes", []))
            rows.append(RelRow(mid, MENTIONS, art, ARTICLE, e.id, label, cells + rest))
    return rows


def _endpoints(rels: list[RelRow]) -> dict[str, tuple[tuple[str, str], ...]]:
    """The allowed (start label, end label) pairs of each type plus any pair the rows use."""
    used: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for r in rels:
        used[r.type].add((r.start_label, r.end_label))
    return {t: tuple(sorted(set(pairs) | used[t])) for t, pairs in REL_ENDPOINTS.items()}


@last_graph
def to_property_graph(graph: KnowledgeGraph) -> PropertyGraph:
    """The property-graph rows of `graph`, sorted by (label, id) and (type, id) for deterministic output
    (memoised: the CSV, GraphML and LadybugDB outputs of one build share them)."""
    return _property_graph(graph)


def _property_graph(graph: KnowledgeGraph) -> PropertyGraph:
    """Schema, node rows, relationship rows and endpoints of `graph` (to_property_graph's work)."""
    node_schema, rel_schema = _node_schema(graph), _rel_schema(graph)
    articles = _article_nodes(graph)
    nodes = [_entity_row(e, node_schema[_LABELS[e.type]]) for e in graph.entities] + list(articles.values())
    ends = {e.id: e for e in graph.entities}
    rels = [_rel_row(ends, r, rel_schema[_REL_LABELS[r.predicate]]) for r in graph.relations]
    rels += _mention_rows(graph, articles, rel_schema[MENTIONS])
    return PropertyGraph(
        nodes=tuple(sorted(nodes, key=attrgetter("label", "id"))),
        rels=tuple(sorted(rels, key=attrgetter("type", "id"))),
        node_schema=node_schema, rel_schema=rel_schema, endpoints=_endpoints(rels),
    )


def load_graph(out_dir: Path) -> KnowledgeGraph:
    """The KnowledgeGraph of a build (OUT/graph.jsonl and OUT/articles.jsonl), read back for the pushes."""
    return read_graph(out_dir)
