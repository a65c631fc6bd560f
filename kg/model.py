"""The typed model shared by every stage: documents, articles, mentions, entities, relations.

The entity types and predicates are read from the schema (kg.ontology); no other I/O. Offsets always
index the *original* decoded document text (`Document.text`); cleaned text carries a `pieces` map back
to it.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import MISSING, dataclass, field, fields
from enum import StrEnum
from functools import cached_property
from typing import Any, TypeVar

from kg.ontology import schema

T = TypeVar("T")


def quick_init(cls: type[T] | None = None, *, compact: bool = False) -> Any:
    """Give a frozen dataclass a faster `__init__` (same signature, same instance): the generated one
    looks up object.__setattr__ for every field, and millions of hits and mentions are made per build.

    By default the fields go straight into the instance dict (about three times faster; for the
    short-lived hits of extraction). With `compact` they are set with a bound object.__setattr__,
    which keeps them in the instance's inline storage: no dict object per instance, so objects that
    outlive the document (mentions, candidates, evidence) stay small and cheap for the garbage
    collector. Only for plain fields (no factories, no __post_init__)."""
    if cls is None:
        return lambda c: quick_init(c, compact=compact)
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"quick_init: {cls.__name__} has a __post_init__")
    params, lines = [], []
    namespace: dict[str, Any] = {"_set": object.__setattr__}
    for f in fields(cls):  # type: ignore[arg-type]
        if not f.init or f.kw_only or f.default_factory is not MISSING:
            raise TypeError(f"quick_init: {cls.__name__}.{f.name} is not a plain field")
        if f.default is MISSING:
            params.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        lines.append(f"    _set(self, {f.name!r}, {f.name})\n" if compact else f"    d[{f.name!r}] = {f.name}\n")
    head = "" if compact else "    d = self.__dict__\n"
    source = f"def __init__(self, {', '.join(params)}):\n{head}{''.join(lines)}"
    exec(source, namespace)  # noqa: S102 - generated from the class's own field names
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init  # type: ignore[misc]
    return cls


class _PredicateBase(StrEnum):
    """Base of Predicate (an enum with no members can be extended by the functional API)."""

    @property
    def label(self) -> str:
        """The property-graph relationship type: the value in upper case (RUNS, LOCATED_IN)."""
        return self.value.upper()


_SCHEMA = schema()
EntityType = StrEnum(  # type: ignore[misc]
    "EntityType", [(t.member, t.value) for t in _SCHEMA.types], module=__name__, qualname="EntityType")
EntityType.__doc__ = "The entity types declared in schema/ontology.ttl (UNION_BODY = \"UnionBody\", …)."
Predicate = _PredicateBase(  # type: ignore[call-overload]
    "Predicate", [(p.member, p.value) for p in _SCHEMA.predicates], module=__name__, qualname="Predicate")
Predicate.__doc__ = "The predicates declared in schema/ontology.ttl (RUNS = \"runs\", …); `label` is the graph type."

CORE_TYPES: tuple[EntityType, ...] = tuple(EntityType(t.value) for t in _SCHEMA.types if t.core)
CORE_PREDICATES: tuple[Predicate, ...] = tuple(Predicate(p.value) for p in _SCHEMA.predicates if p.core)
SYMMETRIC: frozenset[Predicate] = frozenset(Predicate(p.value) for p in _SCHEMA.predicates if p.symmetric)
"""Predicates declared owl:SymmetricProperty: stored and scored with the ends in id order."""


@quick_init(compact=True)
@dataclass(frozen=True)
class Document:
    """One input file, decoded. `id` is the path relative to the input root (POSIX form)."""

    id: str
    path: str
    text: str
    encoding: str = "utf-8"


@dataclass(frozen=True)
class Skipped:
    """An input file that was not used, and why (listed in the build summary)."""

    path: str
    reason: str


@quick_init(compact=True)
@dataclass(frozen=True)
class Piece:
    """A run of cleaned text copied unchanged from the original: clean[c:c+n] == orig[o:o+n]."""

    clean_start: int
    orig_start: int
    length: int


@quick_init(compact=True)
@dataclass(frozen=True)
class MappedText:
    """Cleaned text plus the map from each of its characters back to the original document.

    `norm` is the same text normalised for matching (NFKC width folding,
    Traditional→Simplified), character-aligned with `text`.
    """

    text: str
    pieces: tuple[Piece, ...]
    norm: str = ""

    @cached_property
    def _starts(self) -> list[int]:
        return [p.clean_start for p in self.pieces]

    def to_orig(self, i: int) -> int:
        """Original offset of cleaned offset `i` (an end offset maps past its last char)."""
        if not self.pieces:
            return i
        k = max(bisect_right(self._starts, i) - 1, 0)
        p = self.pieces[k]
        if i >= p.clean_start + p.length and k + 1 < len(self.pieces):
            p = self.pieces[k + 1]
            return p.orig_start
        return p.orig_start + (i - p.clean_start)

    def span_to_orig(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) covering cleaned [start, end)."""
        if end <= start:
            o = self.to_orig(start)
            return o, o
        o_start, o_end = self.to_orig(start), self.to_orig(end - 1) + 1
        if o_end <= o_start:  # the span crosses a stitch seam back to earlier text: keep the part before it
            p = self.pieces[max(bisect_right(self._starts, start) - 1, 0)]
            o_end = p.orig_start + p.length
        return o_start, o_end


@quick_init(compact=True)
@dataclass(frozen=True)
class Article:
    """One article cut from a document page.

    `body` is cleaned text (column breaks re-joined, duplicates and pinyin glosses
    dropped); `body.pieces` maps it back into `Document.text`. `spans` are the
    original (start, end) ranges the body was taken from, in reading order
    (more than one when the article continues elsewhere on the page).
    """

    doc_id: str
    index: int
    headline: str
    byline: str
    body: MappedText
    spans: tuple[tuple[int, int], ...]
    kicker: str = ""
    kind: str = "story"  # "story" or "caption"

    @property
    def key(self) -> str:
        return f"{self.doc_id}#{self.index}"


@quick_init(compact=True)
@dataclass(frozen=True)
class Mention:
    """A typed surface form found in an article; offsets index the article's cleaned body."""

    type: EntityType
    text: str
    start: int
    end: int
    name: str  # canonical name proposed by the extractor
    rule: str = ""
    attrs: tuple[tuple[str, str], ...] = ()


@quick_init(compact=True)
@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: document, article, original offsets, the quoted sentence, the rule."""

    doc: str
    article: int
    start: int
    end: int
    quote: str
    rule: str
    confidence: float = 1.0


@quick_init(compact=True)
@dataclass(frozen=True)
class Candidate:
    """A relation proposed by extraction, between canonical names (resolved later to ids)."""

    subject_type: EntityType
    subject: str
    predicate: Predicate
    object_type: EntityType
    object: str
    evidence: Evidence
    attrs: tuple[tuple[str, str], ...] = ()


@quick_init(compact=True)
@dataclass(frozen=True)
class Extraction:
    """Everything extraction found in one article: mentions plus relation candidates."""

    doc_id: str
    article: int
    mentions: tuple[Mention, ...]
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class Entity:
    """A resolved entity. `id` is derived from type and canonical name (deterministic)."""

    id: str
    type: EntityType
    name: str
    aliases: tuple[str, ...] = ()
    attrs: tuple[tuple[str, str], ...] = ()
    articles: tuple[str, ...] = ()  # Article.key values mentioning it

    def attr(self, key: str, default: str = "") -> str:
        return dict(self.attrs).get(key, default)


@dataclass(frozen=True)
class Relation:
    """A resolved fact with all its evidence; `id` derives from subject, predicate, object."""

    id: str
    subject: str
    predicate: Predicate
    object: str
    evidence: tuple[Evidence, ...]
    confidence: float
    attrs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class KnowledgeGraph:
    """The assembled graph: entities and relations sorted by id, plus the articles read."""

    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...]
    articles: tuple[Article, ...] = ()
    _index: dict[str, Entity] = field(default_factory=dict, compare=False, repr=False)

    def entity(self, entity_id: str) -> Entity:
        if not self._index:
            self._index.update({e.id: e for e in self.entities})
        return self._index[entity_id]
