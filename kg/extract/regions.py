"""Region mentions: table divisions (full names, accepted short forms) and sub-county places."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.extract.lexicon import column, load, words
from kg.extract.matcher import Matcher
from kg.extract.vocab import crossing_word, is_common

HAN = "\u4e00-\u9fff"
SHORT_OK_LEVELS = frozenset({"province", "city"})


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
    from kg.regions import divisions

    return divisions()


@lru_cache(maxsize=1)
def _matcher() -> Matcher[str]:
    table = _table()
    never = {r[0] for r in load("place_rejects.tsv") if not column(r, 1)}
    bare = {r[0] for r in load("subcounty_suffixes.tsv")}
    return Matcher({s: s for s in table.surfaces() if len(s) >= 2 and s not in never and s not in bare})


@lru_cache(maxsize=1)
def _followers() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for r in load("place_rejects.tsv"):
        if column(r, 1):
            out.setdefault(r[0], []).append(r[1])
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _subcounty() -> tuple[re.Pattern[str], frozenset[str]]:
    suffixes = sorted((r[0] for r in load("subcounty_suffixes.tsv")), key=len, reverse=True)
    pattern = re.compile(rf"([{HAN}]{{2,4}}?)({'|'.join(map(re.escape, suffixes))})")
    return pattern, frozenset(words("subcounty_rejects.txt"))


_COMPOUND_NEXT = set("区市乡镇县")
_BAD_NAME_CHARS = set("全各该本每等和与及在的了是为对个这那其")
_BAD_NEXT = set("级镇干民委")


def _sub_level(suffix: str) -> str:
    return {r[0]: column(r, 1) for r in load("subcounty_suffixes.tsv")}.get(suffix, "village")


def _table_hits(text: str) -> list[tuple[int, int, str]]:
    follow = _followers()
    out = []
    for h in _matcher().longest(text):
        if any(text.startswith(f, h.end) for f in follow.get(h.word, ())):
            continue
        out.append((h.start, h.end, h.word))
    return out


def _is_full(surface: str, divs: list) -> bool:
    return any(d.name == surface for d in divs)


def table_places(text: str, extra_context: str = "") -> list[Place]:
    """Division-table regions in `text`: full names always; short forms of provinces and cities;
    county short forms only when the full name is written somewhere in the article too.
    Ambiguous surfaces are resolved with the codes of the article's other regions, or dropped."""
    table = _table()
    hits = _table_hits(text)
    context_hits = hits + (_table_hits(extra_context) if extra_context else [])
    full_written = {w for _, _, w in context_hits if _is_full(w, table.lookup(w))}
    accepted: list[tuple[int, int, str, list]] = []
    for s, e, w in hits:
        divs = table.lookup(w)
        if not divs:
            continue
        if len(w) == 2 and text[e : e + 1] in _COMPOUND_NEXT:
            continue  # 和县 in 总和县区, a two-character name swallowed by a compound (县区, 市县)
        if not _is_full(w, divs):
            divs = [d for d in divs if d.level in SHORT_OK_LEVELS or d.name in full_written]
            if not divs or crossing_word(text, s, e):
                continue
        accepted.append((s, e, w, divs))
    sure = {divs[0].code for _, _, _, divs in accepted if len(divs) == 1}
    for w in full_written:
        divs = table.lookup(w)
        if len(divs) == 1:
            sure.add(divs[0].code)
    out: list[Place] = []
    for s, e, w, divs in accepted:
        d = divs[0] if len(divs) == 1 else _resolve(w, divs, sure)
        if d is None:
            continue
        out.append(Place(s, e, text[s:e], d.name, d.level, d.code))
    return out


def _resolve(surface: str, divs: list, context: set[str]):  # noqa: ANN202
    d = _table().resolve(surface, tuple(sorted(context)))
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
    if any(c in _BAD_NAME_CHARS for c in stem) or is_common(stem) or (len(stem) >= 3 and is_common(stem[-2:])):
        return True
    suffix = m.group(2)
    if name in rejects or any(name.endswith(r) for r in rejects if len(suffix) < len(r) < len(name)):
        return True
    nxt = text[m.end() : m.end() + 1]
    if suffix == "乡" and nxt in "村镇亲土愁音贤":
        return True
    return bool(nxt) and nxt in _BAD_NEXT


_PLACE_PREP = re.compile(r"(?:(?<=[在到于赴至])|(?<=来自)|(?<=位于)|(?<=走进)|(?<=深入))")
_CLAUSE_START = re.compile(r"(?<=[。，,；;：:”\"、\n])")
_PLACE_NEXT = ("村民", "居民", "村委", "党委", "党总支", "党支部", "党工委", "村党", "两委", "工会", "干部", "书记")


def sub_places(text: str, table: list[Place]) -> list[Place]:
    """Sub-county places: after a table region, or after a place preposition (在/到/于/位于 …)."""
    out: list[Place] = []
    for p in table:
        _sub_after(text, p.end, p.name, out)
    seen = {(p.start, p.end) for p in table}
    kept: list[Place] = []
    for p in out:
        if (p.start, p.end) not in seen and not any(t.start < p.end and p.start < t.end for t in table):
            seen.add((p.start, p.end))
            kept.append(p)
    out = kept
    pattern, rejects = _subcounty()
    taken = [(p.start, p.end) for p in (*table, *out)]
    starts = [(m0.end(), False) for m0 in _PLACE_PREP.finditer(text)]
    starts += [(m0.end(), True) for m0 in _CLAUSE_START.finditer(text)]
    for pos, needs_next in sorted(starts):
        m = pattern.match(text, pos)
        if not m or _bad_sub(text, m, rejects):
            continue
        if needs_next and not text.startswith(_PLACE_NEXT, m.end()):
            continue
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        out.append(Place(m.start(), m.end(), m.group(0), m.group(0), _sub_level(m.group(2))))
        taken.append((m.start(), m.end()))
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
    return bool(_table().lookup(surface))
