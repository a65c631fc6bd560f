"""Person mentions: a name after a title chain, or a speaker before a speech verb; by-lines excluded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.extract import dictionaries
from kg.extract.common_words import crossing_word, is_common
from kg.extract.index import SpanSet
from kg.extract.lexicon import words
from kg.extract.matcher import Matcher
from kg.extract.regions import is_place
from kg.model import quick_init

HAN = "\u4e00-\u9fff"
_BOUNDARY = set('，,。；;：:、！？!?)）“”"（( \n')
_AFTER_NAME = (
    "热情",
    "参加",
    "参与",
    "带领",
    "来到",
    "走进",
    "作为",
    "通过",
    "第一",
    "一次",
    "曾",
    "已",
    "先后",
    "积极",
    "主动",
    "每天",
    "今年",
    "去年",
    "自",
    "出席",
    "表示",
    "带队",
    "一行",
    "等",
    "在",
    "对",
    "向",
    "为",
    "和",
    "与",
    "率",
    "告诉",
    "称",
    "也",
    "就",
    "还",
    "都",
    "正",
    "从",
    "是",
    "把",
    "将",
    "讲",
    "领",
    "拿",
    "主持",
    "致辞",
    "讲话",
    "一边",
    "笑",
    "开心",
    "高兴",
    "激动",
    "感慨",
    "坦言",
    "回忆",
    "指出",
    "强调",
    "认为",
    "透露",
    "同志",
    "代表",
)
_NAME_BAD = set("的了在是和与及或对为把被将从向到于也都就还要着过等个这那其该各每我你他她们说会工党省市县区镇村年月日")
_DOT_NAME = re.compile(rf"[{HAN}]{{2,6}}·[{HAN}]{{2,8}}")
_ALL_HAN = re.compile(rf"[{HAN}]+")


@quick_init
@dataclass(frozen=True)
class PersonHit:
    """A person named in the body; `title_start` is where the title chain before the name begins
    (== start when there is none), `titles` the chain as written."""

    start: int
    end: int
    name: str
    title_start: int
    titles: str
    rule: str


@dictionaries.word_list("titles")
def title_words() -> dict[str, str]:
    """The person titles (书记, 主席 …), each its own value."""
    return {t: t for t in words("person_titles.txt")}


@lru_cache(maxsize=1)
def _titles() -> Matcher[str]:
    return dictionaries.matcher("titles")


@lru_cache(maxsize=1)
def _title_set() -> tuple[str, ...]:
    return tuple(sorted(set(words("person_titles.txt")), key=len, reverse=True))


@lru_cache(maxsize=1)
def _surnames() -> tuple[frozenset[str], frozenset[str]]:
    sn = words("surnames.txt")
    return frozenset(s for s in sn if len(s) == 1), frozenset(s for s in sn if len(s) == 2)


@lru_cache(maxsize=1)
def _speech() -> tuple[str, ...]:
    return tuple(sorted(set(words("person_speech_verbs.txt")), key=len, reverse=True))


@lru_cache(maxsize=1)
def _not_names() -> tuple[str, ...]:
    return tuple(words("person_not_names.txt"))


@lru_cache(maxsize=1)
def _byline_re() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The by-line pattern, and the characters one can start with (a marker's first, or a bracket)."""
    listed = words("person_byline_markers.txt")
    markers = "|".join(map(re.escape, listed))
    pattern = re.compile(
        rf"(?:{markers})[^。\n]{{0,40}}?(?=[)）\n]|$)|[(（][^)）\n]{{0,40}}(?:{markers})[^)）\n]{{0,40}}[)）]"
    )
    return pattern, re.compile(f"[{re.escape(''.join(sorted({m[0] for m in listed} | set('(（'))))}]")


def byline_spans(text: str) -> list[tuple[int, int]]:
    """Spans of by-lines and credits (本报讯(记者… 通讯员…), 本报记者 …, …摄) whose names are not Persons.

    The matches of `pattern.finditer`, tried only where one can start (the pattern has no prefix
    the regex engine could skip to by itself)."""
    pattern, starts = _byline_re()
    out: list[tuple[int, int]] = []
    pos = 0
    while (c := starts.search(text, pos)) is not None:
        m = pattern.match(text, c.start())
        if m is None:
            pos = c.start() + 1
        else:
            out.append(m.span())
            pos = m.end()
    return out


def _ok_follow(text: str, pos: int) -> bool:
    if pos >= len(text) or text[pos] in _BOUNDARY:
        return True
    return text.startswith(_AFTER_NAME, pos) or text.startswith(_speech(), pos)


@lru_cache(maxsize=1)
def _title_words() -> frozenset[str]:
    return frozenset(words("person_titles.txt"))


@lru_cache(maxsize=1)
def _title_lengths() -> tuple[int, ...]:
    return tuple(sorted({len(t) for t in _title_words()}, reverse=True))


@lru_cache(maxsize=1 << 16)
def _is_name(cand: str) -> bool:
    """True when `cand` reads as a personal name (surname first, not a title, word or place);
    a pure function of the string, cached: the same few thousand candidates recur in every article."""
    single, double = _surnames()
    if not _ALL_HAN.fullmatch(cand) or not _NAME_BAD.isdisjoint(cand[1:]):
        return False
    if cand.startswith(_not_names()) or cand in _title_words() or cand[1:].startswith(_HONORIFICS):
        return False
    if is_common(cand) or is_common(cand[1:]) or is_place(cand):
        return False
    if cand[:2] in double:
        return 3 <= len(cand) <= 4
    return cand[0] in single and 2 <= len(cand) <= 3


_HONORIFICS = ("先生", "女士", "师傅", "阿姨", "大姐", "大哥", "老师", "同学", "同志", "某", "某某")


def name_at(text: str, pos: int, titled: bool = False) -> str:
    """The personal name starting at `pos`, or "".

    A name is 2–3 characters (4 with a compound surname, or two parts joined by ·) and must end
    where a known follower starts (punctuation, 说, 表示 …); after a title (`titled`) it may
    instead end where an ordinary word starts, as long as no ordinary word runs across its end."""
    m = _DOT_NAME.match(text, pos)
    if m:
        for end in range(text.index("·", pos) + 3, m.end() + 1):
            if _ok_follow(text, end):
                return text[pos:end]
    for n in (3, 2, 4):
        cand = text[pos : pos + n]
        if len(cand) == n and _is_name(cand) and _ok_follow(text, pos + n):
            return cand
    if titled:
        for n in (3, 2):
            cand = text[pos : pos + n]
            if (
                len(cand) == n
                and _is_name(cand)
                and _word_starts(text, pos + n)
                and not crossing_word(text, pos, pos + n)
            ):
                return cand
    return ""


def _word_starts(text: str, pos: int) -> bool:
    return any(is_common(text[pos : pos + k]) for k in (2, 3, 4))


def title_chain_before(text: str, pos: int) -> int:
    """Start of the run of titles (joined by 、) that ends at `pos` (== pos when none)."""
    titles, lengths = _title_words(), _title_lengths()
    start = pos
    while True:
        for n in lengths:  # the longest title ending at `start`
            if start - n >= 0 and text[start - n : start] in titles:
                start -= n
                break
        else:
            break
        if start > 0 and text[start - 1] == "、":
            # continue only if another title ends before the 、
            if any(text.startswith(t, start - 1 - len(t)) for t in _title_set()):
                start -= 1
                continue
        break
    return start


@dictionaries.word_list("speech")
def speech_words() -> dict[str, str]:
    """The speech verbs (说, 表示 …), each its own value."""
    return {v: v for v in _speech()}


def _speech_at(text: str) -> dict[str, list[int]]:
    """For each speech verb, the starts of its non-overlapping occurrences, left to right (as
    re.finditer finds them), from the one dictionary pass over the text."""
    out: dict[str, list[int]] = {}
    ends: dict[str, int] = {}
    for start, end, verb, _ in dictionaries.matcher("speech").raw(text):
        if start >= ends.get(verb, 0):
            out.setdefault(verb, []).append(start)
            ends[verb] = end
    return out


def find_persons(text: str) -> list[PersonHit]:
    """People named after a title or before a speech verb, outside by-lines."""
    banned = SpanSet(byline_spans(text))
    out: dict[int, PersonHit] = {}
    for _, end, _, _ in _titles().longest_raw(text):
        name = name_at(text, end, titled=True)
        if not name or banned.covers(end):
            continue
        ts = title_chain_before(text, end)
        out.setdefault(end, PersonHit(end, end + len(name), name, ts, text[ts:end], "persons.title"))
    speech = _speech_at(text)
    for verb in _speech():
        for at in speech.get(verb, ()):
            for n in (3, 2):
                s = at - n
                if s < 0 or s in out:
                    continue
                cand = text[s:at]
                prev = text[s - 1] if s > 0 else "\n"
                if prev in _BOUNDARY and _is_name(cand) and not banned.covers(s):
                    out[s] = PersonHit(s, at, cand, s, "", "persons.speaker")
                    break
    return sorted(out.values(), key=lambda p: p.start)
