"""Dictionary matching: the Aho-Corasick scans (plain, wide, shared) agree with a brute-force search."""

from __future__ import annotations

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import dictionaries
from kg.extract.matcher import Dictionaries, Matcher, alternation

_SMALL = {"工会": "a", "总工会": "b", "会员": "c", "职工": "d", "工": "e"}
_HAN = [chr(0x4E00 + i) for i in range(400)]


def _wide_entries(seed: int = 7) -> dict[str, str]:
    """Over 256 different first characters, so the matcher runs on UTF-16 code units."""
    rnd = random.Random(seed)
    out = {c + rnd.choice(_HAN[:20]): f"v{i}" for i, c in enumerate(_HAN[:300])}
    out.update({"".join(rnd.choices(_HAN[:20], k=rnd.randint(1, 4))): "short" for _ in range(60)})
    return out


def _all_hits(entries: dict[str, str], text: str) -> list[tuple[int, int, str, str]]:
    found = [(i, i + len(w), w, v) for w, v in entries.items() for i in range(len(text)) if text.startswith(w, i)]
    return sorted(found, key=lambda h: (h[0], h[0] - h[1]))


def _greedy(hits: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    out, last = [], -1
    for h in hits:
        if h[0] >= last:
            out.append(h)
            last = h[1]
    return out


def _texts(alphabet: list[str]) -> st.SearchStrategy[str]:
    # astral characters and lone surrogates shift UTF-16 units: they must not shift offsets
    return st.text(alphabet=st.sampled_from([*alphabet, "😀", "\ud800", "\udc80", "a", "，"]), max_size=40)


@settings(max_examples=300, deadline=None)
@given(_texts(list("工会员总职")))
def test_plain_matcher_finds_every_occurrence(text: str) -> None:
    m = Matcher(_SMALL)
    assert [(h.start, h.end, h.word, h.value) for h in m.all(text)] == _all_hits(_SMALL, text)
    assert [(h.start, h.end, h.word, h.value) for h in m.longest(text)] == _greedy(_all_hits(_SMALL, text))


_WIDE = _wide_entries()
_WIDE_MATCHER = Matcher(_WIDE)


@settings(max_examples=300, deadline=None)
@given(_texts(_HAN[:40] + _HAN[290:310]))
def test_wide_matcher_finds_every_occurrence(text: str) -> None:
    assert _WIDE_MATCHER._dicts._unit == 2  # the UTF-16 path is the one under test
    assert list(_WIDE_MATCHER.raw(text)) == _all_hits(_WIDE, text)
    assert _WIDE_MATCHER.longest_raw(text) == _greedy(_all_hits(_WIDE, text))


def test_shared_lists_keep_their_own_values() -> None:
    both = Dictionaries({"x": {"工会": 1, "职工": 2}, "y": {"工会": 3, "会员": 4}})
    text = "职工会员加入工会"
    assert [(h.word, h.value) for h in both.matcher("x").all(text)] == [("职工", 2), ("工会", 1), ("工会", 1)]
    assert [(h.word, h.value) for h in both.matcher("y").all(text)] == [("工会", 3), ("会员", 4), ("工会", 3)]


def test_kept_hits_follow_the_text() -> None:
    m = Matcher(_SMALL)
    texts = [f"{'职工' * k}工会" for k in range(Dictionaries.KEEP + 3)]
    for _ in range(2):
        for t in texts:
            assert list(m.raw(t)) == _all_hits(_SMALL, t)


def test_empty_dictionary_and_text() -> None:
    assert Matcher({}).all("工会") == []
    assert Matcher(_SMALL).longest("") == []


def test_shared_automaton_finds_what_each_list_alone_finds() -> None:
    lists = dictionaries.word_lists()
    assert sorted(lists) == ["brands", "groups", "org_names", "org_suffixes", "regions", "speech", "titles"]
    text = (
        "甘肃省兰州市总工会主席王某与市人社局联合开展“暖心驿站”建设,为快递员、外卖配送员等新就业形态劳动者"
        "提供服务。城关区总工会副主席李某表示,该区某某科技有限公司工会已建成职工书屋。"
    )
    for name, entries in lists.items():
        assert dictionaries.matcher(name).raw(text) == Matcher(entries).raw(text), name
    assert dictionaries.matcher("regions").raw(text)  # the sample does name regions


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="工会员总职ab", max_size=30))
def test_guarded_alternation_matches_like_the_bare_one(text: str) -> None:
    words = ["总工会", "工会", "会员", "职工", "a"]
    bare = re.compile("|".join(words))
    assert [m.span() for m in re.finditer(alternation(words), text)] == [m.span() for m in bare.finditer(text)]


def test_alternation_without_words() -> None:
    assert alternation([]) == ""
    assert re.fullmatch(alternation(["", "工"]), "") is not None
