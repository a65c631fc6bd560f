"""kg.ontology reads schema/ontology.ttl, and every place that says which types a predicate connects agrees
with it: the property-graph endpoints, the scorer's domains and the SHACL shapes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from kg import evaluate, pgraph
from kg.errors import SchemaError
from kg.ids import entity_id
from kg.model import CORE_PREDICATES, CORE_TYPES, SYMMETRIC, EntityType, Predicate
from kg.ontology import read_schema, schema, snake
from kg.rdf.vocab import ONTOLOGY_PATH, UKG, load_shapes

ONTOLOGY = Graph().parse(ONTOLOGY_PATH, format="turtle")


def _classes(node: URIRef | BNode) -> set[str]:
    """Local names of a class or of an owl:unionOf list of classes (read with rdflib, not kg.ontology)."""
    union = ONTOLOGY.value(node, OWL.unionOf)
    members = list(Collection(ONTOLOGY, union)) if union is not None else [node]
    return {str(m).removeprefix(str(UKG)) for m in members}


def _declared(p: Predicate) -> tuple[set[str], set[str]]:
    prop = _iri(p)
    return _classes(ONTOLOGY.value(prop, RDFS.domain)), _classes(ONTOLOGY.value(prop, RDFS.range))


def _iri(p: Predicate) -> URIRef:
    return next(URIRef(i) for i in ONTOLOGY.subjects(RDF.type, OWL.ObjectProperty)
                if snake(str(i).split("#")[1]) == p.value)


def _shape_range(p: Predicate) -> set[str]:
    """The classes the SHACL shapes accept as the predicate's object (sh:class or sh:or of sh:class)."""
    shapes = load_shapes()
    prop = next(s for s in shapes.subjects(SH.path, _iri(p)) if (None, SH.property, s) in shapes)
    alternatives = shapes.value(prop, SH["or"])
    found = [shapes.value(x, SH["class"]) for x in Collection(shapes, alternatives)] if alternatives else [
        shapes.value(prop, SH["class"])]
    return {str(c).removeprefix(str(UKG)) for c in found}


@pytest.mark.parametrize("p", list(Predicate), ids=str)
def test_every_consumer_agrees_with_the_declared_domain_and_range(p: Predicate) -> None:
    domain, range_ = _declared(p)
    assert domain and range_ and (domain | range_) <= {t.value for t in EntityType}, (domain, range_)
    assert set(pgraph.REL_ENDPOINTS[p.label]) == {(s, o) for s in domain for o in range_}
    assert {t.value for t in evaluate._DOMAIN[p][0]} == domain
    assert {t.value for t in evaluate._DOMAIN[p][1]} == range_
    assert _shape_range(p) == range_


def test_partners_with_is_symmetric_between_union_bodies_and_organizations() -> None:
    assert _declared(Predicate.PARTNERS_WITH) == ({"UnionBody", "Organization"},) * 2
    assert SYMMETRIC == {Predicate.PARTNERS_WITH}


def test_the_shipped_schema_keeps_the_enum_names_values_and_ids() -> None:
    assert [(t.name, t.value) for t in EntityType] == [
        ("UNION_BODY", "UnionBody"), ("INITIATIVE", "Initiative"), ("WORKER_GROUP", "WorkerGroup"),
        ("REGION", "Region"), ("ORGANIZATION", "Organization"), ("PERSON", "Person")]
    assert [(p.name, p.value, p.label) for p in Predicate][2] == ("LOCATED_IN", "located_in", "LOCATED_IN")
    assert CORE_TYPES == tuple(EntityType)[:4] and CORE_PREDICATES == tuple(Predicate)[:3]
    assert entity_id(EntityType.ORGANIZATION, "x").startswith("org-")
    assert {t.value: t.id_prefix for t in schema().types}["WorkerGroup"] == "wg"


def _copy(tmp_path: Path, edit: str) -> Path:
    path = tmp_path / "ontology.ttl"
    shutil.copyfile(ONTOLOGY_PATH, path)
    path.write_text(path.read_text(encoding="utf-8") + edit, encoding="utf-8")
    return path


def test_a_duplicate_id_prefix_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = _copy(tmp_path, '\nukg:Other a owl:Class ; kgs:idPrefix "ub" .\n')
    with pytest.raises(SchemaError, match=r"ontology\.ttl: two entity types share an id prefix"):
        read_schema(path)


def test_a_syntax_error_is_one_schema_error(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match=r"ontology\.ttl: cannot read the ontology"):
        read_schema(_copy(tmp_path, "\nukg:Broken a \n"))


def test_a_predicate_between_non_entity_classes_is_not_a_predicate(tmp_path: Path) -> None:
    added = "\nukg:cites a owl:ObjectProperty ; rdfs:domain ukg:Fact ; rdfs:range ukg:Article .\n"
    spec = read_schema(_copy(tmp_path, added))
    assert [p.value for p in spec.predicates] == [p.value for p in Predicate]


def test_a_predicate_with_an_undeclared_end_is_refused(tmp_path: Path) -> None:
    added = "\nukg:wins a owl:ObjectProperty ; kgs:cue \"荣获\" ; rdfs:domain ukg:UnionBody ; rdfs:range ukg:Awrd .\n"
    with pytest.raises(SchemaError, match=r"ontology\.ttl: wins: a predicate's rdfs:domain and rdfs:range"):
        read_schema(_copy(tmp_path, added))


def test_a_missing_lexicon_file_is_refused(tmp_path: Path) -> None:
    added = '\nukg:Award a owl:Class ; kgs:idPrefix "aw" ; kgs:lexicon "awards.txt" .\n'
    with pytest.raises(SchemaError, match=r"Award: kgs:lexicon 'awards.txt' is not a file"):
        read_schema(_copy(tmp_path, added))
