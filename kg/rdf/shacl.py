"""A SHACL engine for the subset of SHACL Core and SHACL-SPARQL that schema/shapes.ttl uses,
compiled to whole-graph SPARQL queries (per property shape one for the counts, one for the value
conditions) and run by Oxigraph.

pyshacl walks focus nodes in Python and takes minutes on a few MB of text; the same checks as
whole-graph SPARQL queries run in Rust in seconds. Any shape feature outside the subset raises
ShapeError instead of being ignored, and a test checks the results agree with pyshacl.
Supported: targets sh:targetClass, sh:targetSubjectsOf, sh:targetNode; on node shapes sh:nodeKind
and sh:sparql (SELECT with $this, only on sh:targetNode shapes); on property shapes with a
predicate path sh:minCount, sh:maxCount, sh:datatype, sh:minLength, sh:nodeKind, sh:class,
sh:or of sh:class shapes, sh:in, sh:minInclusive, sh:maxInclusive, sh:lessThan, sh:message.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from kg.errors import KGError

TARGET_KINDS = (SH.targetClass, SH.targetSubjectsOf, SH.targetNode)
NODE_KINDS = {SH.IRI: "isIRI(?v)", SH.Literal: "isLiteral(?v)", SH.BlankNode: "isBlank(?v)",
              SH.BlankNodeOrIRI: "(isBlank(?v) || isIRI(?v))", SH.IRIOrLiteral: "(isIRI(?v) || isLiteral(?v))",
              SH.BlankNodeOrLiteral: "(isBlank(?v) || isLiteral(?v))"}
PROPERTY_PARAMS = {SH.path, SH.message, SH.name, SH.description, SH.minCount, SH.maxCount, SH.datatype,
                   SH.minLength, SH.nodeKind, SH["class"], SH["or"], SH["in"], SH.minInclusive,
                   SH.maxInclusive, SH.lessThan}
NODE_PARAMS = {RDF.type, SH.property, SH.nodeKind, SH.sparql, SH.message, *TARGET_KINDS}
RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"


class ShapeError(KGError):
    """The shapes use a SHACL feature this engine does not implement (a defect to fix, not to skip)."""


@dataclass(frozen=True)
class Verdict:
    """How one constraint reads its check's solutions: every solution is a violation, or (with `flag`)
    those whose flag variable is bound to false, or (with `below`/`above`) those whose ?n count is
    below / above the bound."""

    component: str
    message: str
    flag: str | None = None
    below: int | None = None
    above: int | None = None

    def violated(self, row: ox.QuerySolution) -> bool:
        if self.flag is not None:
            value = row[self.flag]
            return value is not None and value.value == "false"
        if self.below is None and self.above is None:
            return True
        n = int(row["n"].value)
        return (self.below is not None and n < self.below) or (self.above is not None and n > self.above)


@dataclass(frozen=True)
class Check:
    """One query (over the whole graph) for one or more constraints on the same focus nodes and path:
    each solution binds ?this (focus), maybe ?v (value), and what the verdicts read."""

    shape: str
    path: str | None
    query: str
    verdicts: tuple[Verdict, ...]


@dataclass(frozen=True, order=True)
class Violation:
    """One validation result (terms in N-Triples form)."""

    focus: str
    path: str
    value: str
    component: str
    shape: str
    message: str


def _n(term: object) -> str:
    """A term of the shapes graph in SPARQL/N-Triples syntax."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3()
    raise ShapeError(f"unsupported term in shapes: {term!r}")


def _targets(shapes: Graph, shape: object) -> str:
    """A SPARQL pattern binding ?this to every focus node of the shape (union of its targets)."""
    parts = [f"{{ ?this a/<{RDFS_SUBCLASS}>* {_n(c)} }}" for c in shapes.objects(shape, SH.targetClass)]
    parts += [f"{{ ?this {_n(p)} ?_t }}" for p in shapes.objects(shape, SH.targetSubjectsOf)]
    parts += [f"{{ VALUES ?this {{ {_n(n)} }} }}" for n in shapes.objects(shape, SH.targetNode)]
    if not parts:
        raise ShapeError(f"shape {shape} has no target this engine understands")
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"


def _class_test(cls: object) -> str:
    return f"EXISTS {{ ?v a/<{RDFS_SUBCLASS}>* {_n(cls)} }}"


def _value_filters(shapes: Graph, prop: object) -> Iterator[tuple[str, str]]:
    """(component, SPARQL condition on ?v that holds for a *conforming* value) per value constraint."""
    for dt in shapes.objects(prop, SH.datatype):
        yield "DatatypeConstraintComponent", f"(isLiteral(?v) && datatype(?v) = {_n(dt)})"
    for n in shapes.objects(prop, SH.minLength):
        yield "MinLengthConstraintComponent", f"(!isBlank(?v) && STRLEN(STR(?v)) >= {int(n)})"
    for kind in shapes.objects(prop, SH.nodeKind):
        if kind not in NODE_KINDS:
            raise ShapeError(f"unsupported sh:nodeKind {kind}")
        yield "NodeKindConstraintComponent", NODE_KINDS[kind]
    for cls in shapes.objects(prop, SH["class"]):
        yield "ClassConstraintComponent", _class_test(cls)
    for members in shapes.objects(prop, SH["or"]):
        tests = []
        for member in Collection(shapes, members):
            classes = list(shapes.objects(member, SH["class"]))
            extra = {p for p in shapes.predicates(member)} - {SH["class"], RDF.type}
            if len(classes) != 1 or extra:
                raise ShapeError("sh:or is supported only over shapes that each hold one sh:class")
            tests.append(_class_test(classes[0]))
        yield "OrConstraintComponent", "(" + " || ".join(tests) + ")"
    for members in shapes.objects(prop, SH["in"]):
        yield "InConstraintComponent", "(?v IN (" + ", ".join(_n(m) for m in Collection(shapes, members)) + "))"
    for bound in shapes.objects(prop, SH.minInclusive):
        yield "MinInclusiveConstraintComponent", f"COALESCE(?v >= {_n(bound)}, false)"
    for bound in shapes.objects(prop, SH.maxInclusive):
        yield "MaxInclusiveConstraintComponent", f"COALESCE(?v <= {_n(bound)}, false)"


def _property_checks(shapes: Graph, shape: object, prop: object, target: str) -> Iterator[Check]:
    """At most three queries per property shape: the counts, the value conditions, sh:lessThan."""
    unknown = set(shapes.predicates(prop)) - PROPERTY_PARAMS
    if unknown:
        raise ShapeError(f"unsupported property-shape parameter(s): {', '.join(sorted(map(str, unknown)))}")
    path = shapes.value(prop, SH.path)
    if not isinstance(path, URIRef):
        raise ShapeError("only predicate paths (an IRI in sh:path) are supported")
    p, name = _n(path), str(shape)
    message = str(shapes.value(prop, SH.message) or "")
    counts = [Verdict("MinCountConstraintComponent", message or f"fewer than {int(n)} value(s) of {path}",
                      below=int(n)) for n in shapes.objects(prop, SH.minCount)]
    counts += [Verdict("MaxCountConstraintComponent", message or f"more than {int(n)} value(s) of {path}",
                       above=int(n)) for n in shapes.objects(prop, SH.maxCount)]
    if counts:
        tests = [f"COUNT(DISTINCT ?_x) < {v.below}" if v.below is not None else f"COUNT(DISTINCT ?_x) > {v.above}"
                 for v in counts]
        yield Check(name, str(path), f"SELECT ?this (COUNT(DISTINCT ?_x) AS ?n) WHERE {{ {target} OPTIONAL "
                                     f"{{ ?this {p} ?_x }} }} GROUP BY ?this HAVING ({' || '.join(tests)})",
                    tuple(counts))
    conditions = list(_value_filters(shapes, prop))
    if conditions:
        # ?cI is unbound where condition I raises an error: like FILTER(!(cond)), that is no violation
        binds = " ".join(f"BIND (({ok}) AS ?c{i})" for i, (_, ok) in enumerate(conditions))
        fails = " || ".join(f"!?c{i}" for i in range(len(conditions)))
        flags = " ".join(f"?c{i}" for i in range(len(conditions)))
        verdicts = tuple(Verdict(component, message or f"value of {path} fails {component}", flag=f"c{i}")
                         for i, (component, _) in enumerate(conditions))
        yield Check(name, str(path), f"SELECT DISTINCT ?this ?v {flags} WHERE {{ {target} ?this {p} ?v . "
                                     f"{binds} FILTER ({fails}) }}", verdicts)
    for other in shapes.objects(prop, SH.lessThan):
        body = f"{target} ?this {p} ?v . ?this {_n(other)} ?_o . FILTER (!COALESCE(?v < ?_o, false))"
        yield Check(name, str(path), f"SELECT DISTINCT ?this ?v WHERE {{ {body} }}",
                    (Verdict("LessThanConstraintComponent", message or f"value of {path} is not less than {other}"),))


def _sparql_checks(shapes: Graph, shape: object) -> Iterator[Check]:
    nodes = list(shapes.objects(shape, SH.targetNode))
    for constraint in shapes.objects(shape, SH.sparql):
        select = shapes.value(constraint, SH.select)
        if select is None or len(nodes) != 1 or set(shapes.objects(shape, SH.targetClass)):
            raise ShapeError("sh:sparql is supported only as sh:select on a shape with a single sh:targetNode")
        prefixes = "".join(
            f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
            for source in shapes.objects(constraint, SH.prefixes) for d in shapes.objects(source, SH.declare))
        query = f"{prefixes}{select}\nVALUES ?this {{ {_n(nodes[0])} }}"  # $this and ?this are one variable
        message = str(shapes.value(constraint, SH.message) or "SPARQL constraint")
        yield Check(str(shape), "", query, (Verdict("SPARQLConstraintComponent", message),))


def compile_shapes(shapes: Graph) -> list[Check]:
    """Every check of every node shape, in a stable order."""
    checks: list[Check] = []
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        if isinstance(shape, BNode):
            raise ShapeError("node shapes must be IRIs")
        unknown = set(shapes.predicates(shape)) - NODE_PARAMS
        if unknown:
            raise ShapeError(f"unsupported node-shape parameter(s) on {shape}: {', '.join(sorted(map(str, unknown)))}")
        target = _targets(shapes, shape)
        for kind in shapes.objects(shape, SH.nodeKind):
            checks.append(Check(str(shape), "", f"SELECT DISTINCT ?this WHERE {{ {target} BIND(?this AS ?v) "
                                f"FILTER (!({NODE_KINDS[kind]})) }}",
                                (Verdict("NodeKindConstraintComponent", f"focus node is not {kind}"),)))
        props = sorted(shapes.objects(shape, SH.property), key=lambda p: sorted(map(str, shapes.predicate_objects(p))))
        for prop in props:
            checks.extend(_property_checks(shapes, shape, prop, target))
        checks.extend(_sparql_checks(shapes, shape))
    return checks


def _message(template: str, row: ox.QuerySolution, columns: list[str]) -> str:
    for name in columns:
        term = row[name]
        if term is not None:
            template = template.replace(f"{{?{name}}}", term.value).replace(f"{{${name}}}", term.value)
    return template


def _violations(store: ox.Store, check: Check) -> set[Violation]:
    result = store.query(check.query)
    columns = [v.value for v in result.variables]
    found: set[Violation] = set()
    for row in result:
        focus = row["this"]
        value = row["value"] if "value" in columns else (row["v"] if "v" in columns else None)
        for verdict in check.verdicts:
            if verdict.violated(row):
                found.add(Violation(
                    focus=str(focus) if focus is not None else "",
                    path=f"<{check.path}>" if check.path else "",
                    value=str(value) if value is not None else "",
                    component=f"<{SH}{verdict.component}>",
                    shape=f"<{check.shape}>",
                    message=_message(verdict.message, row, columns),
                ))
    return found


def run_checks(store: ox.Store, checks: list[Check]) -> list[Violation]:
    """Run every check on the store's default graph; the violations, sorted. Queries run in a few
    threads: Oxigraph evaluates them without holding the GIL."""
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1), thread_name_prefix="kg-shacl") as pool:
        return sorted(set().union(*pool.map(lambda check: _violations(store, check), checks)))
