"""KnowledgeGraph → quads: deterministic IRIs, one asserted triple per relation, evidence per fact."""

from __future__ import annotations

from collections import Counter

from rdflib import RDF, Literal, URIRef
from rdflib.namespace import PROV, SKOS

from kg.model import KnowledgeGraph
from kg.rdf.convert import Minter, decimal, default_graph, to_dataset, to_quads
from kg.rdf.vocab import PREDICATE_IRI, UKG

BASE = "https://w3id.org/ukg/"


def test_same_graph_same_quads(small_graph: KnowledgeGraph) -> None:
    assert to_quads(small_graph, BASE) == to_quads(small_graph, BASE)


def test_base_iri_is_respected(small_graph: KnowledgeGraph) -> None:
    quads = to_quads(small_graph, "http://example.org/kg/")
    subjects = {str(s) for s, *_ in quads}
    assert all(not s.startswith(BASE) for s in subjects)
    assert any(s.startswith("http://example.org/kg/entity/") for s in subjects)


def test_one_asserted_triple_per_relation(small_graph: KnowledgeGraph) -> None:
    g = default_graph(to_quads(small_graph, BASE))
    expected = Counter(PREDICATE_IRI[r.predicate] for r in small_graph.relations)
    found = Counter(p for _, p, _ in g if p in set(PREDICATE_IRI.values()))
    assert found == expected


def test_every_fact_is_reified_with_its_evidence(small_graph: KnowledgeGraph) -> None:
    g = default_graph(to_quads(small_graph, BASE))
    mint = Minter(BASE)
    for rel in small_graph.relations:
        fact = mint.fact(rel.id)
        assert g.value(fact, RDF.subject) == mint.entity(rel.subject)
        assert g.value(fact, RDF.predicate) == PREDICATE_IRI[rel.predicate]
        evidence = list(g.objects(fact, UKG.hasEvidence))
        assert len(evidence) == len(rel.evidence) >= 1
        for node, ev in zip(evidence, rel.evidence, strict=True):
            assert g.value(node, UKG.quote) == Literal(ev.quote)
            assert g.value(node, UKG.startOffset).toPython() == ev.start
            assert g.value(node, PROV.wasDerivedFrom) == mint.article(ev.doc, ev.article)


def test_named_graph_per_article_holds_its_facts(small_graph: KnowledgeGraph) -> None:
    ds = to_dataset(to_quads(small_graph, BASE))
    article = Minter(BASE).article("fixture.txt", 0)
    named = ds.graph(article)
    assert len(named) > 0
    assert len([t for t in named if t[1] in set(PREDICATE_IRI.values())]) == len(small_graph.relations)


def test_hostile_strings_are_kept_verbatim(small_graph: KnowledgeGraph) -> None:
    g = default_graph(to_quads(small_graph, BASE))
    person = next(e for e in small_graph.entities if e.type.value == "Person")
    assert g.value(URIRef(f"{BASE}entity/{person.id}"), SKOS.prefLabel) == Literal(person.name, lang="zh")
    assert Literal("主席'\"<b>") in set(g.objects(None, UKG.role))


def test_worker_group_taxonomy_uses_skos_broader(small_graph: KnowledgeGraph) -> None:
    g = default_graph(to_quads(small_graph, BASE))
    pairs = {(str(g.value(s, SKOS.prefLabel)), str(g.value(o, SKOS.prefLabel))) for s, o in
             g.subject_objects(SKOS.broader)}
    assert pairs == {("外卖配送员", "新就业形态劳动者")}


def test_decimal_literals_are_canonical() -> None:
    assert str(decimal(1)) == "1.0" and str(decimal(0.9)) == "0.9" and str(decimal(0.333333333)) == "0.333333"
