"""Person mentions: a name after a title chain, or a speaker before a speech verb; by-lines excluded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.extract.lexicon import words
from kg.extract.matcher import Matcher
from kg.extract.regions import is_place
from kg.extract.vocab import crossing_word, is_common

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


@lru_cache(maxsize=1)
def _titles() -> Matcher[str]:
    return Matcher({t: t for t in words("person_titles.txt")})


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
def _byline_re() -> re.Pattern[str]:
    markers = "|".join(map(re.escape, words("person_byline_markers.txt")))
    return re.compile(
        rf"(?:{markers})[^。\n]{{0,40}}?(?=[)）\n]|$)|[(（][^)）\n]{{0,40}}(?:{markers})[^)）\n]{{0,40}}[)）]"
    )


def byline_spans(text: str) -> list[tuple[int, int]]:
    """Spans of by-lines and credits (本报讯(记者… 通讯员…), 本报记者 …, …摄) whose names are not Persons."""
    return [(m.start(), m.end()) for m in _byline_re().finditer(text)]


def _ok_follow(text: str, pos: int) -> bool:
    if pos >= len(text) or text[pos] in _BOUNDARY:
        return True
    return text.startswith(_AFTER_NAME, pos) or text.startswith(_speech(), pos)


def _is_name(cand: str) -> bool:
    single, double = _surnames()
    if not re.fullmatch(rf"[{HAN}]+", cand) or any(c in _NAME_BAD for c in cand[1:]):
        return False
    if cand.startswith(_not_names()) or cand in _title_set() or cand[1:].startswith(_HONORIFICS):
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


def _title_chain_before(text: str, pos: int) -> int:
    """Start of the run of titles (joined by 、) that ends at `pos` (== pos when none)."""
    start = pos
    while True:
        for t in _title_set():
            if text.startswith(t, start - len(t)) and start - len(t) >= 0:
                start -= len(t)
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


def find_persons(text: str) -> list[PersonHit]:
    """People named after a title or before a speech verb, outside by-lines."""
    banned = byline_spans(text)
    out: dict[int, PersonHit] = {}
    for h in _titles().longest(text):
        name = name_at(text, h.end, titled=True)
        if not name or any(s <= h.end < e for s, e in banned):
            continue
        ts = _title_chain_before(text, h.end)
        out.setdefault(h.end, PersonHit(h.end, h.end + len(name), name, ts, text[ts : h.end], "persons.title"))
    for verb in _speech():
        for m in re.finditer(re.escape(verb), text):
            for n in (3, 2):
                s = m.start() - n
                if s < 0 or s in out:
                    continue
                cand = text[s : m.start()]
                prev = text[s - 1] if s > 0 else "\n"
                if prev in _BOUNDARY and _is_name(cand) and not any(a <= s < b for a, b in banned):
                    out[s] = PersonHit(s, m.start(), cand, s, "", "persons.speaker")
                    break
    return sorted(out.values(), key=lambda p: p.start)
