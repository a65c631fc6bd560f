"""graph.jsonl and articles.jsonl: APOC lines carrying every evidence field, one record per line whatever the text."""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from pathlib import Path

from kg.export.jsonl import read_graph, write_articles, write_graph
from kg.model import KnowledgeGraph
from kg.settings import Settings

BREAKS = "甲\u2028乙\u2029丙\x85丁\n戊\r己"
"""Every character some reader takes for a line end."""


def test_relationship_lines_carry_every_evidence_field(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    [path] = write_graph(small_graph, Settings(out=tmp_path, progress=False))
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    rels = {r["id"]: r for r in records if r["type"] == "relationship"}
    assert sorted(rels) == sorted(r.id for r in small_graph.relations)
    for rel in small_graph.relations:
        assert rels[rel.id]["properties"]["evidence"] == [asdict(ev) for ev in rel.evidence]
        assert list(rels[rel.id]["properties"]["evidence"][0]) == list(asdict(rel.evidence[0]))  # field order


def test_line_breaks_in_text_stay_inside_one_record(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    rel, article = small_graph.relations[0], small_graph.articles[0]
    graph = replace(
        small_graph,
        relations=(replace(rel, evidence=(replace(rel.evidence[0], quote=BREAKS),)), *small_graph.relations[1:]),
        articles=(replace(article, headline=BREAKS),),
    )
    settings = Settings(out=tmp_path, progress=False)
    [graph_path], [articles_path] = write_graph(graph, settings), write_articles(graph, settings)
    lines = graph_path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(graph.entities) + len(graph.relations)
    assert len(articles_path.read_text(encoding="utf-8").splitlines()) == 1
    back = read_graph(tmp_path)
    assert next(r for r in back.relations if r.id == rel.id).evidence[0].quote == BREAKS
    assert back.articles[0].headline == BREAKS
