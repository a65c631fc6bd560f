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
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter

from kg.divisions import Division, divisions
from kg.extract.sentences import sentences
from kg.ids import entity_id, relation_id
from kg.model import (
    SYMMETRIC,
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

T = EntityType
MAX_CONFIDENCE = 0.99
"""Noisy-or of independent evidence never claims certainty."""
TABLE_CONFIDENCE = 0.95
"""A parent step read from the division table: certain once the child region is right."""
WRITTEN_PARENT_CONFIDENCE = 0.8
"""A place missing from the table, under the region written just before it."""
MERGE_TYPES = frozenset({T.UNION_BODY, T.INITIATIVE, T.ORGANIZATION, T.PERSON})
"""Types whose near-duplicate names merge across articles (regions and worker groups have canonical lists)."""
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

    def merge(self, other: _Group) -> None:
        """Add what was seen for `other` (the same entity, collected under another key)."""
        self.mentions += other.mentions
        self.articles |= other.articles
        self.surfaces |= other.surfaces
        for k, c in other.attrs.items():
            self.attrs[k].update(c)


class _Body:
    """An article's body with its sentences found once (extraction's splitter, so a fact found here
    quotes the same sentence a rule would), for quoting many mentions of it."""

    def __init__(self, article: Article) -> None:
        self.article = article
        self.text = article.body.text
        self.spans = sentences(self.text)
        self.starts = [s for s, _ in self.spans]

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """From the start of the sentence holding `start` to the end of the one holding `end`."""
        if not self.spans:
            return start, end
        k = max(bisect_right(self.starts, start) - 1, 0)
        j = max(bisect_right(self.starts, max(end - 1, start)) - 1, k)
        return min(self.spans[k][0], start), max(self.spans[j][1], end)

    def evidence(self, m: Mention, rule: str, confidence: float) -> Evidence:
        """The sentence around a mention, clipped to the run of body text copied unchanged from the
        original, so the quote is exactly the original text at its offsets."""
        article = self.article
        s, e = self.sentence(m.start, m.end)
        piece = next((p for p in article.body.pieces if p.clean_start <= m.start < p.clean_start + p.length), None)
        if piece is not None:
            s, e = max(s, piece.clean_start), min(e, piece.clean_start + piece.length)
        start, end = article.body.span_to_orig(s, e)
        return Evidence(article.doc_id, article.index, start, end, self.text[s:e], rule, confidence)


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


Step = tuple[tuple[Key, Key], Division, Division]
"""One step up a parent chain: ((child key, parent key), child division, parent division)."""


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


def _mention_code(m: Mention, attrs: dict[str, str], codes: dict[str, Division]) -> str:
    """The code of a Region mention among its article's codes ("" when it has none there)."""
    code = attrs.get("code", "")
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
        if attrs:
            counts = self.attrs[(s, p, o)]
            for k, v in attrs:
                counts[k][v] += 1


Renames = dict[str, dict[Key, Key]]
"""Article key → (type, name) of a mention there → the key it was renamed to (regions)."""
_NO_RENAMES: dict[Key, Key] = {}


def _group(groups: dict[Key, _Group], key: Key) -> _Group:
    """The group of `key`, created on first use."""
    g = groups.get(key)
    if g is None:
        g = groups[key] = _Group(*key)
    return g


def _count(groups: dict[Key, _Group], key: Key, m: Mention, art_key: str, attrs: Iterable[tuple[str, str]]) -> None:
    """Record one mention (its surface, article and attributes) in the group of `key`."""
    g = groups.get(key)
    if g is None:
        g = groups[key] = _Group(*key)
    g.mentions += 1
    g.articles.add(art_key)
    g.surfaces.add(m.text)
    g.surfaces.add(m.name)
    for k, v in attrs:
        if v and k not in _ENTITY_ATTR_SKIP:
            g.attrs[k][v] += 1


PROVISIONAL = "\x00"
"""Prefix of a Region key made of a division code: a division's name is only known once every article's
codes are (two divisions sharing a name are both told apart by their parents' names)."""


def _provisional(d: Division) -> Key:
    return (T.REGION, PROVISIONAL + d.code)


class _Chains:
    """Parent chains and their steps in provisional keys, worked out once per code (the division table
    only: names come at the end, `_region_keys`)."""

    def __init__(self) -> None:
        self._chains: dict[str, list[Division]] = {}
        self._steps: dict[str, list[Step]] = {}

    def chain(self, code: str) -> list[Division]:
        chain = self._chains.get(code)
        if chain is None:
            chain = self._chains[code] = divisions().chain(code)
        return chain

    def steps(self, code: str) -> list[Step]:
        steps = self._steps.get(code)
        if steps is None:
            chain = self.chain(code)
            steps = self._steps[code] = [((_provisional(c), _provisional(p)), c, p)
                                         for c, p in zip(chain, chain[1:], strict=False)]
        return steps


def _region_keys(codes: Iterable[str], chains: _Chains) -> dict[Key, Key]:
    """Provisional key → (Region, canonical name) of every division on the chains of `codes`. A name two
    of these divisions share gets its parent's name as a prefix (the clash is judged over every division
    the build's articles reach, so one code has one name in every article)."""
    table = divisions()
    reached = {d.code: d for code in codes for d in chains.chain(code)}
    codes_by_name: dict[str, set[str]] = defaultdict(set)
    for d in reached.values():
        codes_by_name[d.name].add(d.code)
    keys: dict[Key, Key] = {}
    for d in reached.values():
        parent = table.get(d.parent) if d.parent else None
        clash = len(codes_by_name[d.name]) > 1 and parent is not None
        keys[_provisional(d)] = (T.REGION, parent.name + d.name if clash else d.name)
    return keys


class Collector:
    """Resolution's first half, fed one article at a time in document order (a build feeds it as
    extraction streams in): mentions counted into groups, candidates into facts, per-article renames.
    Regions are keyed by division code until `finish` names them."""

    def __init__(self) -> None:
        self.groups: dict[Key, _Group] = {}
        self.facts = _Facts()
        self.renames: Renames = {}
        self.chained: Counter[str] = Counter()  # region codes mentioned in known articles: chains counted at the end
        self.codes: dict[str, None] = {}  # every code an article's regions resolved to, in order
        self.chains = _Chains()

    def add(self, ex: Extraction, article: Article | None) -> None:
        """Collect one article: its mentions, the parent-chain steps of its regions, its candidates."""
        codes = _article_codes(ex)
        self.codes.update(dict.fromkeys(codes))
        art = _Article(self, ex, article, codes)
        groups, key = self.groups, art.key
        for m in ex.mentions:
            if m.type is T.REGION:
                art.region(m)
            else:
                _count(groups, (m.type, m.name), m, key, dict(m.attrs).items() if m.attrs else ())
        art.finish()
        evidence, attrs = self.facts.evidence, self.facts.attrs
        for c in ex.candidates:
            fact = ((c.subject_type, c.subject), c.predicate, (c.object_type, c.object))
            evidence[fact].add(c.evidence)
            if c.attrs:
                counts = attrs[fact]
                for k, v in c.attrs:
                    counts[k][v] += 1

    def finish(self) -> tuple[dict[Key, _Group], _Facts, Renames]:
        """Name every region (judged over all codes collected), put the names in place of the codes
        (merging what then coincides, in first-seen order) and count the chains' codes and levels."""
        final = _region_keys(self.codes, self.chains)
        groups: dict[Key, _Group] = {}
        for key, g in self.groups.items():
            key = final.get(key, key)
            kept = groups.get(key)
            if kept is None:
                g.type, g.name = key
                groups[key] = g
            else:
                kept.merge(g)
        facts = _Facts()
        for (s, p, o), evs in self.facts.evidence.items():
            facts.evidence[(final.get(s, s), p, final.get(o, o))].update(evs)
        for (s, p, o), counts in self.facts.attrs.items():
            merged = facts.attrs[(final.get(s, s), p, final.get(o, o))]
            for k, c in counts.items():
                merged[k].update(c)
        renames = {art: {name: final.get(key, key) for name, key in names.items()}
                   for art, names in self.renames.items()}
        for code, n in self.chained.items():
            for (ck, pk), child, parent in self.chains.steps(code):
                for d, k in ((child, final[ck]), (parent, final[pk])):
                    attrs = _group(groups, k).attrs
                    attrs["code"][d.code] += n
                    attrs["level"][d.level] += n
        return groups, facts, renames

    def graph(self, articles: Sequence[Article]) -> KnowledgeGraph:
        """Resolution's second half: names merged, entities built, relations between their ids (sorted by id)."""
        groups, facts, renames = self.finish()
        _fact_ends(facts, renames, groups)
        merge = _merge_map(groups)
        entities = _entities(groups, merge)
        ids = {k: entities[winner].id for k, winner in merge.items()}
        relations = _relations(facts, renames, ids)
        return KnowledgeGraph(
            entities=tuple(sorted(entities.values(), key=lambda e: e.id)),
            relations=tuple(sorted(relations, key=lambda r: r.id)),
            articles=tuple(articles),
        )


class _Article:
    """One article's region mentions: their code keys, renames and the step of each chain quoted."""

    def __init__(self, out: Collector, ex: Extraction, article: Article | None, codes: dict[str, Division]) -> None:
        self.out, self.article, self.codes = out, article, codes
        self.key = f"{ex.doc_id}#{ex.article}"
        self.body: _Body | None = None
        self.steps: dict[tuple[Key, Key], tuple[int, int, Mention]] = {}

    def evidence(self, m: Mention, rule: str, confidence: float) -> Evidence:
        """The quoted sentence of `m` (the body's sentence stops are found on first use)."""
        if self.body is None:
            self.body = _Body(self.article)  # type: ignore[arg-type]
        return self.body.evidence(m, rule, confidence)

    def region(self, m: Mention) -> None:
        """Count a Region mention under its division (or its name) and note the steps of its parent chain."""
        chains = self.out.chains
        attrs = dict(m.attrs)
        code = _mention_code(m, attrs, self.codes)
        chain = chains.chain(code) if code else []
        key: Key = (m.type, m.name)
        if chain:
            key = _provisional(chain[0])
            self.out.renames.setdefault(self.key, {})[(m.type, m.name)] = key
            attrs.update(code=code, level=chain[0].level)
        _count(self.out.groups, key, m, self.key, attrs.items())
        if self.article is None:
            return
        if chain:
            self.out.chained[code] += 1
            self._steps(m, chains.steps(code))
        elif attrs.get("parent") and attrs["parent"] != m.name:
            ev = self.evidence(m, "located_in.written_parent", WRITTEN_PARENT_CONFIDENCE)
            self.out.facts.add(key, Predicate.LOCATED_IN, (T.REGION, attrs["parent"]), ev)

    def _steps(self, m: Mention, steps: list[Step]) -> None:
        """Keep, per step, the mention nearest the child itself (lowest step index, then earliest)."""
        chosen, start = self.steps, m.start
        for i, (pair, _child, _parent) in enumerate(steps):
            best = chosen.get(pair)
            if best is None or (i, start) < best[:2]:
                chosen[pair] = (i, start, m)  # prefer the sentence naming the child itself

    def finish(self) -> None:
        """Add each chain step as a fact, quoting its chosen mention (each mention quoted once)."""
        quotes: dict[int, Evidence] = {}
        for (ck, pk), (_i, _start, m) in self.steps.items():
            ev = quotes.get(id(m))
            if ev is None:
                ev = quotes[id(m)] = self.evidence(m, "located_in.division_table", TABLE_CONFIDENCE)
            self.out.facts.add(ck, Predicate.LOCATED_IN, pk, ev)


def _pick(counter: Counter[str]) -> str:
    """Most frequent value; ties → longest, then smallest string (deterministic)."""
    return min(counter, key=lambda v: (-counter[v], -len(v), v))


def noisy_or(confidences: Iterable[float]) -> float:
    """1 - Π(1 - c), capped at MAX_CONFIDENCE: independent sightings of one fact reinforce it."""
    miss = 1.0
    for c in confidences:
        miss = miss * (1.0 - max(0.0, min(1.0, c)))
    return round(min(MAX_CONFIDENCE, 1.0 - miss), 6)


def _entities(groups: dict[Key, _Group], merge: dict[Key, Key]) -> dict[Key, Entity]:
    """One entity per winning key: surfaces, attributes and articles of every group merged into it."""
    merged: dict[Key, list[_Group]] = defaultdict(list)
    for key, g in groups.items():
        merged[merge[key]].append(g)
    out: dict[Key, Entity] = {}
    for (type_, name), gs in merged.items():
        if len(gs) == 1:
            surfaces, attrs, articles = gs[0].surfaces, gs[0].attrs, gs[0].articles
        else:
            surfaces = set().union(*(g.surfaces for g in gs))
            articles = set().union(*(g.articles for g in gs))
            attrs = defaultdict(Counter)
            for g in gs:
                for k, c in g.attrs.items():
                    attrs[k].update(c)
        out[(type_, name)] = Entity(
            id=entity_id(type_, name),
            type=type_,
            name=name,
            aliases=tuple(sorted(surfaces - {name, ""})),
            attrs=tuple(sorted((k, _pick(c)) for k, c in attrs.items() if c)),
            articles=tuple(sorted(articles)),
        )
    return out


IdFact = tuple[str, Predicate, str]
_EVIDENCE_ORDER = attrgetter("doc", "article", "start", "end", "rule", "quote")


def _fact_ends(facts: _Facts, renames: Renames, groups: dict[Key, _Group]) -> None:
    """Give every fact end a group, so a name only a relation uses still becomes an entity (in the
    article of the first fact naming it, its evidence taken in order so the choice is deterministic)."""
    for (s, _p, o), evs in facts.evidence.items():
        if s[0] != T.REGION and o[0] != T.REGION and s in groups and o in groups:
            continue  # only Region names are renamed per article: nothing to add
        for ev in sorted(evs, key=_EVIDENCE_ORDER) if len(evs) > 1 else evs:
            art = f"{ev.doc}#{ev.article}"
            names = renames.get(art, _NO_RENAMES)
            for k in (s, o):
                k = names.get(k, k)
                if k not in groups:
                    groups[k] = _Group(*k, surfaces={k[1]}, articles={art})


def _id_facts(
    facts: _Facts, renames: Renames, ids: dict[Key, str]
) -> tuple[dict[IdFact, set[Evidence]], dict[IdFact, dict[str, Counter[str]]]]:
    """Evidence and attrs per fact between entity ids (symmetric ones ordered by id, self-loops dropped).

    Only Region names are renamed per article, so a fact with no Region end maps to one id fact whole."""
    evidence: dict[IdFact, set[Evidence]] = defaultdict(set)
    attrs: dict[IdFact, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for (s, p, o), evs in facts.evidence.items():
        fact_attrs = facts.attrs.get((s, p, o))
        if s[0] != T.REGION and o[0] != T.REGION:
            sightings = [(ids[s], ids[o], evs)]
        else:
            sightings = [(ids[names.get(s, s)], ids[names.get(o, o)], (ev,)) for ev in evs
                         for names in [renames.get(f"{ev.doc}#{ev.article}", _NO_RENAMES)]]
        for sid, oid, seen in sightings:
            if sid == oid:
                continue
            if oid < sid and p in SYMMETRIC:
                sid, oid = oid, sid
            evidence[(sid, p, oid)].update(seen)
            if fact_attrs:
                for _ in seen:  # once per piece of evidence
                    for k, c in fact_attrs.items():
                        attrs[(sid, p, oid)][k].update(c)
    return evidence, attrs


def _relations(facts: _Facts, renames: Renames, ids: dict[Key, str]) -> list[Relation]:
    """Facts keyed by entity ids, evidence sorted, confidence combined."""
    evidence, attrs = _id_facts(facts, renames, ids)
    out = []
    for (sid, p, oid), evs in evidence.items():
        ordered = tuple(sorted(evs, key=_EVIDENCE_ORDER)) if len(evs) > 1 else tuple(evs)
        fact_attrs = attrs.get((sid, p, oid))
        out.append(Relation(
            id=relation_id(sid, p, oid),
            subject=sid,
            predicate=p,
            object=oid,
            evidence=ordered,
            confidence=noisy_or([e.confidence for e in ordered]),
            attrs=tuple(sorted((k, _pick(c)) for k, c in fact_attrs.items() if c)) if fact_attrs else (),
        ))
    return out


def resolve(extractions: Sequence[Extraction], articles: Sequence[Article]) -> KnowledgeGraph:
    """Merge every article's mentions and candidates into one graph (entities and relations sorted by id)."""
    return _resolve(extractions, articles)


def _resolve(extractions: Sequence[Extraction], articles: Sequence[Article]) -> KnowledgeGraph:
    """Collect every article (in order), then build the graph."""
    by_key = {a.key: a for a in articles}
    collector = Collector()
    for ex in extractions:
        collector.add(ex, by_key.get(f"{ex.doc_id}#{ex.article}"))
    return collector.graph(articles)
