"""GraphML for Gephi/yEd: typed attributes, lists as JSON, hostile text intact, same bytes every run."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import networkx as nx

from kg.export.graphml import graphml_text, write_graphml
from kg.model import KnowledgeGraph
from kg.outputs import get_writer
from kg.pgraph import to_property_graph
from kg.settings import Settings


def _read(graph: KnowledgeGraph, out: Path) -> nx.MultiDiGraph:
    [path] = write_graphml(graph, Settings(out=out, progress=False))
    assert path == out / "graph.graphml"
    return nx.read_graphml(path, force_multigraph=True)


def test_registered_as_output_writer() -> None:
    assert get_writer("graphml") is write_graphml


def test_nodes_and_edges_with_typed_attributes(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    g = _read(small_graph, tmp_path)
    pg = to_property_graph(small_graph)
    assert sorted(g.nodes) == sorted(n.id for n in pg.nodes)
    assert sorted(k for _, _, k in g.edges(keys=True)) == sorted(r.id for r in pg.rels)
    for n in pg.nodes:
        data = g.nodes[n.id]
        assert data["type"] == n.label
        assert data["label"] == n.prop_dict()["name"]
        if "aliases" in n.prop_dict():
            assert json.loads(data["aliases"]) == n.prop_dict()["aliases"]
    for r in pg.rels:
        data = g.edges[r.start, r.end, r.id]
        props = r.prop_dict()
        assert data["type"] == r.type
        assert isinstance(data["confidence"], float) and data["confidence"] == props["confidence"]
        assert isinstance(data["evidence_count"], int) and data["evidence_count"] == props["evidence_count"]
        assert json.loads(data["quotes"]) == props["quotes"]


def test_hostile_text_comes_back_exactly(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    g = _read(small_graph, tmp_path)
    person = next(e for e in small_graph.entities if e.type.value == "Person")
    role = next(r for r in small_graph.relations if r.attrs)
    assert g.nodes[person.id]["name"] == person.name
    assert g.edges[role.subject, role.object, role.id]["role"] == dict(role.attrs)["role"]


def test_characters_xml_forbids_do_not_break_the_file(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    ent = small_graph.entities[0]
    graph = replace(small_graph, entities=(replace(ent, name="甲\x00乙\x0b丙"),) + small_graph.entities[1:])
    g = _read(graph, tmp_path)
    assert g.nodes[ent.id]["name"] == "甲 乙 丙"


def test_same_bytes_every_run(small_graph: KnowledgeGraph) -> None:
    shuffled = replace(small_graph, entities=tuple(reversed(small_graph.entities)))
    text = graphml_text(to_property_graph(small_graph))
    assert text == graphml_text(to_property_graph(shuffled))
    assert text.startswith("<?xml") and "某市总工会" in text  # UTF-8, not character references


def test_lists_are_written_as_json_dumps_writes_them(small_graph: KnowledgeGraph) -> None:
    body = next(e for e in small_graph.entities if e.type.value == "UnionBody")
    aliases = (*body.aliases, 'a&b<c>"d"', "\x01\r")
    graph = replace(small_graph, entities=tuple(replace(e, aliases=aliases) if e is body else e
                                                for e in small_graph.entities))
    text = graphml_text(to_property_graph(graph))
    written = json.dumps(list(aliases), ensure_ascii=False).replace("&", "&amp;").replace("<", "&lt;")
    assert f">{written.replace('>', '&gt;')}</data>" in text
