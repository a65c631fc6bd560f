"""The embedded Oxigraph store: counts agree with graph.jsonl, read-only queries, one-line errors."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from kg.errors import InputError, QueryError
from kg.export.jsonl import write_graph
from kg.model import KnowledgeGraph, Predicate
from kg.rdf.vocab import PREDICATE_IRI
from kg.settings import Settings
from kg.stores.oxigraph_store import STORE_DIR, run_query, write_store

ROOT = Path(__file__).resolve().parent.parent.parent
COUNT_PER_PREDICATE = """
SELECT ?p (COUNT(*) AS ?n) WHERE {
  ?s ?p ?o .
  FILTER (?p IN (ukg:runs, ukg:serves, ukg:locatedIn, ukg:partnersWith, ukg:guides, ukg:hasRole))
} GROUP BY ?p
"""


def _build(graph: KnowledgeGraph, out: Path) -> Settings:
    settings = Settings(out=out, progress=False)
    write_graph(graph, settings)
    write_store(graph, settings)
    return settings


def _jsonl_counts(out: Path) -> Counter[str]:
    lines = (json.loads(line) for line in (out / "graph.jsonl").read_text(encoding="utf-8").splitlines())
    return Counter(rec["label"] for rec in lines if rec["type"] == "relationship")


def _sparql_counts(out: Path) -> Counter[str]:
    label = {str(iri): p.label for p, iri in PREDICATE_IRI.items()}
    _, rows = run_query(out, COUNT_PER_PREDICATE)
    return Counter({label[p]: n for p, n in rows})


def test_counts_per_predicate_agree_with_graph_jsonl(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    _build(small_graph, tmp_path)
    jsonl = _jsonl_counts(tmp_path)
    assert jsonl == Counter(r.predicate.label for r in small_graph.relations)
    assert _sparql_counts(tmp_path) == jsonl


def test_counts_agree_on_the_seeds(seeds_graph: KnowledgeGraph, tmp_path: Path) -> None:
    _build(seeds_graph, tmp_path)
    jsonl = _jsonl_counts(tmp_path)
    assert sum(jsonl.values()) == len(seeds_graph.relations)
    assert _sparql_counts(tmp_path) == jsonl


def test_hostile_name_and_role_come_back_verbatim(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    _build(small_graph, tmp_path)
    columns, rows = run_query(tmp_path, """
        SELECT ?name ?role WHERE {
          ?p a ukg:Person ; skos:prefLabel ?name .
          ?f rdf:subject ?p ; ukg:role ?role .
        }""")
    assert columns == ["name", "role"]
    assert rows == [["张三\"}; DROP ALL <script>alert(1)</script> ' OR 1=1 //", "主席'\"<b>"]]


def test_values_are_plain_python(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    _build(small_graph, tmp_path)
    _, rows = run_query(tmp_path, "SELECT ?start ?c ?missing WHERE { ?e ukg:startOffset ?start . "
                                  "?f ukg:hasEvidence ?e ; ukg:confidence ?c } ORDER BY ?start ?c LIMIT 1")
    assert rows == [[10, 0.9, None]]
    assert run_query(tmp_path, "ASK { ?s ukg:locatedIn ?o }") == (["result"], [[True]])


def test_ontology_is_in_its_own_graph(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    _build(small_graph, tmp_path)
    _, rows = run_query(tmp_path, """
        SELECT ?label WHERE { GRAPH <https://w3id.org/ukg/ontology> { ukg:runs rdfs:label ?label } }
        ORDER BY ?label""")
    assert rows == [["runs"], ["开展"]]
    _, [[n]] = run_query(tmp_path, "SELECT (COUNT(*) AS ?n) WHERE { ?s a owl:Class }")
    assert n == 0  # the default graph holds only data


def test_locatedin_path_reaches_the_province(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    _build(small_graph, tmp_path)
    _, rows = run_query(tmp_path, """
        SELECT ?name WHERE { ?b a ukg:UnionBody ; ukg:locatedIn+ ?r . ?r skos:prefLabel ?name }
        ORDER BY ?name""")
    assert rows == [["某市"], ["某省"]]


BAD_QUERIES = ["SELECT ?x WHERE { ?x ?y }", "SELEC * WHERE {}", "SELECT * WHERE { ?s nope:x ?o }"]


@pytest.mark.parametrize("bad", BAD_QUERIES)
def test_malformed_query_is_one_line_error(small_graph: KnowledgeGraph, tmp_path: Path, bad: str) -> None:
    _build(small_graph, tmp_path)
    with pytest.raises(QueryError) as info:
        run_query(tmp_path, bad)
    assert "\n" not in str(info.value) and str(info.value)


def test_missing_store_says_to_build(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="kg build"):
        run_query(tmp_path, "ASK {}")


def test_rebuild_replaces_the_store(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    _build(small_graph, tmp_path)
    smaller = KnowledgeGraph(small_graph.entities, tuple(r for r in small_graph.relations
                                                         if r.predicate is not Predicate.RUNS))
    write_store(smaller, Settings(out=tmp_path, progress=False))
    _, [[n]] = run_query(tmp_path, "SELECT (COUNT(*) AS ?n) WHERE { ?s ukg:runs ?o }")
    assert n == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["graph.jsonl", STORE_DIR])


def test_two_readers_at_once(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    from kg.stores.oxigraph_store import open_store, query_store

    _build(small_graph, tmp_path)
    first, second = open_store(tmp_path), open_store(tmp_path)
    assert query_store(first, "ASK { ?s ?p ?o }") == query_store(second, "ASK { ?s ?p ?o }")
