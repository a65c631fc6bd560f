"""Region mentions: table divisions (full names, accepted short forms) and sub-county places."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.extract import dictionaries
from kg.extract.common_words import crossing_word, is_common
from kg.extract.index import GrowingSpanSet, SpanSet
from kg.extract.lexicon import column, load, words
from kg.extract.matcher import Matcher
from kg.model import quick_init

HAN = "\u4e00-\u9fff"
SHORT_OK_LEVELS = frozenset({"province", "city"})


@quick_init
@dataclass(frozen=True)
class Place:
    """A region found in the body: span, surface, canonical name, level, table code ("" if none)."""

    start: int
    end: int
    text: str
    name: str
    level: str
    code: str = ""
    parent_name: str = ""  # for sub-county places: the region written directly before


@lru_cache(maxsize=1)
def _table():  # noqa: ANN202 - the regions module may land later; imported lazily
    from kg.divisions import divisions

    return divisions()


@dictionaries.word_list("regions")
def table_words() -> dict[str, str]:
    """The division-table surfaces matched in text (not the rejected ones, not bare suffixes)."""
    table = _table()
    never = {r[0] for r in load("place_rejects.tsv") if not column(r, 1)}
    bare = {r[0] for r in load("subcounty_suffixes.tsv")}
    return {s: s for s in table.surfaces() if len(s) >= 2 and s not in never and s not in bare}


@lru_cache(maxsize=1)
def _matcher() -> Matcher[str]:
    return dictionaries.matcher("regions")


@lru_cache(maxsize=1)
def _followers() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for r in load("place_rejects.tsv"):
        if column(r, 1):
            out.setdefault(r[0], []).append(r[1])
    return {k: tuple(v) for k, v in out.items()}


_STEM = (2, 4)  # characters of a sub-county name before its suffix


@lru_cache(maxsize=1)
def _subcounty() -> tuple[re.Pattern[str], frozenset[str]]:
    pattern = re.compile(rf"([{HAN}]{{{_STEM[0]},{_STEM[1]}}}?)({'|'.join(map(re.escape, _sub_suffixes()))})")
    return pattern, frozenset(words("subcounty_rejects.txt"))


@lru_cache(maxsize=1)
def _sub_suffixes() -> tuple[str, ...]:
    return tuple(sorted((r[0] for r in load("subcounty_suffixes.tsv")), key=len, reverse=True))


_COMPOUND_NEXT = set("区市乡镇县")
_BAD_NAME_CHARS = set("全各该本每等和与及在的了是为对个这那其")
_BAD_NEXT = set("级镇干民委")


@lru_cache(maxsize=1)
def _sub_levels() -> dict[str, str]:
    return {r[0]: column(r, 1) for r in load("subcounty_suffixes.tsv")}


def _sub_level(suffix: str) -> str:
    return _sub_levels().get(suffix, "village")


def _table_hits(text: str) -> list[tuple[int, int, str]]:
    follow = _followers()
    out = []
    for s, e, w, _ in _matcher().longest_raw(text):
        if any(text.startswith(f, e) for f in follow.get(w, ())):
            continue
        out.append((s, e, w))
    return out


def table_places(text: str, extra_context: str = "") -> list[Place]:
    """Division-table regions in `text`: full names always; short forms of provinces and cities;
    county short forms only when the full name is written somewhere in the article too.
    Ambiguous surfaces are resolved with the codes of the article's other regions, or dropped."""
    table = _table()
    hits = _table_hits(text)
    context_hits = hits + (_table_hits(extra_context) if extra_context else [])
    full_written = {w for _, _, w in context_hits if table.written(w)[1]}
    accepted: list[tuple[int, int, str, tuple]] = []
    for s, e, w in hits:
        divs, full = table.written(w)
        if not divs:
            continue
        if len(w) == 2 and text[e : e + 1] in _COMPOUND_NEXT:
            continue  # 和县 in 总和县区, a two-character name swallowed by a compound (县区, 市县)
        if not full:
            divs = tuple(d for d in divs if d.level in SHORT_OK_LEVELS or d.name in full_written)
            if not divs or crossing_word(text, s, e):
                continue
        accepted.append((s, e, w, divs))
    sure = {divs[0].code for _, _, _, divs in accepted if len(divs) == 1}
    for w in full_written:
        divs = table.written(w)[0]
        if len(divs) == 1:
            sure.add(divs[0].code)
    out: list[Place] = []
    context = tuple(sorted(sure))
    resolved: dict[str, object] = {}  # a surface's candidates and context are the article's: resolve it once
    for s, e, w, divs in accepted:
        if len(divs) == 1:
            d = divs[0]
        else:
            if w not in resolved:
                resolved[w] = _resolve(w, divs, context)
            d = resolved[w]
        if d is None:
            continue
        out.append(Place(s, e, text[s:e], d.name, d.level, d.code))
    return out


def _resolve(surface: str, divs: list, context: tuple[str, ...]):  # noqa: ANN202
    d = _table().resolve(surface, context)
    if d is not None and d in divs:
        return d
    return None


def _sub_after(text: str, pos: int, parent: str, out: list[Place], depth: int = 0) -> None:
    """Sub-county places written directly after a region ("某某县某某镇某某村")."""
    pattern, rejects = _subcounty()
    m = pattern.match(text, pos)
    if not m or depth > 3:
        return
    name = m.group(0)
    if _bad_sub(text, m, rejects):
        return
    out.append(Place(m.start(), m.end(), name, name, _sub_level(m.group(2)), "", parent))
    _sub_after(text, m.end(), name, out, depth + 1)


def _bad_sub(text: str, m: re.Match[str], rejects: frozenset[str]) -> bool:
    name, stem = m.group(0), m.group(1)
    if not _BAD_NAME_CHARS.isdisjoint(stem) or is_common(stem) or (len(stem) >= 3 and is_common(stem[-2:])):
        return True
    suffix = m.group(2)  # a reject longer than the suffix that ends the name: 美丽乡村, 空心村
    if name in rejects or any(name[-k:] in rejects for k in range(len(suffix) + 1, len(name))):
        return True
    nxt = text[m.end() : m.end() + 1]
    if suffix == "乡" and nxt in "村镇亲土愁音贤":
        return True
    return bool(nxt) and nxt in _BAD_NEXT


# a sub-county place may start after a place preposition, or at a clause start
_PREP_CHARS, _PREP_WORDS = frozenset("在到于赴至"), frozenset({"来自", "位于", "走进", "深入"})
_CLAUSE_CHARS = frozenset("。，,；;：:”\"、\n")
_PLACE_NEXT = ("村民", "居民", "村委", "党委", "党总支", "党支部", "党工委", "村党", "两委", "工会", "干部", "书记")


def sub_places(text: str, table: list[Place]) -> list[Place]:
    """Sub-county places: after a table region, or after a place preposition (在/到/于/位于 …)."""
    out: list[Place] = []
    for p in table:
        _sub_after(text, p.end, p.name, out)
    seen = {(p.start, p.end) for p in table}
    in_table = SpanSet((t.start, t.end) for t in table)
    kept: list[Place] = []
    for p in out:
        if (p.start, p.end) not in seen and not in_table.overlaps(p.start, p.end):
            seen.add((p.start, p.end))
            kept.append(p)
    out = kept
    pattern, rejects = _subcounty()
    taken = SpanSet((p.start, p.end) for p in (*table, *out))
    found = GrowingSpanSet()  # the places found here, left to right
    for pos, needs_next in _sub_starts(text):
        m = pattern.match(text, pos)
        if not m or (needs_next and not text.startswith(_PLACE_NEXT, m.end())) or _bad_sub(text, m, rejects):
            continue
        if taken.overlaps(m.start(), m.end()) or found.overlaps(m.start(), m.end()):
            continue
        out.append(Place(m.start(), m.end(), m.group(0), m.group(0), _sub_level(m.group(2))))
        found.add(m.start(), m.end())
    return out


def _sub_starts(text: str) -> list[tuple[int, bool]]:
    """Where a sub-county name may start, in order: the ends of _PLACE_PREP matches (False) and of
    _CLAUSE_START ones (True; the name must then be followed by a _PLACE_NEXT word). Only the
    positions a sub-county suffix follows within a name's reach are listed: from any other the
    name pattern cannot match."""
    near: set[int] = set()
    for suffix in _sub_suffixes():
        at = text.find(suffix)
        while at >= 0:
            near.update(range(at - _STEM[1], at - _STEM[0] + 1))
            at = text.find(suffix, at + 1)
    out: list[tuple[int, bool]] = []
    for pos in sorted(p for p in near if p > 0):
        if text[pos - 1] in _PREP_CHARS or (pos >= 2 and text[pos - 2 : pos] in _PREP_WORDS):
            out.append((pos, False))
        if text[pos - 1] in _CLAUSE_CHARS:
            out.append((pos, True))
    return out


def find_places(text: str, extra_context: str = "") -> list[Place]:
    """All region mentions of a body, sorted by position."""
    table = table_places(text, extra_context)
    return sorted([*table, *sub_places(text, table)], key=lambda p: (p.start, p.end))


def subcounty_at_start(name: str) -> Place | None:
    """A sub-county place that begins `name` (used inside union and organisation names)."""
    pattern, rejects = _subcounty()
    m = pattern.match(name)
    if not m or _bad_sub(name, m, rejects):
        return None
    return Place(0, m.end(), m.group(0), m.group(0), _sub_level(m.group(2)))


def division(code: str):  # noqa: ANN201
    """The table division with this code, or None."""
    return _table().get(code)


def is_place(surface: str) -> bool:
    """True when `surface` is a name or short form in the division table (e.g. 保定, 河北)."""
    return bool(_table().written(surface)[0])
