"""The ontology file and the Python constants agree, and every term is labelled and defined in zh and en."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, URIRef
from rdflib.namespace import SKOS

from kg.model import EntityType, Predicate
from kg.rdf.vocab import CLASS_IRI, PREDICATE_IRI, UKG, load_ontology

ONTOLOGY = load_ontology()
TERMS = sorted(URIRef(str(UKG) + name) for name in UKG.__annotations__)


def test_constants_match_the_ontology_both_ways() -> None:
    declared = {s for s in ONTOLOGY.subjects(RDF.type, None) if str(s).startswith(str(UKG))}
    assert declared == set(TERMS)


def test_unknown_term_is_refused() -> None:
    with pytest.raises(AttributeError):
        _ = UKG.runz


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.split("#")[1])
def test_term_has_zh_and_en_label_and_definition(term: URIRef) -> None:
    for prop in (RDFS.label, SKOS.definition):
        langs = {o.language for o in ONTOLOGY.objects(term, prop)}
        assert {"zh", "en"} <= langs, (term, prop)


def test_every_type_and_predicate_is_mapped() -> None:
    assert set(CLASS_IRI) == set(EntityType)
    assert set(PREDICATE_IRI) == set(Predicate)
    for p in PREDICATE_IRI.values():
        assert (p, RDF.type, OWL.ObjectProperty) in ONTOLOGY
        assert ONTOLOGY.value(p, RDFS.domain) is not None and ONTOLOGY.value(p, RDFS.range) is not None


def test_located_in_is_transitive_and_w3c_vocabularies_are_reused() -> None:
    assert (UKG.locatedIn, RDF.type, OWL.TransitiveProperty) in ONTOLOGY
    org = "http://www.w3.org/ns/org#"
    assert (UKG.Organization, RDFS.subClassOf, URIRef(org + "Organization")) in ONTOLOGY
    assert (UKG.WorkerGroup, RDFS.subClassOf, SKOS.Concept) in ONTOLOGY
    assert (UKG.Fact, RDFS.subClassOf, RDF.Statement) in ONTOLOGY
