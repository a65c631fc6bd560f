"""The schema as kg reads it: entity types, predicates and attributes declared once in ontology.ttl.

schema/ontology.ttl (or `$KG_SCHEMA_DIR/ontology.ttl`) is the one declaration every consumer derives
from: kg.model's enums, ids, the RDF vocabulary, property-graph endpoints, the scorer, the HTML legend
and the SHACL shapes. OWL/RDFS say the classes, labels, domains and ranges, symmetry and transitivity;
a few annotation properties of the `kgs:` namespace (declared in the same file) say what OWL cannot:

- an entity type is an `owl:Class` with `kgs:idPrefix`; its value (`UnionBody`) is the IRI's local
  name, its enum member name the local name in upper snake case (`UNION_BODY`);
- a predicate is an `owl:ObjectProperty` whose `rdfs:domain` and `rdfs:range` are entity types (one
  class or an `owl:unionOf` list); its value is the local name in snake case (`locatedIn` →
  `located_in`), its property-graph relationship type that value in upper case;
- `kgs:core true` marks the guideline's core types and predicates; `kgs:shape`, `kgs:color` and
  `kgs:glyph` say how the HTML view draws them; `kgs:attrKey` names the entity attribute a datatype
  property is written from; `kgs:lexicon` (a file of names under lexicon/) and `kgs:cue` (words
  between subject and object in one clause) give a declared type or predicate mentions with no code.

Declaration order in the file is enum order. Parsed once per process with pyoxigraph (milliseconds;
rdflib would add 0.2 s to every worker's start).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from kg.errors import SchemaError
from kg.settings import SCHEMA_DIR

UKG_NS = "https://w3id.org/ukg/ontology#"
KGS_NS = "https://w3id.org/ukg/kg#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_TYPE, _FIRST, _REST, _NIL = _RDF + "type", _RDF + "first", _RDF + "rest", _RDF + "nil"
_LABEL, _DOMAIN, _RANGE = _RDFS + "label", _RDFS + "domain", _RDFS + "range"


@dataclass(frozen=True)
class TypeSpec:
    """One entity type: enum value and member name, IRI, labels, id prefix and how it is drawn."""

    value: str
    member: str
    iri: str
    zh: str
    en: str
    id_prefix: str
    core: bool
    shape: str
    color: str
    glyph: str
    lexicon: str = ""


@dataclass(frozen=True)
class PredicateSpec:
    """One predicate: enum value, IRI, labels, the types it connects and its OWL characteristics."""

    value: str
    member: str
    iri: str
    zh: str
    en: str
    domain: tuple[str, ...]
    range: tuple[str, ...]
    symmetric: bool
    transitive: bool
    core: bool
    color: str
    cues: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The property-graph relationship type (RUNS, LOCATED_IN)."""
        return self.value.upper()

    @property
    def endpoints(self) -> tuple[tuple[str, str], ...]:
        """Every (subject type, object type) pair the declaration allows, in declaration order."""
        return tuple((s, o) for s in self.domain for o in self.range)


@dataclass(frozen=True)
class AttributeSpec:
    """A datatype property written from entity attributes `keys` (level, code …) of the `domain` types."""

    iri: str
    keys: tuple[str, ...]
    domain: tuple[str, ...]


@dataclass(frozen=True)
class Schema:
    """Everything kg derives from the ontology file, in declaration order."""

    path: Path
    types: tuple[TypeSpec, ...]
    predicates: tuple[PredicateSpec, ...]
    attributes: tuple[AttributeSpec, ...]
    terms: tuple[str, ...]
    """Local names of every ukg: term the file declares (classes and properties)."""

    def type(self, value: str) -> TypeSpec:
        return next(t for t in self.types if t.value == value)

    def predicate(self, value: str) -> PredicateSpec:
        return next(p for p in self.predicates if p.value == value)


def snake(name: str) -> str:
    """`locatedIn` → `located_in`, `UnionBody` → `union_body`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


class _Triples:
    """The file's triples indexed by subject and predicate, objects in file order."""

    def __init__(self, path: Path):
        self.path = path
        self.by: dict[tuple[str, str], list[ox.NamedNode | ox.BlankNode | ox.Literal]] = defaultdict(list)
        self.order: list[str] = []
        try:
            triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        except (OSError, SyntaxError) as e:
            raise SchemaError(f"{path}: cannot read the ontology: {e}") from None
        seen: set[str] = set()
        for t in triples:
            s = t.subject.value if isinstance(t.subject, ox.NamedNode) else str(t.subject)
            self.by[(s, t.predicate.value)].append(t.object)
            if isinstance(t.subject, ox.NamedNode) and s not in seen:
                seen.add(s)
                self.order.append(s)

    def objects(self, s: str, p: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        return self.by.get((s, p), [])

    def value(self, s: str, p: str, default: str = "") -> str:
        found = self.objects(s, p)
        return found[0].value if found and not isinstance(found[0], ox.BlankNode) else default

    def values(self, s: str, p: str) -> tuple[str, ...]:
        return tuple(o.value for o in self.objects(s, p) if not isinstance(o, ox.BlankNode))

    def has_type(self, s: str, cls: str) -> bool:
        return any(o.value == cls for o in self.objects(s, _TYPE) if isinstance(o, ox.NamedNode))

    def label(self, s: str, lang: str) -> str:
        return next((o.value for o in self.objects(s, _LABEL) if isinstance(o, ox.Literal) and o.language == lang), "")

    def classes(self, s: str, p: str) -> tuple[str, ...]:
        """The class IRIs of `s p C` where C is one class or a blank node `[ owl:unionOf ( … ) ]`."""
        out: list[str] = []
        for o in self.objects(s, p):
            if isinstance(o, ox.NamedNode):
                out.append(o.value)
                continue
            for head in self.objects(str(o), _OWL + "unionOf"):
                node = head
                while isinstance(node, ox.BlankNode):
                    out += [m.value for m in self.objects(str(node), _FIRST)]
                    rest = self.objects(str(node), _REST)
                    node = rest[0] if rest else ox.NamedNode(_NIL)
        return tuple(out)


def _local(iri: str) -> str:
    return iri[len(UKG_NS):]


def _types(g: _Triples) -> tuple[TypeSpec, ...]:
    out = []
    for s in g.order:
        if not (s.startswith(UKG_NS) and g.has_type(s, _OWL + "Class") and g.value(s, KGS_NS + "idPrefix")):
            continue
        name = _local(s)
        out.append(TypeSpec(
            value=name, member=snake(name).upper(), iri=s, zh=g.label(s, "zh") or name, en=g.label(s, "en") or name,
            id_prefix=g.value(s, KGS_NS + "idPrefix"), core=g.value(s, KGS_NS + "core") == "true",
            shape=g.value(s, KGS_NS + "shape", "dot"), color=g.value(s, KGS_NS + "color", "#7f7f7f"),
            glyph=g.value(s, KGS_NS + "glyph", "●"), lexicon=g.value(s, KGS_NS + "lexicon")))
    return tuple(out)


def _ends(g: _Triples, s: str, p: str, known: dict[str, str]) -> tuple[str, ...] | None:
    """Entity type values of the property's domain or range; None when it is not made of entity types."""
    classes = g.classes(s, p)
    if not classes or any(c not in known for c in classes):
        return None
    return tuple(known[c] for c in classes)


def _predicates(g: _Triples, types: tuple[TypeSpec, ...]) -> tuple[PredicateSpec, ...]:
    known = {t.iri: t.value for t in types}
    out = []
    for s in g.order:
        if not (s.startswith(UKG_NS) and g.has_type(s, _OWL + "ObjectProperty")):
            continue
        domain, range_ = _ends(g, s, _DOMAIN, known), _ends(g, s, _RANGE, known)
        if domain is None or range_ is None:
            ends = set(g.classes(s, _DOMAIN) + g.classes(s, _RANGE))
            if ends & known.keys() or any(k[0] == s and k[1].startswith(KGS_NS) for k in g.by):
                raise SchemaError(f"{g.path}: {_local(s)}: a predicate's rdfs:domain and rdfs:range must be "
                                  f"declared entity types (classes with kgs:idPrefix), one or an owl:unionOf list")
            continue
        name = _local(s)
        out.append(PredicateSpec(
            value=snake(name), member=snake(name).upper(), iri=s, zh=g.label(s, "zh") or name,
            en=g.label(s, "en") or name, domain=domain, range=range_,
            symmetric=g.has_type(s, _OWL + "SymmetricProperty"), transitive=g.has_type(s, _OWL + "TransitiveProperty"),
            core=g.value(s, KGS_NS + "core") == "true", color=g.value(s, KGS_NS + "color", "#7f7f7f"),
            cues=g.values(s, KGS_NS + "cue")))
    return tuple(out)


def _attributes(g: _Triples, types: tuple[TypeSpec, ...]) -> tuple[AttributeSpec, ...]:
    known = {t.iri: t.value for t in types}
    return tuple(
        AttributeSpec(s, g.values(s, KGS_NS + "attrKey"), tuple(known.get(c, c) for c in g.classes(s, _DOMAIN)))
        for s in g.order
        if s.startswith(UKG_NS) and g.has_type(s, _OWL + "DatatypeProperty") and g.values(s, KGS_NS + "attrKey"))


def read_schema(path: Path) -> Schema:
    """The schema declared in one ontology file; SchemaError naming the file when it is unusable."""
    g = _Triples(path)
    types = _types(g)
    if not types:
        raise SchemaError(f"{path}: declares no entity type (an owl:Class with kgs:idPrefix)")
    prefixes = [t.id_prefix for t in types]
    if len(set(prefixes)) != len(prefixes):
        raise SchemaError(f"{path}: two entity types share an id prefix ({', '.join(prefixes)})")
    lexicon = path.parent / "lexicon"
    for t in types:
        if t.lexicon and not (lexicon / t.lexicon).is_file():
            raise SchemaError(f"{path}: {t.value}: kgs:lexicon {t.lexicon!r} is not a file in {lexicon}")
    terms = tuple(_local(s) for s in g.order if s.startswith(UKG_NS) and g.objects(s, _TYPE))
    return Schema(path, types, _predicates(g, types), _attributes(g, types), terms)


@cache
def schema() -> Schema:
    """The schema kg runs with: `$KG_SCHEMA_DIR/ontology.ttl`, else the shipped one (read once)."""
    return read_schema(SCHEMA_DIR / "ontology.ttl")
