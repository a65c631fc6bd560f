"""A SHACL engine for the subset of SHACL Core and SHACL-SPARQL that schema/shapes.ttl uses: the core
constraints checked in Python over N-Triples terms (kg.rdf.shacl_core), the sh:sparql constraints run
by Oxigraph.

pyshacl walks focus nodes over rdflib objects and takes minutes on a few MB of text; kg already holds
every triple as term strings, so the core checks are one pass of dictionary look-ups, and only the
SPARQL constraints need a store. Any shape feature outside the subset raises ShapeError instead of being
ignored, and tests check the results agree with pyshacl.
Supported: targets sh:targetClass, sh:targetSubjectsOf, sh:targetNode; on node shapes sh:nodeKind
and sh:sparql (SELECT with $this, only on sh:targetNode shapes); on property shapes with a
predicate path sh:minCount, sh:maxCount, sh:datatype, sh:minLength, sh:nodeKind, sh:class,
sh:or of sh:class shapes, sh:in, sh:minInclusive and sh:maxInclusive (numeric bounds), sh:lessThan,
sh:message (a fixed text; templates only in sh:sparql).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from kg.errors import KGError
from kg.rdf import shacl_core as core
from kg.rdf.convert import literal
from kg.rdf.shacl_core import Triples, Violation
from kg.rdf.terms import number

__all__ = ["ShapeError", "Shapes", "SparqlCheck", "Violation", "compile_shapes", "run_checks", "run_sparql"]

TARGET_KINDS = (SH.targetClass, SH.targetSubjectsOf, SH.targetNode)
PROPERTY_PARAMS = {SH.path, SH.message, SH.name, SH.description, SH.minCount, SH.maxCount, SH.datatype,
                   SH.minLength, SH.nodeKind, SH["class"], SH["or"], SH["in"], SH.minInclusive,
                   SH.maxInclusive, SH.lessThan}
NODE_PARAMS = {RDF.type, SH.property, SH.nodeKind, SH.sparql, SH.message, *TARGET_KINDS}

StoreSource = ox.Store | Callable[[], ox.Store]
"""The store for the sh:sparql constraints, or a function that loads it (called only when needed)."""


class ShapeError(KGError):
    """The shapes use a SHACL feature this engine does not implement (a defect to fix, not to skip)."""


@dataclass(frozen=True)
class SparqlCheck:
    """One sh:sparql constraint: a SELECT whose every solution is a violation of `shape`."""

    shape: str
    query: str
    message: str


@dataclass(frozen=True)
class Shapes:
    """The compiled shapes: core node shapes for Python, sh:sparql constraints for Oxigraph."""

    core: tuple[core.NodeShape, ...]
    sparql: tuple[SparqlCheck, ...]


def _term(node: object) -> str:
    """A term of the shapes graph in N-Triples form (as kg writes it, so sh:in compares like for like)."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        lang = node.language.lower() if node.language else None
        return literal(str(node), lang, str(node.datatype) if node.datatype else None)
    raise ShapeError(f"unsupported term in shapes: {node!r}")


def _iri(node: object, what: str) -> str:
    if not isinstance(node, URIRef):
        raise ShapeError(f"{what} must be an IRI, not {node!r}")
    return f"<{node}>"


def _count(node: object, what: str) -> int:
    value = node.toPython() if isinstance(node, Literal) else None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ShapeError(f"{what} must be a non-negative integer, not {node!r}")
    return value


def _bound(node: object, what: str) -> str:
    term = _term(node)
    if number(term) is None:
        raise ShapeError(f"{what} must be a number, not {node!r}")
    return term


def _node_kind(node: object) -> str:
    name = str(node).removeprefix(str(SH))
    if isinstance(node, URIRef) and str(node).startswith(str(SH)) and name in core.NODE_KINDS:
        return name
    raise ShapeError(f"unsupported sh:nodeKind {node}")


def _message(shapes: Graph, node: object) -> str:
    messages = list(shapes.objects(node, SH.message))
    if len(messages) > 1:
        raise ShapeError(f"more than one sh:message on {node}")
    return str(messages[0]) if messages else ""


def _or_classes(shapes: Graph, members: object) -> tuple[str, ...]:
    classes = []
    for member in Collection(shapes, members):
        found = list(shapes.objects(member, SH["class"]))
        extra = set(shapes.predicates(member)) - {SH["class"], RDF.type}
        if len(found) != 1 or extra:
            raise ShapeError("sh:or is supported only over shapes that each hold one sh:class")
        classes.append(_iri(found[0], "sh:class"))
    return tuple(classes)


def _value_constraints(shapes: Graph, prop: object) -> Iterator[core.ValueConstraint]:
    for dt in shapes.objects(prop, SH.datatype):
        yield core.Datatype(_iri(dt, "sh:datatype")[1:-1])
    for n in shapes.objects(prop, SH.minLength):
        yield core.MinLength(_count(n, "sh:minLength"))
    for kind in shapes.objects(prop, SH.nodeKind):
        yield core.NodeKind(_node_kind(kind))
    for cls in shapes.objects(prop, SH["class"]):
        yield core.Class(_iri(cls, "sh:class"))
    for members in shapes.objects(prop, SH["or"]):
        yield core.OrClass(_or_classes(shapes, members))
    for members in shapes.objects(prop, SH["in"]):
        yield core.In(frozenset(_term(m) for m in Collection(shapes, members)))
    for bound in shapes.objects(prop, SH.minInclusive):
        yield core.MinInclusive(_bound(bound, "sh:minInclusive"))
    for bound in shapes.objects(prop, SH.maxInclusive):
        yield core.MaxInclusive(_bound(bound, "sh:maxInclusive"))


def _property_shape(shapes: Graph, prop: object) -> core.PropertyShape:
    unknown = set(shapes.predicates(prop)) - PROPERTY_PARAMS
    if unknown:
        raise ShapeError(f"unsupported property-shape parameter(s): {', '.join(sorted(map(str, unknown)))}")
    paths = list(shapes.objects(prop, SH.path))
    if len(paths) != 1 or not isinstance(paths[0], URIRef):
        raise ShapeError("only predicate paths (one IRI in sh:path) are supported")
    message = _message(shapes, prop)
    if "{?" in message or "{$" in message:
        raise ShapeError(f"message templates are supported only in sh:sparql: {message!r}")
    return core.PropertyShape(
        path=f"<{paths[0]}>", message=message,
        min_count=tuple(_count(n, "sh:minCount") for n in shapes.objects(prop, SH.minCount)),
        max_count=tuple(_count(n, "sh:maxCount") for n in shapes.objects(prop, SH.maxCount)),
        values=tuple(_value_constraints(shapes, prop)),
        less_than=tuple(_iri(p, "sh:lessThan") for p in shapes.objects(prop, SH.lessThan)))


def _sparql_checks(shapes: Graph, shape: object) -> Iterator[SparqlCheck]:
    nodes = list(shapes.objects(shape, SH.targetNode))
    for constraint in shapes.objects(shape, SH.sparql):
        select = shapes.value(constraint, SH.select)
        if select is None or len(nodes) != 1 or set(shapes.objects(shape, SH.targetClass)):
            raise ShapeError("sh:sparql is supported only as sh:select on a shape with a single sh:targetNode")
        prefixes = "".join(
            f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
            for source in shapes.objects(constraint, SH.prefixes) for d in shapes.objects(source, SH.declare))
        query = f"{prefixes}{select}\nVALUES ?this {{ {_term(nodes[0])} }}"  # $this and ?this are one variable
        message = str(shapes.value(constraint, SH.message) or "SPARQL constraint")
        yield SparqlCheck(str(shape), query, message)


def _node_shape(shapes: Graph, shape: object) -> core.NodeShape:
    unknown = set(shapes.predicates(shape)) - NODE_PARAMS
    if unknown:
        raise ShapeError(f"unsupported node-shape parameter(s) on {shape}: {', '.join(sorted(map(str, unknown)))}")
    if set(shapes.objects(shape, RDF.type)) != {SH.NodeShape}:
        raise ShapeError(f"{shape} may only be a sh:NodeShape (no implicit class targets)")
    node_shape = core.NodeShape(
        iri=f"<{shape}>",
        classes=tuple(_iri(c, "sh:targetClass") for c in shapes.objects(shape, SH.targetClass)),
        subjects_of=tuple(_iri(p, "sh:targetSubjectsOf") for p in shapes.objects(shape, SH.targetSubjectsOf)),
        nodes=tuple(_term(n) for n in shapes.objects(shape, SH.targetNode)),
        node_kinds=tuple(_node_kind(k) for k in shapes.objects(shape, SH.nodeKind)),
        properties=tuple(_property_shape(shapes, p) for p in shapes.objects(shape, SH.property)))
    if not (node_shape.classes or node_shape.subjects_of or node_shape.nodes):
        raise ShapeError(f"shape {shape} has no target this engine understands")
    return node_shape


def compile_shapes(shapes: Graph) -> Shapes:
    """Every node shape of the shapes graph, in a stable order (ShapeError on anything unsupported)."""
    node_shapes = sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str)
    stray = {s for kind in TARGET_KINDS for s in shapes.subjects(kind, None)} - set(node_shapes)
    stray |= set(shapes.subjects(RDF.type, SH.PropertyShape))
    if stray:
        raise ShapeError(f"only sh:NodeShape instances may have targets: {', '.join(sorted(map(str, stray)))}")
    if any(isinstance(s, BNode) for s in node_shapes):
        raise ShapeError("node shapes must be IRIs")
    return Shapes(core=tuple(_node_shape(shapes, s) for s in node_shapes),
                  sparql=tuple(c for s in node_shapes for c in _sparql_checks(shapes, s)))


def _filled(template: str, row: ox.QuerySolution, columns: list[str]) -> str:
    for name in columns:
        term = row[name]
        if term is not None:
            template = template.replace(f"{{?{name}}}", term.value).replace(f"{{${name}}}", term.value)
    return template


def _sparql_violations(store: ox.Store, check: SparqlCheck) -> set[Violation]:
    result = store.query(check.query)
    columns = [v.value for v in result.variables]
    found: set[Violation] = set()
    for row in result:
        focus = row["this"]
        value = row["value"] if "value" in columns else None
        found.add(Violation(focus=str(focus) if focus is not None else "", path="",
                            value=str(value) if value is not None else "",
                            component=f"<{SH}SPARQLConstraintComponent>", shape=f"<{check.shape}>",
                            message=_filled(check.message, row, columns)))
    return found


def run_sparql(store: StoreSource, checks: tuple[SparqlCheck, ...]) -> set[Violation]:
    """The violations of the sh:sparql constraints, the queries run in a few threads (Oxigraph evaluates
    them without holding the GIL). The store is loaded only if there is a query to run."""
    if not checks:
        return set()
    target = store if isinstance(store, ox.Store) else store()
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1), thread_name_prefix="kg-shacl") as pool:
        return set().union(*pool.map(lambda check: _sparql_violations(target, check), checks))


def run_checks(shapes: Shapes, triples: Triples, store: StoreSource) -> list[Violation]:
    """Every violation in the data graph, sorted: the core checks over `triples` in this thread while
    another loads the store (Oxigraph loads without the GIL) and runs the sh:sparql constraints on it."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-shacl-sparql") as pool:
        sparql = pool.submit(run_sparql, store, shapes.sparql)
        found = core.evaluate(shapes.core, triples)
        return sorted(found | sparql.result())
