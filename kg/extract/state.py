"""One article's extraction state: what the components of kg.extract read and assign, in one place
(spaCy's Doc for its pipeline). Also the two values that pass between relation rules: Actor and Found."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from kg.extract.groups import GroupHit
from kg.extract.index import SpanSet
from kg.extract.initiatives import InitiativeHit
from kg.extract.orgs import OrgHit
from kg.extract.persons import PersonHit
from kg.extract.regions import Place
from kg.extract.unions import UnionHit
from kg.model import Article, EntityType, Mention, Predicate, quick_init

Span = tuple[int, int]


@quick_init
@dataclass(frozen=True)
class Actor:
    """A union or organisation mention seen as a possible subject."""

    start: int
    end: int
    type: EntityType
    name: str


@quick_init
@dataclass(frozen=True)
class Found:
    """One relation candidate before evidence is attached: sentence span, rule, attrs."""

    subject_type: EntityType
    subject: str
    predicate: Predicate
    object_type: EntityType
    object: str
    span: Span
    rule: str
    attrs: tuple[tuple[str, str], ...] = ()


def disjoint(spans: Sequence[Span]) -> bool:
    """True when the spans are non-empty, sorted and do not overlap (as sentences() and paragraphs() give them)."""
    return all(s < e for s, e in spans) and all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))


class Sentences(list[Span]):
    """An article's sentence spans, checked once for being sorted and disjoint (as sentences() gives
    them) so that every rule can hand out items to sentences in one pass. Not to be changed."""

    def __init__(self, spans: Sequence[Span]) -> None:
        super().__init__(spans)
        self.disjoint = disjoint(self)
        self.starts = [s for s, _ in self]


@dataclass
class ArticleState:
    """Everything the components know about one article. `text` is the matching text (width-folded,
    Traditional→Simplified, the body's length), `body` the body as written; offsets index both."""

    article: Article
    text: str
    body: str
    headline: str
    places: list[Place] = field(default_factory=list)
    head_places: list[Place] = field(default_factory=list)
    initiatives: list[InitiativeHit] = field(default_factory=list)
    quoted: SpanSet = field(default_factory=lambda: SpanSet(()))
    raw_unions: list[UnionHit] = field(default_factory=list)
    head_unions: list[UnionHit] = field(default_factory=list)
    raw_orgs: list[OrgHit] = field(default_factory=list)
    main_name: str = ""
    unions: list[UnionHit] = field(default_factory=list)
    orgs: list[OrgHit] = field(default_factory=list)
    groups: list[GroupHit] = field(default_factory=list)
    persons: list[PersonHit] = field(default_factory=list)
    declared: list[Mention] = field(default_factory=list)
    sentences: Sentences = field(default_factory=lambda: Sentences(()))
    paragraphs: list[Span] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    main: Actor | None = None
    main_initiative: InitiativeHit | None = None
    mentions: tuple[Mention, ...] = ()
    found: list[Found] = field(default_factory=list)

    BASE = ("article", "text", "body", "headline")
    """What the state holds before the first component runs."""

    def sentence_of(self, pos: int) -> Span:
        """The sentence holding offset `pos` (the whole text when it has no sentence)."""
        if not self.sentences:
            return (0, len(self.text))
        k = max(bisect_right(self.sentences.starts, pos) - 1, 0)
        return self.sentences[k]
