"""The property-graph rows: one node per entity and article, one relationship per fact and mention."""

from __future__ import annotations

import gc
import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.export.jsonl import write_articles, write_graph
from kg.ids import entity_id
from kg.model import Entity, EntityType, KnowledgeGraph
from kg.pgraph import (
    ARTICLE,
    MENTIONS,
    NODE_LABELS,
    REL_TYPES,
    PropType,
    load_graph,
    to_property_graph,
)
from kg.settings import Settings


def test_every_entity_and_article_becomes_one_node(small_graph: KnowledgeGraph) -> None:
    pg = to_property_graph(small_graph)
    entity_nodes = [n for n in pg.nodes if n.label != ARTICLE]
    assert sorted(n.id for n in entity_nodes) == sorted(e.id for e in small_graph.entities)
    assert Counter(n.label for n in entity_nodes) == Counter(e.type.value for e in small_graph.entities)
    assert len(pg.nodes_of(ARTICLE)) == len(small_graph.articles)
    for e in small_graph.entities:
        props = next(n for n in pg.nodes if n.id == e.id).prop_dict()
        assert props["name"] == e.name
        assert props["aliases"] == list(e.aliases)
        assert props["articles"] == list(e.articles)


def test_relationships_carry_evidence_and_attributes(small_graph: KnowledgeGraph) -> None:
    pg = to_property_graph(small_graph)
    facts = [r for r in pg.rels if r.type != MENTIONS]
    assert Counter(r.type for r in facts) == Counter(r.predicate.label for r in small_graph.relations)
    for rel in small_graph.relations:
        row = next(r for r in facts if r.id == rel.id)
        props = row.prop_dict()
        assert (row.start, row.end) == (rel.subject, rel.object)
        assert row.start_label == small_graph.entity(rel.subject).type.value
        assert props["predicate"] == rel.predicate.value
        assert props["evidence_count"] == len(rel.evidence)
        assert props["quotes"] == [ev.quote for ev in rel.evidence]
        assert props["sources"] == [f"{ev.doc}#{ev.article}" for ev in rel.evidence]
        assert props["confidence"] == pytest.approx(rel.confidence)
        for key, value in rel.attrs:
            assert props[key] == value


def test_mentions_link_articles_to_entities(small_graph: KnowledgeGraph) -> None:
    pg = to_property_graph(small_graph)
    mentions = pg.rels_of(MENTIONS)
    assert len(mentions) == sum(len(e.articles) for e in small_graph.entities)
    article_ids = {n.id for n in pg.nodes_of(ARTICLE)}
    assert {m.start for m in mentions} <= article_ids
    assert len({m.id for m in mentions}) == len(mentions)


def test_schema_is_fixed_for_queries_even_without_regions(small_graph: KnowledgeGraph) -> None:
    no_regions = KnowledgeGraph(
        entities=tuple(e for e in small_graph.entities if e.type is not EntityType.REGION), relations=(),
    )
    pg = to_property_graph(no_regions)
    assert set(pg.node_schema) == set(NODE_LABELS)
    assert set(pg.rel_schema) == set(REL_TYPES)
    assert ("level", PropType.STRING) in pg.node_schema["Region"]
    assert ("role", PropType.STRING) in pg.rel_schema["HAS_ROLE"]
    assert all(pg.endpoints[t] for t in REL_TYPES)


def test_attributes_become_properties_only_with_safe_names() -> None:
    ent = Entity(entity_id(EntityType.REGION, "甲县"), EntityType.REGION, "甲县",
                 attrs=(("adcode", "990101"), ("level", "county"), ("bad key`) DETACH DELETE n //", "x")))
    pg = to_property_graph(KnowledgeGraph(entities=(ent,), relations=()))
    assert pg.nodes[0].prop_dict()["code"] == "990101"
    assert pg.nodes[0].prop_dict()["level"] == "county"
    names = {k for cols in pg.node_schema.values() for k, _ in cols}
    assert all(k.replace("_", "").isalnum() for k in names)


def test_rows_are_sorted_and_deterministic(small_graph: KnowledgeGraph) -> None:
    shuffled = replace(small_graph, entities=tuple(reversed(small_graph.entities)),
                       relations=tuple(reversed(small_graph.relations)))
    a, b = to_property_graph(small_graph), to_property_graph(shuffled)
    assert a.nodes == b.nodes and a.rels == b.rels
    assert [(n.label, n.id) for n in a.nodes] == sorted((n.label, n.id) for n in a.nodes)
    assert [(r.type, r.id) for r in a.rels] == sorted((r.type, r.id) for r in a.rels)


def test_load_graph_round_trips_through_graph_jsonl(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    settings = Settings(out=tmp_path, progress=False)
    write_graph(small_graph, settings)
    write_articles(small_graph, settings)
    back = to_property_graph(load_graph(tmp_path))
    orig = to_property_graph(small_graph)
    assert back.nodes == orig.nodes
    assert back.rels == orig.rels


def test_load_graph_errors_are_input_errors(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="run `kg build"):
        load_graph(tmp_path)
    (tmp_path / "graph.jsonl").write_text('{"type":"node"\n', encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        load_graph(tmp_path)
    rel = {"type": "relationship", "id": "r1", "label": "RUNS", "start": {"id": "ub-x"},
           "end": {"id": "in-y"}, "properties": {"confidence": 1.0, "evidence": []}}
    (tmp_path / "graph.jsonl").write_text(json.dumps(rel) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="points at a node"):
        load_graph(tmp_path)


def test_an_attribute_named_like_a_fixed_property_takes_its_place(small_graph: KnowledgeGraph) -> None:
    ent = Entity(entity_id(EntityType.PERSON, "甲"), EntityType.PERSON, "甲", ("乙",),
                 (("name", "丙"), ("aliases", "丁")), ("a#0",))
    rel = replace(small_graph.relations[0], attrs=(("evidence_count", "九"),))
    graph = replace(small_graph, entities=small_graph.entities + (ent,), relations=(rel,))
    pg = to_property_graph(graph)
    node = next(n for n in pg.nodes if n.id == ent.id).prop_dict()
    assert (node["name"], node["aliases"], node["articles"]) == ("丙", [], ["a#0"])
    assert pg.rels_of(rel.predicate.label)[0].prop_dict()["evidence_count"] == "九"


def test_rows_of_one_label_or_type_keep_row_order_in_fresh_lists(small_graph: KnowledgeGraph) -> None:
    pg = to_property_graph(small_graph)
    for label in NODE_LABELS:
        assert pg.nodes_of(label) == [n for n in pg.nodes if n.label == label]
    for type_ in REL_TYPES:
        assert pg.rels_of(type_) == [r for r in pg.rels if r.type == type_]
    pg.nodes_of(ARTICLE).clear()
    pg.rels_of(MENTIONS).clear()
    assert pg.nodes_of(ARTICLE) and pg.rels_of(MENTIONS)  # a caller's change never reaches the next caller


def test_building_rows_leaves_the_garbage_collector_as_it_found_it(small_graph: KnowledgeGraph) -> None:
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            assert to_property_graph(replace(small_graph)).nodes  # a new graph object: built, not memoised
            assert gc.isenabled() is enabled
    finally:
        gc.enable()
