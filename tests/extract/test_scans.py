"""The fast scans of the finders agree with their plain definitions (look-behind regexes, linear
searches) on any text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import initiatives, persons, regions, unions
from kg.extract.relations import _inside, _paragraph_of, _per_sentence

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
