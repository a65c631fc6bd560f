"""Python constants for the ukg ontology (schema/ontology.ttl is the single source of the names).

`UKG` lists every term the ontology declares; a test checks the two agree both ways.
"""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from kg.model import EntityType, Predicate
from kg.settings import SCHEMA_DIR

ONTOLOGY_PATH = SCHEMA_DIR / "ontology.ttl"
SHAPES_PATH = SCHEMA_DIR / "shapes.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/ukg/ontology")

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")


class UKG(DefinedNamespace):
    """The ukg vocabulary: classes and properties of schema/ontology.ttl."""

    _NS = Namespace("https://w3id.org/ukg/ontology#")
    _fail = True

    # entity types
    UnionBody: URIRef
    Initiative: URIRef
    WorkerGroup: URIRef
    Region: URIRef
    Organization: URIRef
    Person: URIRef
    # sources and provenance
    Document: URIRef
    Article: URIRef
    Fact: URIRef
    Evidence: URIRef
    # the six predicates
    runs: URIRef
    serves: URIRef
    locatedIn: URIRef
    partnersWith: URIRef
    guides: URIRef
    hasRole: URIRef
    # provenance properties
    hasEvidence: URIRef
    quote: URIRef
    startOffset: URIRef
    endOffset: URIRef
    rule: URIRef
    confidence: URIRef
    role: URIRef
    # attributes
    level: URIRef
    organizationKind: URIRef
    adminCode: URIRef
    byline: URIRef
    articleIndex: URIRef


CLASS_IRI: dict[EntityType, URIRef] = {
    EntityType.UNION_BODY: UKG.UnionBody,
    EntityType.INITIATIVE: UKG.Initiative,
    EntityType.WORKER_GROUP: UKG.WorkerGroup,
    EntityType.REGION: UKG.Region,
    EntityType.ORGANIZATION: UKG.Organization,
    EntityType.PERSON: UKG.Person,
}

PREDICATE_IRI: dict[Predicate, URIRef] = {
    Predicate.RUNS: UKG.runs,
    Predicate.SERVES: UKG.serves,
    Predicate.LOCATED_IN: UKG.locatedIn,
    Predicate.PARTNERS_WITH: UKG.partnersWith,
    Predicate.GUIDES: UKG.guides,
    Predicate.HAS_ROLE: UKG.hasRole,
}

PREFIXES: dict[str, str] = {
    "ukg": str(UKG),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": str(ORG),
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": str(SCHEMA),
}
"""Prefixes used in every serialisation and in queries/*.rq."""


def load_ontology() -> Graph:
    """The ontology graph parsed from schema/ontology.ttl."""
    return Graph().parse(ONTOLOGY_PATH, format="turtle")


def load_shapes() -> Graph:
    """The SHACL shapes graph parsed from schema/shapes.ttl."""
    return Graph().parse(SHAPES_PATH, format="turtle")
