"""KnowledgeGraph → quads: deterministic IRIs, one asserted triple per relation, evidence per fact."""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import PROV, SKOS

from kg.model import KnowledgeGraph
from kg.rdf.convert import Minter, build_rdf, decimal_text, default_graph, literal, to_dataset, to_rdf
from kg.rdf.vocab import PREDICATE_IRI, UKG

BASE = "https://w3id.org/ukg/"


def test_same_graph_same_quads(small_graph: KnowledgeGraph) -> None:
    assert list(build_rdf(small_graph, BASE).nquads()) == list(build_rdf(small_graph, BASE).nquads())


def test_memoised_for_the_same_graph_object(small_graph: KnowledgeGraph) -> None:
    data = to_rdf(small_graph, BASE)
    assert to_rdf(small_graph, BASE) is data
    assert to_rdf(small_graph, "http://example.org/kg/") is not data


def test_base_iri_is_respected(small_graph: KnowledgeGraph) -> None:
    subjects = {line.split(" ", 1)[0] for line in build_rdf(small_graph, "http://example.org/kg/").nquads()}
    assert all(not s.startswith(f"<{BASE}") for s in subjects)
    assert any(s.startswith("<http://example.org/kg/entity/") for s in subjects)


def test_one_asserted_triple_per_relation(small_graph: KnowledgeGraph) -> None:
    g = default_graph(build_rdf(small_graph, BASE))
    expected = Counter(PREDICATE_IRI[r.predicate] for r in small_graph.relations)
    found = Counter(p for _, p, _ in g if p in set(PREDICATE_IRI.values()))
    assert found == expected


def test_every_fact_is_reified_with_its_evidence(small_graph: KnowledgeGraph) -> None:
    g = default_graph(build_rdf(small_graph, BASE))
    mint = Minter(BASE)
    for rel in small_graph.relations:
        fact = URIRef(mint.fact(rel.id)[1:-1])
        assert g.value(fact, RDF.subject) == URIRef(mint.entity(rel.subject)[1:-1])
        assert g.value(fact, RDF.predicate) == PREDICATE_IRI[rel.predicate]
        evidence = list(g.objects(fact, UKG.hasEvidence))
        assert len(evidence) == len(rel.evidence) >= 1
        for node, ev in zip(evidence, rel.evidence, strict=True):
            assert g.value(node, UKG.quote) == Literal(ev.quote)
            assert g.value(node, UKG.startOffset).toPython() == ev.start
            assert g.value(node, PROV.wasDerivedFrom) == URIRef(mint.article(ev.doc, ev.article)[1:-1])


def test_named_graph_per_article_holds_its_facts(small_graph: KnowledgeGraph) -> None:
    ds = to_dataset(build_rdf(small_graph, BASE))
    article = URIRef(Minter(BASE).article("fixture.txt", 0)[1:-1])
    named = ds.graph(article)
    assert len(named) > 0
    assert len([t for t in named if t[1] in set(PREDICATE_IRI.values())]) == len(small_graph.relations)


def test_named_graphs_hold_only_the_triples_their_article_supports(small_graph: KnowledgeGraph) -> None:
    data = build_rdf(small_graph, BASE)
    mint = Minter(BASE)
    expected: dict[str, set[tuple[str, str, str]]] = {}
    for rel in small_graph.relations:
        triple = (mint.entity(rel.subject), f"<{PREDICATE_IRI[rel.predicate]}>", mint.entity(rel.object))
        for ev in rel.evidence:
            expected.setdefault(mint.article(ev.doc, ev.article), set()).add(triple)
    found = {g: {(s, p, o) for s, pairs in data.named[g].items() for p, o in pairs} for g in data.named}
    assert found == expected


def test_one_evidence_node_per_passage_shared_by_its_facts(small_graph: KnowledgeGraph) -> None:
    g = default_graph(build_rdf(small_graph, BASE))
    spans = {(ev.doc, ev.start, ev.end) for rel in small_graph.relations for ev in rel.evidence}
    nodes = set(g.subjects(RDF.type, UKG.Evidence))
    assert len(nodes) == len(spans) < sum(len(r.evidence) for r in small_graph.relations)
    for node in nodes:
        assert len(list(g.objects(node, UKG.quote))) == 1
        assert str(node).startswith(f"{BASE}document/") and "#char=" in str(node)


def test_fact_carries_the_rules_that_produced_it(small_graph: KnowledgeGraph) -> None:
    g = default_graph(build_rdf(small_graph, BASE))
    mint = Minter(BASE)
    for rel in small_graph.relations:
        rules = {str(o) for o in g.objects(URIRef(mint.fact(rel.id)[1:-1]), UKG.rule)}
        assert rules == {ev.rule for ev in rel.evidence if ev.rule}


def test_hostile_strings_are_kept_verbatim(small_graph: KnowledgeGraph) -> None:
    g = default_graph(build_rdf(small_graph, BASE))
    person = next(e for e in small_graph.entities if e.type.value == "Person")
    assert g.value(URIRef(f"{BASE}entity/{person.id}"), SKOS.prefLabel) == Literal(person.name, lang="zh")
    assert Literal("主席'\"<b>") in set(g.objects(None, UKG.role))


def test_worker_group_taxonomy_uses_skos_broader(small_graph: KnowledgeGraph) -> None:
    g = default_graph(build_rdf(small_graph, BASE))
    pairs = {(str(g.value(s, SKOS.prefLabel)), str(g.value(o, SKOS.prefLabel))) for s, o in
             g.subject_objects(SKOS.broader)}
    assert pairs == {("外卖配送员", "新就业形态劳动者")}


def test_decimal_literals_are_canonical() -> None:
    assert decimal_text(1) == "1.0" and decimal_text(0.9) == "0.9" and decimal_text(0.333333333) == "0.333333"


@pytest.mark.parametrize("text", ["plain", 'q"uote', "back\\slash", "line\nbreak\r\t", "\x00\x1f\x7f", "张三 <b>}{$`"])
def test_literal_escapes_parse_back_verbatim(text: str) -> None:
    g = Graph().parse(data=f"<http://x/s> <http://x/p> {literal(text)} .\n", format="nt")
    assert str(next(iter(g.objects()))) == text
