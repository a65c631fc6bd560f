"""Python constants for the ukg ontology, read from schema/ontology.ttl (the single source of the names).

`UKG` holds every ukg: term the ontology declares and refuses any other; CLASS_IRI and PREDICATE_IRI map
kg.model's enums to their classes and properties.
"""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DefinedNamespace, DefinedNamespaceMeta

from kg.model import EntityType, Predicate
from kg.ontology import UKG_NS, schema
from kg.settings import SCHEMA_DIR

ONTOLOGY_PATH = SCHEMA_DIR / "ontology.ttl"
SHAPES_PATH = SCHEMA_DIR / "shapes.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/ukg/ontology")

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")


UKG = DefinedNamespaceMeta("UKG", (DefinedNamespace,), {
    "__doc__": "The ukg vocabulary: every class and property schema/ontology.ttl declares (UKG.runs, UKG.Fact …).",
    "__module__": __name__,
    "_NS": Namespace(UKG_NS),
    "_fail": True,
    "__annotations__": dict.fromkeys(schema().terms, URIRef),
})

CLASS_IRI: dict[EntityType, URIRef] = {EntityType(t.value): URIRef(t.iri) for t in schema().types}
PREDICATE_IRI: dict[Predicate, URIRef] = {Predicate(p.value): URIRef(p.iri) for p in schema().predicates}

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


def _classes(values: tuple[str, ...]) -> str:
    """`sh:class C`, or `sh:or ( [ sh:class C1 ] [ sh:class C2 ] … )` for several classes."""
    iris = [f"<{schema().type(v).iri}>" for v in values]
    return f"sh:class {iris[0]}" if len(iris) == 1 else f"sh:or ( {' '.join(f'[ sh:class {c} ]' for c in iris)} )"


def schema_shapes() -> str:
    """The shapes that name the schema's types and predicates, generated from schema/ontology.ttl (Turtle):
    every entity type is an EntityShape target; every predicate's object is of its rdfs:range; a fact's
    rdf:predicate is one of the predicates; every asserted relation has a fact with evidence."""
    types, preds = schema().types, schema().predicates
    listed = " , ".join(f"<{p.iri}>" for p in preds)
    ranges = " ,\n        ".join(f"[ sh:path <{p.iri}> ; {_classes(p.range)} ]" for p in preds)
    classes = " , ".join(f"<{t.iri}>" for t in types)
    members, filtered = " ".join(f"<{p.iri}>" for p in preds), ", ".join(f"<{p.iri}>" for p in preds)
    quotes = '"' * 3
    return f"""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ukgsh: <https://w3id.org/ukg/shapes#> .
@prefix rdf: <{PREFIXES["rdf"]}> .

ukgsh:EntityShape sh:targetClass {classes} .

ukgsh:AssertedRelationShape a sh:NodeShape ;
    sh:targetSubjectsOf {listed} ;
    sh:property {ranges} .

ukgsh:FactShape sh:property [ sh:path rdf:predicate ; sh:minCount 1 ; sh:maxCount 1 ;
    sh:in ( {members} ) ] .

# The evidence's type is tested in FILTER EXISTS, not as a pattern `?evidence a ukg:Evidence` (same
# solutions): with that pattern Oxigraph plans a join whose cost grows with the square of the facts
# about one entity (bench/shacl_hub.py).
ukgsh:FactCoverageShape sh:sparql [
    a sh:SPARQLConstraint ;
    sh:message "asserted relation {{?value}} {{?p}} {{?o}} has no ukg:Fact with evidence" ;
    sh:prefixes ukgsh: ;
    sh:select {quotes}
        SELECT $this ?value ?p ?o WHERE {{
            ?value ?p ?o .
            FILTER (?p IN ({filtered}))
            OPTIONAL {{
                ?fact rdf:subject ?value ; rdf:predicate ?p ; rdf:object ?o ; ukg:hasEvidence ?evidence .
                FILTER EXISTS {{ ?evidence a ukg:Evidence }}
            }}
            FILTER (!BOUND(?fact))
        }}
    {quotes} ;
] .
"""


def load_shapes() -> Graph:
    """The SHACL shapes graph: schema/shapes.ttl plus the shapes generated from the ontology (schema_shapes)."""
    graph = Graph().parse(SHAPES_PATH, format="turtle")
    return graph.parse(data=schema_shapes(), format="turtle")
