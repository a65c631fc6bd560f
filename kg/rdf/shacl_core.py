"""SHACL core constraints checked in Python over the N-Triples terms of the data graph.

The shapes (compiled by kg.rdf.shacl) arrive as plain dataclasses; the data graph as its subjects, each
with its (predicate, object) pairs, the form kg already holds (`RdfData.default`). One pass indexes the
predicates the shapes read; each value constraint is then judged once per distinct value. Semantics
follow SHACL with SPARQL's operators (kg.rdf.terms): a comparison that errs is a violation, and the value
of a node-shape sh:nodeKind result is the focus node itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from kg.rdf.terms import (
    is_blank,
    is_iri,
    is_literal,
    less,
    sparql_less,
    split_literal,
    string_value,
    unescape,
    well_formed,
)

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SUBCLASS_OF = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"

Triples = Mapping[str, Iterable[tuple[str, str]]]
"""subject term → its distinct (predicate, object) pairs, all as N-Triples terms."""

Decision = bool | tuple[str, str, bool]
"""A constraint's verdict on a value: conforms or not, or the comparison (a, b, or_equal) that only a SPARQL
engine can decide (kg.rdf.terms.sparql_less)."""

NODE_KINDS: dict[str, Callable[[str], bool]] = {
    "IRI": is_iri, "Literal": is_literal, "BlankNode": is_blank,
    "BlankNodeOrIRI": lambda t: not is_literal(t), "IRIOrLiteral": lambda t: not is_blank(t),
    "BlankNodeOrLiteral": lambda t: not is_iri(t)}
"""sh:nodeKind values (local names in the sh: namespace) and their test on a term."""


@dataclass(frozen=True, order=True)
class Violation:
    """One validation result (terms in N-Triples form)."""

    focus: str
    path: str
    value: str
    component: str
    shape: str
    message: str


class DataGraph:
    """The data graph as the checks read it: for each predicate they use (paths, rdf:type, rdfs:subClassOf,
    targetSubjectsOf), subject → objects, indexed in one pass over the triples."""

    def __init__(self, triples: Triples, predicates: Collection[str] = ()) -> None:
        found: dict[str, dict[str, list[str]]] = {p: {} for p in {RDF_TYPE, SUBCLASS_OF, *predicates}}
        for s, pairs in triples.items():
            for p, o in pairs:
                index = found.get(p)
                if index is not None:
                    objects = index.get(s)
                    if objects is None:
                        index[s] = [o]
                    else:
                        objects.append(o)
        self.types = found[RDF_TYPE]
        self._found = found
        self._below: dict[str, list[str]] = {}
        for sub, supers in found[SUBCLASS_OF].items():
            for sup in supers:
                self._below.setdefault(sup, []).append(sub)
        self._subclasses: dict[str, frozenset[str]] = {}
        self._by_class: dict[str, list[str]] | None = None

    def objects(self, predicate: str) -> dict[str, list[str]]:
        """subject → its objects of the predicate (one of those given at construction)."""
        return self._found[predicate]

    def subclasses(self, cls: str) -> frozenset[str]:
        """Every class C' with C' rdfs:subClassOf* cls in the data (cls itself included)."""
        if cls not in self._subclasses:
            seen, todo = {cls}, [cls]
            while todo:
                for sub in self._below.get(todo.pop(), ()):
                    if sub not in seen:
                        seen.add(sub)
                        todo.append(sub)
            self._subclasses[cls] = frozenset(seen)
        return self._subclasses[cls]

    def instances(self, cls: str) -> set[str]:
        """Nodes with rdf:type/rdfs:subClassOf* cls."""
        if self._by_class is None:
            self._by_class = {}
            for node, classes in self.types.items():
                for c in classes:
                    self._by_class.setdefault(c, []).append(node)
        return {node for c in self.subclasses(cls) for node in self._by_class.get(c, ())}

    def is_instance(self, node: str, cls: str) -> bool:
        classes = self.subclasses(cls)
        return any(c in classes for c in self.types.get(node, ()))


class ValueConstraint(Protocol):
    """A constraint on each value node on its own."""

    component: ClassVar[str]

    def holds(self, value: str, data: DataGraph) -> Decision: ...


@dataclass(frozen=True)
class Datatype:
    iri: str
    component: ClassVar[str] = "DatatypeConstraintComponent"

    def holds(self, value: str, data: DataGraph) -> Decision:
        if not is_literal(value):
            return False
        text, _, dt = split_literal(value)
        return dt == self.iri and well_formed(unescape(text), dt)


@dataclass(frozen=True)
class MinLength:
    length: int
    component: ClassVar[str] = "MinLengthConstraintComponent"

    def holds(self, value: str, data: DataGraph) -> Decision:
        return not is_blank(value) and len(string_value(value)) >= self.length


@dataclass(frozen=True)
class NodeKind:
    kind: str
    component: ClassVar[str] = "NodeKindConstraintComponent"

    def holds(self, value: str, data: DataGraph) -> Decision:
        return NODE_KINDS[self.kind](value)


@dataclass(frozen=True)
class Class:
    cls: str
    component: ClassVar[str] = "ClassConstraintComponent"

    def holds(self, value: str, data: DataGraph) -> Decision:
        return data.is_instance(value, self.cls)


@dataclass(frozen=True)
class OrClass:
    """sh:or over shapes that each hold one sh:class."""

    classes: tuple[str, ...]
    component: ClassVar[str] = "OrConstraintComponent"

    def holds(self, value: str, data: DataGraph) -> Decision:
        return any(data.is_instance(value, c) for c in self.classes)


@dataclass(frozen=True)
class In:
    members: frozenset[str]
    component: ClassVar[str] = "InConstraintComponent"

    def holds(self, value: str, data: DataGraph) -> Decision:
        return value in self.members


def _compare(a: str, b: str, or_equal: bool = False) -> Decision:
    """SPARQL `a < b` (or `<=`), an error read as false, or the pair itself when Oxigraph must decide."""
    held = less(a, b, or_equal)
    return (a, b, or_equal) if held is None else held


@dataclass(frozen=True)
class MinInclusive:
    bound: str
    component: ClassVar[str] = "MinInclusiveConstraintComponent"

    def holds(self, value: str, data: DataGraph) -> Decision:
        return _compare(self.bound, value, or_equal=True)


@dataclass(frozen=True)
class MaxInclusive:
    bound: str
    component: ClassVar[str] = "MaxInclusiveConstraintComponent"

    def holds(self, value: str, data: DataGraph) -> Decision:
        return _compare(value, self.bound, or_equal=True)


@dataclass(frozen=True)
class PropertyShape:
    """A property shape with a predicate path; `message` is its sh:message ("" for the default ones)."""

    path: str
    message: str = ""
    min_count: tuple[int, ...] = ()
    max_count: tuple[int, ...] = ()
    values: tuple[ValueConstraint, ...] = ()
    less_than: tuple[str, ...] = ()

    def count_range(self) -> tuple[int, float]:
        """The fewest and most values every count constraint allows."""
        return max(self.min_count, default=0), min(self.max_count, default=math.inf)

    def count_violations(self, n: int) -> Iterator[tuple[str, str]]:
        """(component, default message) of each count constraint that n values break."""
        path = self.path[1:-1]
        yield from (("MinCountConstraintComponent", f"fewer than {m} value(s) of {path}")
                    for m in self.min_count if n < m)
        yield from (("MaxCountConstraintComponent", f"more than {m} value(s) of {path}")
                    for m in self.max_count if n > m)

    def failures(self, value: str, data: DataGraph) -> tuple[tuple[str, str, Decision], ...]:
        """(component, default message, decision) of each value constraint the value does not surely meet."""
        return tuple((c.component, f"value of {self.path[1:-1]} fails {c.component}", d)
                     for c in self.values if (d := c.holds(value, data)) is not True)


@dataclass(frozen=True)
class NodeShape:
    """A node shape: its targets (a union), sh:nodeKind on the focus node, its property shapes."""

    iri: str
    classes: tuple[str, ...] = ()
    subjects_of: tuple[str, ...] = ()
    nodes: tuple[str, ...] = ()
    node_kinds: tuple[str, ...] = ()
    properties: tuple[PropertyShape, ...] = ()

    @property
    def predicates(self) -> set[str]:
        """Every predicate the shape reads: its targetSubjectsOf, paths and sh:lessThan properties."""
        paths = {p.path for p in self.properties}
        return {*self.subjects_of, *paths, *(o for p in self.properties for o in p.less_than)}

    def focus_nodes(self, data: DataGraph) -> set[str]:
        found = set(self.nodes)
        for cls in self.classes:
            found |= data.instances(cls)
        for p in self.subjects_of:
            found.update(data.objects(p))
        return found


@dataclass
class _Run:
    """The violations found so far and those waiting on a comparison by `sparql_less`."""

    found: set[Violation] = field(default_factory=set)
    pending: list[tuple[tuple[str, str, bool], Violation]] = field(default_factory=list)

    def record(self, decision: Decision, violation: Violation) -> None:
        """Note a violation unless the decision says the value conforms (True)."""
        if decision is False:
            self.found.add(violation)
        elif decision is not True:
            self.pending.append((decision, violation))

    def settle(self) -> set[Violation]:
        held = sparql_less([pair for pair, _ in self.pending])
        return self.found | {v for (_, v), ok in zip(self.pending, held, strict=True) if not ok}


def _component(name: str) -> str:
    return f"<{SH}{name}>"


def _check_property(shape: NodeShape, prop: PropertyShape, focus_nodes: set[str], data: DataGraph,
                    run: _Run) -> None:
    """The property's constraints at every focus node; the value constraints are judged once per distinct value."""
    def violation(focus: str, value: str, component: str, default: str) -> Violation:
        return Violation(focus, prop.path, value, _component(component), shape.iri, prop.message or default)

    objects, others = data.objects(prop.path), [(o, data.objects(o)) for o in prop.less_than]
    low, high = prop.count_range()
    failures: dict[str, tuple[tuple[str, str, Decision], ...]] = {}
    empty: tuple[str, ...] = ()
    for focus in focus_nodes:
        values = objects.get(focus, empty)
        if not low <= len(values) <= high:
            for component, default in prop.count_violations(len(values)):
                run.found.add(violation(focus, "", component, default))
        for value in values:
            failed = failures.get(value)
            if failed is None:
                failed = failures[value] = prop.failures(value, data)
            for component, default, decision in failed:
                run.record(decision, violation(focus, value, component, default))
            for other, by_focus in others:
                for o in by_focus.get(focus, ()):
                    decision = _compare(value, o)
                    if decision is not True:
                        run.record(decision, violation(focus, value, "LessThanConstraintComponent",
                                                       f"value of {prop.path[1:-1]} is not less than {other[1:-1]}"))


def _check_shape(shape: NodeShape, data: DataGraph, run: _Run) -> None:
    focus_nodes = shape.focus_nodes(data)
    for kind in shape.node_kinds:
        for focus in focus_nodes:
            if not NODE_KINDS[kind](focus):
                run.found.add(Violation(focus, "", focus, _component("NodeKindConstraintComponent"), shape.iri,
                                        f"focus node is not {SH}{kind}"))
    for prop in shape.properties:
        _check_property(shape, prop, focus_nodes, data, run)


def evaluate(shapes: Iterable[NodeShape], triples: Triples) -> set[Violation]:
    """Every violation of the core constraints of the shapes in the data graph."""
    shapes = list(shapes)
    if not shapes:
        return set()
    data = DataGraph(triples, set().union(*(s.predicates for s in shapes)))
    run = _Run()
    for shape in shapes:
        _check_shape(shape, data, run)
    return run.settle()
