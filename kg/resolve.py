"""The resolve stage: per-article extractions → one KnowledgeGraph (entities merged, facts merged).

Pure and deterministic. Mentions merge into entities by (type, canonical name); regions get their
level, code and parent chain from the division table; near-duplicate names of one type merge when
one is written as an alias of the other; identical facts from several articles merge into one
relation carrying all their evidence.

Region mention attrs read here: ("code", adcode) from the division table, ("level", …), and
("parent", canonical name of the region written just before) for places the table lacks.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, reduce

from kg.ids import entity_id, relation_id
from kg.model import (
    Article,
    Entity,
    EntityType,
    Evidence,
    Extraction,
    KnowledgeGraph,
    Mention,
    Predicate,
    Relation,
)
from kg.regions import Division, divisions

T = EntityType
MAX_CONFIDENCE = 0.99
"""Noisy-or of independent evidence never claims certainty."""
TABLE_CONFIDENCE = 0.95
"""A parent step read from the division table: certain once the child region is right."""
WRITTEN_PARENT_CONFIDENCE = 0.8
"""A place missing from the table, under the region written just before it."""
MERGE_TYPES = frozenset({T.UNION_BODY, T.INITIATIVE, T.ORGANIZATION, T.PERSON})
"""Types whose near-duplicate names merge across articles (regions and worker groups have canonical lists)."""
SYMMETRIC = frozenset({Predicate.PARTNERS_WITH})
_ENTITY_ATTR_SKIP = frozenset({"parent"})
_QUOTES_SPACE = re.compile(r"[“”‘’\"'「」『』《》〈〉\s]")

Key = tuple[EntityType, str]
Fact = tuple[Key, Predicate, Key]


@lru_cache(maxsize=1)
def _t2s():  # noqa: ANN202 - opencc has no type stubs
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """The guideline's matching form: NFKC, Traditional→Simplified, quotes and whitespace removed."""
    return _QUOTES_SPACE.sub("", _t2s().convert(unicodedata.normalize("NFKC", name)))


@dataclass
class _Group:
    """Everything seen for one (type, name) before entities are built."""

    type: EntityType
    name: str
    surfaces: set[str] = field(default_factory=set)
    articles: set[str] = field(default_factory=set)
    attrs: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    mentions: int = 0


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence of the body around [start, end) (cut at 。！？；… and line breaks)."""
    stops = "。！？!?；;…\n"
    lo = max((text.rfind(c, 0, start) for c in stops), default=-1) + 1
    his = [i for i in (text.find(c, end) for c in stops) if i >= 0]
    hi = min(his) + 1 if his else len(text)
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    return lo, hi


def _mention_evidence(article: Article, m: Mention, rule: str, confidence: float) -> Evidence:
    """The sentence around a mention, clipped to the run of body text copied unchanged from the
    original, so the quote is exactly the original text at its offsets."""
    s, e = _sentence(article.body.text, m.start, m.end)
    piece = next((p for p in article.body.pieces if p.clean_start <= m.start < p.clean_start + p.length), None)
    if piece is not None:
        s, e = max(s, piece.clean_start), min(e, piece.clean_start + piece.length)
    start, end = article.body.span_to_orig(s, e)
    return Evidence(article.doc_id, article.index, start, end, article.body.text[s:e], rule, confidence)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[Key, Key] = {}

    def find(self, k: Key) -> Key:
        self.parent.setdefault(k, k)
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def union(self, a: Key, b: Key) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _merge_map(groups: dict[Key, _Group]) -> dict[Key, Key]:
    """(type, name) → (type, winning name): same normalised name, or a name another one is written as.

    An alias links two names only when it is a written form of exactly one other name, so a generic
    alias shared by several entities never chains them together.
    """
    uf = _UnionFind()
    by_norm: dict[tuple[EntityType, str], list[Key]] = defaultdict(list)
    for key in sorted(groups):
        uf.find(key)
        if key[0] in MERGE_TYPES:
            by_norm[(key[0], normalise_name(key[1]))].append(key)
    for keys in by_norm.values():
        for k in keys[1:]:
            uf.union(keys[0], k)
    alias_of: dict[tuple[EntityType, str], set[Key]] = defaultdict(set)
    for key, g in groups.items():
        if key[0] in MERGE_TYPES:
            for s in g.surfaces:
                alias_of[(key[0], normalise_name(s))].add(uf.find(key))
    for (type_, norm), owners in sorted(alias_of.items()):
        named = by_norm.get((type_, norm))
        if not named:
            continue
        others = {o for o in owners if o != uf.find(named[0])}
        if len(others) == 1:
            uf.union(named[0], others.pop())
    _merge_head_variants(groups, uf)
    members: dict[Key, list[Key]] = defaultdict(list)
    for key in groups:
        members[uf.find(key)].append(key)

    def rank(k: Key) -> tuple[int, int, int, str]:
        g = groups[k]
        return (-len(g.articles), -g.mentions, -len(k[1]), k[1])

    out: dict[Key, Key] = {}
    for keys in members.values():
        winner = min(keys, key=rank)
        out.update({k: winner for k in keys})
    return out


HEAD_VARIANT_TYPES = frozenset({T.INITIATIVE})
MAX_HEAD = 4
"""Longest head noun told apart in 'core + head' variants (机制, 新模式, 工程, 行动计划)."""


def _merge_head_variants(groups: dict[Key, _Group], uf: _UnionFind) -> None:
    """One article writing a quoted core with two head nouns (“X”机制 … X新模式) names one initiative.

    Names merge when both are written as the same core (≥3 characters) plus a short head, and
    an article mentions both; a core shared by names in different articles never links them.
    """
    by_core: dict[tuple[EntityType, str], list[Key]] = defaultdict(list)
    for key, g in groups.items():
        if key[0] not in HEAD_VARIANT_TYPES:
            continue
        name = normalise_name(key[1])
        for core in {normalise_name(x) for x in g.surfaces}:
            if len(core) >= 3 and name.startswith(core) and 0 < len(name) - len(core) <= MAX_HEAD:
                by_core[(key[0], core)].append(key)
    for keys in by_core.values():
        keys = sorted(keys)
        for a, b in zip(keys, keys[1:], strict=False):
            if groups[a].articles & groups[b].articles:
                uf.union(a, b)


def _region_names(extractions: Sequence[Extraction]) -> dict[tuple[str, str], str]:
    """(article key, code) → canonical region name; a name two divisions share gets its parent prefix."""
    table = divisions()
    codes_by_name: dict[str, set[str]] = defaultdict(set)
    seen: set[tuple[str, str]] = set()
    for ex in extractions:
        for code in _article_codes(ex):
            for d in table.chain(code):
                codes_by_name[d.name].add(d.code)
                seen.add((f"{ex.doc_id}#{ex.article}", d.code))
    out: dict[tuple[str, str], str] = {}
    for art, code in seen:
        d = table.get(code)
        if d is None:
            continue
        parent = table.get(d.parent) if d.parent else None
        clash = len(codes_by_name[d.name]) > 1 and parent is not None
        out[(art, code)] = parent.name + d.name if clash else d.name
    return out


def _article_codes(ex: Extraction) -> dict[str, Division]:
    """Codes of the article's Region mentions: given by extraction, else resolved by the article's others.

    Resolution repeats until nothing changes, so a region resolved by context can in turn settle another.
    """
    table = divisions()
    pending: list[Mention] = []
    out: dict[str, Division] = {}
    for m in ex.mentions:
        if m.type is not T.REGION:
            continue
        d = table.get(dict(m.attrs).get("code", ""))
        if d is not None:
            out[d.code] = d
        else:
            pending.append(m)
    for prefer_higher in (False, True):  # a short form's higher-level reading only once context is exhausted
        while pending:
            left = []
            for m in pending:
                d = table.resolve(m.name, out, prefer_higher=prefer_higher) or table.resolve(
                    m.text, out, prefer_higher=prefer_higher
                )
                if d is None:
                    left.append(m)
                else:
                    out[d.code] = d
            if len(left) == len(pending):
                break
            pending = left
    return out


def _mention_code(m: Mention, codes: dict[str, Division]) -> str:
    code = dict(m.attrs).get("code", "")
    if code and code in codes:
        return code
    table = divisions()
    d = table.resolve(m.name, codes) or table.resolve(m.text, codes)
    return d.code if d is not None and d.code in codes else ""


@dataclass
class _Facts:
    """Relation evidence and attrs, keyed by (subject key, predicate, object key)."""

    evidence: dict[Fact, set[Evidence]] = field(default_factory=lambda: defaultdict(set))
    attrs: dict[Fact, dict[str, Counter[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Counter))
    )

    def add(self, s: Key, p: Predicate, o: Key, ev: Evidence, attrs: Iterable[tuple[str, str]] = ()) -> None:
        self.evidence[(s, p, o)].add(ev)
        for k, v in attrs:
            self.attrs[(s, p, o)][k][v] += 1


def _collect(
    extractions: Sequence[Extraction], articles: dict[str, Article]
) -> tuple[dict[Key, _Group], _Facts, dict[tuple[str, Key], Key]]:
    """Groups per (type, name), raw facts, and per-article renames of mention names (regions)."""
    table = divisions()
    region_names = _region_names(extractions)
    groups: dict[Key, _Group] = {}
    facts = _Facts()
    renames: dict[tuple[str, Key], Key] = {}

    def group(key: Key) -> _Group:
        if key not in groups:
            groups[key] = _Group(*key)
        return groups[key]

    for ex in extractions:
        art_key = f"{ex.doc_id}#{ex.article}"
        article = articles.get(art_key)
        codes = _article_codes(ex)
        steps: dict[tuple[Key, Key], tuple[int, int, Evidence]] = {}
        for m in ex.mentions:
            attrs = dict(m.attrs)
            key: Key = (m.type, m.name)
            code = _mention_code(m, codes) if m.type is T.REGION else ""
            chain = table.chain(code) if code else []
            if chain:
                key = (T.REGION, region_names.get((art_key, code), chain[0].name))
                renames[(art_key, (m.type, m.name))] = key
                attrs.update(code=code, level=chain[0].level)
            g = group(key)
            g.mentions += 1
            g.articles.add(art_key)
            g.surfaces.update({m.text, m.name})
            for k, v in attrs.items():
                if k not in _ENTITY_ATTR_SKIP and v:
                    g.attrs[k][v] += 1
            if article is None or m.type is not T.REGION:
                continue
            if chain:
                ev = _mention_evidence(article, m, "located_in.division_table", TABLE_CONFIDENCE)
                for i, (child, parent) in enumerate(zip(chain, chain[1:], strict=False)):
                    ck = (T.REGION, region_names.get((art_key, child.code), child.name))
                    pk = (T.REGION, region_names.get((art_key, parent.code), parent.name))
                    for d, k in ((child, ck), (parent, pk)):
                        dg = group(k)
                        dg.attrs["code"][d.code] += 1
                        dg.attrs["level"][d.level] += 1
                    best = steps.get((ck, pk))
                    if best is None or (i, m.start) < best[:2]:
                        steps[(ck, pk)] = (i, m.start, ev)  # prefer the sentence naming the child itself
            elif attrs.get("parent") and attrs["parent"] != m.name:
                ev = _mention_evidence(article, m, "located_in.written_parent", WRITTEN_PARENT_CONFIDENCE)
                facts.add(key, Predicate.LOCATED_IN, (T.REGION, attrs["parent"]), ev)
        for (ck, pk), (_i, _start, ev) in steps.items():
            facts.add(ck, Predicate.LOCATED_IN, pk, ev)
        for c in ex.candidates:
            subject, obj = (c.subject_type, c.subject), (c.object_type, c.object)
            facts.add(subject, c.predicate, obj, c.evidence, c.attrs)
    return groups, facts, renames


def _pick(counter: Counter[str]) -> str:
    """Most frequent value; ties → longest, then smallest string (deterministic)."""
    return min(counter, key=lambda v: (-counter[v], -len(v), v))


def noisy_or(confidences: Iterable[float]) -> float:
    """1 - Π(1 - c), capped at MAX_CONFIDENCE: independent sightings of one fact reinforce it."""
    miss = reduce(lambda acc, c: acc * (1.0 - max(0.0, min(1.0, c))), confidences, 1.0)
    return round(min(MAX_CONFIDENCE, 1.0 - miss), 6)


def _entities(groups: dict[Key, _Group], merge: dict[Key, Key]) -> dict[Key, Entity]:
    merged: dict[Key, list[_Group]] = defaultdict(list)
    for key, g in groups.items():
        merged[merge[key]].append(g)
    out: dict[Key, Entity] = {}
    for (type_, name), gs in merged.items():
        surfaces = set().union(*(g.surfaces for g in gs)) - {name, ""}
        attrs: dict[str, Counter[str]] = defaultdict(Counter)
        for g in gs:
            for k, c in g.attrs.items():
                attrs[k].update(c)
        out[(type_, name)] = Entity(
            id=entity_id(type_, name),
            type=type_,
            name=name,
            aliases=tuple(sorted(surfaces)),
            attrs=tuple(sorted((k, _pick(c)) for k, c in attrs.items() if c)),
            articles=tuple(sorted(set().union(*(g.articles for g in gs)))),
        )
    return out


def _relations(
    facts: _Facts, resolve_key: Callable[[Evidence, Key], Key], entities: dict[Key, Entity]
) -> list[Relation]:
    """Facts keyed by entity ids (symmetric ones ordered by id), evidence sorted, confidence combined."""
    IdFact = tuple[str, Predicate, str]
    evidence: dict[IdFact, set[Evidence]] = defaultdict(set)
    attrs: dict[IdFact, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for (s, p, o), evs in facts.evidence.items():
        for ev in evs:
            sid = entities[resolve_key(ev, s)].id
            oid = entities[resolve_key(ev, o)].id
            if sid == oid:
                continue
            if p in SYMMETRIC and oid < sid:
                sid, oid = oid, sid
            evidence[(sid, p, oid)].add(ev)
            for k, c in facts.attrs.get((s, p, o), {}).items():
                attrs[(sid, p, oid)][k].update(c)
    out = []
    for (sid, p, oid), evs in evidence.items():
        ordered = tuple(sorted(evs, key=lambda e: (e.doc, e.article, e.start, e.end, e.rule, e.quote)))
        out.append(Relation(
            id=relation_id(sid, p, oid),
            subject=sid,
            predicate=p,
            object=oid,
            evidence=ordered,
            confidence=noisy_or(e.confidence for e in ordered),
            attrs=tuple(sorted((k, _pick(c)) for k, c in attrs[(sid, p, oid)].items() if c)),
        ))
    return out


def resolve(extractions: Sequence[Extraction], articles: Sequence[Article]) -> KnowledgeGraph:
    """Merge every article's mentions and candidates into one graph (entities and relations sorted by id)."""
    by_key = {a.key: a for a in articles}
    groups, facts, renames = _collect(extractions, by_key)
    for (s, _p, o), evs in facts.evidence.items():
        for ev in evs:
            for k in (s, o):
                k = renames.get((f"{ev.doc}#{ev.article}", k), k)
                if k not in groups:
                    groups[k] = _Group(*k, surfaces={k[1]}, articles={f"{ev.doc}#{ev.article}"})
    merge = _merge_map(groups)
    entities = _entities(groups, merge)

    def resolve_key(ev: Evidence, k: Key) -> Key:
        return merge[renames.get((f"{ev.doc}#{ev.article}", k), k)]

    relations = _relations(facts, resolve_key, entities)
    return KnowledgeGraph(
        entities=tuple(sorted(entities.values(), key=lambda e: e.id)),
        relations=tuple(sorted(relations, key=lambda r: r.id)),
        articles=tuple(articles),
    )
