"""The fast scans of the finders agree with their plain definitions (look-behind regexes, linear
searches) on any text; so do the position indexes that keep extraction linear in article length."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import context, initiatives, orgs, persons, regions, relations, unions
from kg.extract.components import _inside_union, _main_actor
from kg.extract.index import GrowingSpanSet, HitIndex, SpanSet
from kg.extract.regions import Place
from kg.extract.relations import _inside, _paragraph_of, _per_sentence
from kg.extract.state import Actor
from kg.extract.unions import UnionHit
from kg.model import EntityType as T

_EXAMPLES = settings(max_examples=400, deadline=None)


@_EXAMPLES
@given(st.text(alphabet="在到于赴至来自位于走进深入。，,；;：:”\"、\n甲乙镇村社区", max_size=16))
def test_sub_county_starts_are_the_lookbehind_positions(text: str) -> None:
    prep = re.compile(r"(?:(?<=[在到于赴至])|(?<=来自)|(?<=位于)|(?<=走进)|(?<=深入))")
    clause = re.compile(r"(?<=[。，,；;：:”\"、\n])")
    starts = sorted([(m.end(), False) for m in prep.finditer(text)] + [(m.end(), True) for m in clause.finditer(text)])
    pattern, _ = regions._subcounty()
    fast = regions._sub_starts(text)
    assert set(fast) <= set(starts)
    assert [s for s in fast if pattern.match(text, s[0])] == [s for s in starts if pattern.match(text, s[0])]


@_EXAMPLES
@given(st.text(alphabet="自治区总省市州县区和与及由a 。甲", max_size=12))
def test_bare_union_abbreviations_are_the_lookbehind_matches(text: str) -> None:
    bare = re.compile(
        r"(?<![\u4e00-\u9fff])(自治区总|省总|市总|州总|县总|区总)|(?<=[和与及由在对是该经向从为把被将并])(省总|市总|州总|县总|区总)"
    )
    fast = [m.span() for m in unions._BARE.finditer(text) if unions._bare_ok(text, m.start(), m.group(0))]
    assert fast == [m.span() for m in bare.finditer(text)]


@_EXAMPLES
@given(st.text(alphabet="记者通讯员摄影本报实习生编辑(（)）\n。张某甲", max_size=40))
def test_byline_spans_are_the_pattern_matches(text: str) -> None:
    pattern, _ = persons._byline_re()
    assert persons.byline_spans(text) == [m.span() for m in pattern.finditer(text)]


@_EXAMPLES
@given(st.text(alphabet="说说表示告诉记者对坦言张某，", max_size=20))
def test_speech_verbs_as_finditer_finds_them(text: str) -> None:
    found = persons._speech_at(text)
    for verb in persons._speech():
        assert found.get(verb, []) == [m.start() for m in re.finditer(re.escape(verb), text)]


_HEADS = initiatives._heads()
_HEAD_CHARS = sorted({c for h in _HEADS for c in h})[:40] + ["甲", "“"]


@_EXAMPLES
@given(st.text(alphabet=_HEAD_CHARS, max_size=10), st.integers(-4, 12))
def test_head_nouns_are_the_longest_listed(text: str, pos: int) -> None:
    at = next((h for h in _HEADS if text.startswith(h, pos)), "")
    ends = next((h for h in _HEADS if text.endswith(h) and len(text) > len(h)), "")
    assert initiatives.head_at(text, pos) == at
    assert initiatives.ends_with_head(text) == ends


def test_head_nouns_of_written_text() -> None:
    assert initiatives.head_at("开展“暖心”驿站建设", 6) == "驿站"
    assert initiatives.ends_with_head("暖心驿站") == "驿站"
    assert initiatives.head_at("开展“暖心”行动", 3) == ""


class _Span:
    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = start, end


_SPANS = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 8)), max_size=12)


def _cut(points: list[int]) -> list[tuple[int, int]]:
    """Disjoint sorted spans between distinct cut points (as sentences() gives them)."""
    marks = sorted(set(points))
    return [(a, b) for a, b in zip(marks, marks[1:], strict=False)]


@_EXAMPLES
@given(_SPANS, st.lists(st.integers(0, 40), max_size=8), st.booleans())
def test_items_per_sentence_as_the_linear_filter(pairs: list[tuple[int, int]], points: list[int], cut: bool) -> None:
    items = sorted((_Span(s, s + n) for s, n in pairs), key=lambda x: x.start)
    sents = _cut(points) if cut else [(min(points, default=0), max(points, default=0)), (3, 9), (5, 7)]
    expected = [[x for x in items if _inside(x.start, x.end, s)] for s in sents]
    assert _per_sentence(items, sents) == expected


@_EXAMPLES
@given(st.lists(st.integers(0, 40), max_size=8), st.lists(st.integers(0, 40), max_size=8))
def test_paragraph_of_each_sentence_as_the_linear_search(sent_points: list[int], para_points: list[int]) -> None:
    sents, paras = _cut(sent_points), _cut(para_points)
    expected = {s: next((p for p in paras if p[0] <= s[0] < p[1]), s) for s in sents}
    assert _paragraph_of(sents, paras) == expected


# The position indexes answer as the scans over every hit they replaced (kg.extract.index)

_PAIRS = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 6)), max_size=14)
_QUERIES = st.lists(st.tuples(st.integers(-2, 38), st.integers(0, 8)), min_size=1, max_size=10)
_LEVELS = ("province", "city", "county", "town")


@_EXAMPLES
@given(_PAIRS, _QUERIES)
def test_span_sets_answer_as_the_any_scans(pairs: list[tuple[int, int]], queries: list[tuple[int, int]]) -> None:
    spans = [(s, s + n) for s, n in pairs]
    fixed, growing = SpanSet(spans), GrowingSpanSet()
    for s, e in sorted(spans):
        growing.add(s, e)
    for start, n in queries:
        end = start + n
        for found in (fixed, growing):
            assert found.overlaps(start, end) == any(s < end and start < e for s, e in spans)
            assert found.contains(start, end) == any(s <= start and end <= e for s, e in spans)
            assert found.covers(start) == any(s <= start < e for s, e in spans)


def _places(pairs: list[tuple[int, int]], codes: list[bool]) -> list[Place]:
    """Places in the order drawn (not sorted), some with a table code, at various levels."""
    return [
        Place(s, s + n + 1, "甲" * (n + 1), f"P{k}", _LEVELS[k % 4], f"{k}" if codes[k % len(codes)] else "")
        for k, (s, n) in enumerate(pairs)
    ]


def _coded(p: Place) -> bool:
    return bool(p.code)


@_EXAMPLES
@given(_PAIRS, st.lists(st.booleans(), min_size=1, max_size=5), _QUERIES, st.integers(-1, 14))
def test_hit_index_answers_as_the_list_scans(
    pairs: list[tuple[int, int]], codes: list[bool], queries: list[tuple[int, int]], after: int
) -> None:
    places = _places(pairs, codes)
    index = HitIndex(places)
    for start, n in queries:
        end = start + n
        assert index.within(start, end) == [p for p in places if start <= p.start and p.end <= end]
        for test in (None, _coded):
            ok = test or (lambda p: True)
            at_end = next(((k, p) for k, p in enumerate(places) if k > after and p.end == start and ok(p)), None)
            at_start = next(((k, p) for k, p in enumerate(places) if k > after and p.start == start and ok(p)), None)
            assert index.first_ending(start, after, test) == at_end
            assert index.first_starting(start, after, test) == at_start
            pos = start
            for p in places:
                if p.end == pos and ok(p):
                    pos = p.start
            assert index.chain_start(start, test) == pos


@_EXAMPLES
@given(_PAIRS, st.lists(st.booleans(), min_size=1, max_size=5), _QUERIES)
def test_place_chains_and_most_specific_as_the_list_scans(
    pairs: list[tuple[int, int]], codes: list[bool], queries: list[tuple[int, int]]
) -> None:
    places = _places(pairs, codes)
    index = HitIndex(places)
    for start, n in queries:
        end = start + n
        chain, pos = [], start
        for p in places:
            if p.start == pos and p.end <= end:
                chain.append(p)
                pos = p.end
        assert unions._leading_chain(index, start, end) == chain
        inside = [p for p in places if start <= p.start and p.end <= end and p.code]
        best = max(inside, key=lambda p: (orgs._RANK.get(p.level, 0), p.start)) if inside else None
        assert orgs.most_specific(places, start, end) == best
        assert orgs.most_specific(index, start, end) == best


@_EXAMPLES
@given(_PAIRS, _QUERIES)
def test_org_inside_a_union_as_the_scan(pairs: list[tuple[int, int]], queries: list[tuple[int, int]]) -> None:
    spans = [(s, s + n + 1) for s, n in pairs]
    found = SpanSet(spans)
    for s, n in queries:
        e = s + n + 1
        assert _inside_union(s, e, found) == any(a <= s and e <= b and (a, b) != (s, e) for a, b in spans)


@_EXAMPLES
@given(st.lists(st.sampled_from("ABCDE"), max_size=12))
def test_main_actor_is_the_most_frequent_first_written_name(names: list[str]) -> None:
    found = _main_actor("", [Actor(k, k + 1, T.ORGANIZATION, n) for k, n in enumerate(names)])
    expected = max(sorted(set(names)), key=lambda n: (names.count(n), -names.index(n))) if names else None
    assert (found.name if found else None) == expected


@_EXAMPLES
@given(st.text(alphabet="甲乙，、", min_size=30, max_size=30), _PAIRS, st.integers(0, 30), st.integers(0, 12))
def test_body_before_a_title_as_the_scan_of_every_actor(
    text: str, pairs: list[tuple[int, int]], lo: int, n: int
) -> None:
    end = min(lo + n, len(text))
    actors = [Actor(s, s + k + 1, T.UNION_BODY, f"U{j}") for j, (s, k) in enumerate(pairs)]
    best = None
    for a in actors:
        if (
            lo - relations._ROLE_GAP <= a.end < end
            and a.end <= lo + 4
            and not any(c in relations._ROLE_PUNCT for c in text[a.end : max(a.end, lo)])
            and (best is None or a.end > best.end)
        ):
            best = a
    ends: dict[int, list[Actor]] = {}
    for a in actors:
        ends.setdefault(a.end, []).append(a)
    assert relations._body_before(text, ends, lo, end) == best


@_EXAMPLES
@given(_PAIRS, st.booleans(), st.integers(-1, 40))
def test_last_hit_before_a_position_as_the_scan(pairs: list[tuple[int, int]], ordered: bool, pos: int) -> None:
    hits = [UnionHit(s, s + n + 1, "", f"U{k}") for k, (s, n) in enumerate(pairs)]
    if ordered:
        hits.sort(key=lambda h: h.start)
    found = context._Ordered(hits)
    assert found.last_before(pos) == next((h for h in reversed(hits) if h.start < pos), None)
