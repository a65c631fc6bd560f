"""UnionBody mentions: region (or organisation) + descriptor + union suffix, and abbreviations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.extract.index import HitIndex, SpanSet
from kg.extract.lexicon import column, load, words
from kg.extract.names import scan_back, strip_demonstrative
from kg.extract.orgs import most_specific
from kg.extract.regions import Place, subcounty_at_start
from kg.model import quick_init

LEVEL_WORDS = {"省": "province", "自治区": "province", "市": "city", "州": "city", "县": "county", "区": "district"}
_ENTERPRISE_BASES = (
    "公司",
    "集团",
    "局",
    "厂",
    "中心",
    "学校",
    "学院",
    "大学",
    "医院",
    "银行",
    "项目部",
    "车间",
    "分公司",
    "站",
    "所",
    "店",
    "矿",
    "场",
)
_NOT_AFTER_UNION = ("驿站", "之家", "书屋", "服务站", "小屋", "课堂", "大讲堂", "阵地", "服务中心")
_LEVEL_WORDS_LONGEST_FIRST = tuple(sorted(LEVEL_WORDS, key=len, reverse=True))
_LEVEL_TOTAL = re.compile(r"[省市县区州]总")
_COMPANY_WORDS = frozenset({"公司", "集团"})
_UNION_LEVELS = frozenset({"province", "city", "county"})


@quick_init
@dataclass(frozen=True)
class UnionHit:
    """A union written in the body. `name` is canonical when known ("" for an unresolved
    abbreviation, which has `level` set); `place` is the region its name starts with."""

    start: int
    end: int
    text: str
    name: str
    level: str = ""
    place: Place | None = None
    rule: str = "unions.suffix"
    tail: str = ""  # for "该县某某工会联合会": the name after the level word, completed from the article


@lru_cache(maxsize=1)
def _suffix_re() -> re.Pattern[str]:
    suffixes = sorted((r[0] for r in load("union_suffixes.tsv")), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, suffixes)))


@lru_cache(maxsize=1)
def _abbrevs() -> dict[str, tuple[str, str]]:
    return {r[0]: (column(r, 1), column(r, 2)) for r in load("union_abbreviations.tsv")}


@lru_cache(maxsize=1)
def _blockers() -> tuple[str, ...]:
    return tuple(sorted(words("union_abbrev_blockers.txt"), key=len, reverse=True))


@lru_cache(maxsize=1)
def _generic() -> frozenset[str]:
    return frozenset(words("union_generic.txt"))


def place_level(p: Place) -> str:
    """Union level of a region: province, city, county or district (a county-level 区)."""
    if p.level == "county" and p.name.endswith("区"):
        return "district"
    return p.level


def _leading_chain(places: HitIndex[Place], start: int, end: int) -> list[Place]:
    """Places written one after the other from `start`, inside [start, end): each the first place
    after the previous one in list order that starts where it ends."""
    chain: list[Place] = []
    pos, k = start, -1
    while (found := places.first_starting(pos, k, lambda p: p.end <= end)) is not None:
        k, p = found
        chain.append(p)
        pos = p.end
    return chain


@lru_cache(maxsize=1)
def _generic_longest_first() -> tuple[str, ...]:
    return tuple(sorted(_generic(), key=len, reverse=True))


def _is_generic(desc: str) -> bool:
    gen = _generic()
    if desc in gen:
        return True
    rest = desc
    for _ in range(4):
        for g in _generic_longest_first():
            if rest.startswith(g):
                rest = rest[len(g) :]
                break
        else:
            break
    return rest == "" and desc != ""


def _suffix_hits(text: str, places: HitIndex[Place]) -> list[UnionHit]:
    out: list[UnionHit] = []
    abbrevs = _abbrevs()
    for m in _suffix_re().finditer(text):
        if text.startswith(_NOT_AFTER_UNION, m.end()):
            continue
        start = scan_back(text, m.start())
        base, cut = strip_demonstrative(text[start : m.start()])
        start += cut
        surface = text[start : m.end()]
        if "工会" in base or _LEVEL_TOTAL.search(base):
            continue  # two unions written one after the other ("某市总工会两级工会")
        if not base and m.group(0) != "总工会":
            continue
        if base in _COMPANY_WORDS and m.group(0) == "工会":
            out.append(UnionHit(start, m.end(), surface, "", "enterprise", None, "unions.abbreviation"))
            continue
        if surface in abbrevs or (base in LEVEL_WORDS and m.group(0) in ("总工会", "工会")):
            key = surface if surface in abbrevs else base + "总工会"
            level, canonical = abbrevs.get(key, (LEVEL_WORDS.get(base, ""), ""))
            out.append(UnionHit(start, m.end(), surface, canonical, level, None, "unions.abbreviation"))
            continue
        level_word = next((w for w in _LEVEL_WORDS_LONGEST_FIRST if base.startswith(w)), "")
        desc = base[len(level_word) :]
        if level_word and len(desc) >= 2 and not _is_generic(desc) and start not in places.by_start:
            out.append(
                UnionHit(
                    start, m.end(), surface, "", LEVEL_WORDS[level_word], None, "unions.level_word", desc + m.group(0)
                )
            )
            continue
        hit = _named(text, places, start, m)
        if hit:
            out.append(hit)
    return out


def _named(text: str, places: HitIndex[Place], start: int, m: re.Match[str]) -> UnionHit | None:
    chain = _leading_chain(places, start, m.start())
    suffix = m.group(0)
    if not chain and suffix == "总工会":
        # a federation is exactly <region>总工会: words before the region are not part of it
        last = places.first_ending(m.start(), test=lambda p: p.start > start and bool(p.code))
        if last is not None:
            return _named(text, places, last[1].start, m)
    if not chain:
        sub = subcounty_at_start(text[start : m.start()])
        if sub is not None:
            chain = [Place(start, start + sub.end, sub.text, sub.name, sub.level)]
    if chain:
        p = chain[-1]
        desc = text[p.end : m.start()]
        if desc and _is_generic(desc):
            return None
        if not desc and p.code and p.level in _UNION_LEVELS and suffix in ("总工会", "工会"):
            return UnionHit(start, m.end(), text[start : m.end()], p.name + "总工会", place_level(p), p)
        if not desc and suffix == "工会" and not p.code:
            return UnionHit(start, m.end(), text[start : m.end()], p.name + "工会", p.level, p)
        name = text[p.start : m.end()] if p.code else text[p.start : m.end()]
        return UnionHit(start, m.end(), text[start : m.end()], name, "", p)
    base = text[start : m.start()]
    if len(base) >= 3 and base.endswith(_ENTERPRISE_BASES) and not _is_generic(base):
        place = most_specific(places, start, m.start())
        return UnionHit(start, m.end(), text[start : m.end()], text[start : m.end()], "", place, "unions.enterprise")
    return None


def _region_abbrev_hits(text: str, places: HitIndex[Place], taken: SpanSet) -> list[UnionHit]:
    """ "<region>总" written without 工会 (某某市总, 某某县总) → that region's federation."""
    out: list[UnionHit] = []
    blockers = _blockers()
    for p in places.hits:
        if not p.code or p.level not in _UNION_LEVELS or not text.startswith("总", p.end):
            continue
        if text.startswith("总工会", p.end) or text.startswith(blockers, p.end + 1):
            continue
        if taken.covers(p.start):
            continue
        start = places.chain_start(p.start)  # include a region chain written before ("某省某某县总")
        out.append(
            UnionHit(
                start,
                p.end + 1,
                text[start : p.end + 1],
                p.name + "总工会",
                place_level(p),
                p,
                "unions.region_abbreviation",
            )
        )
    return out


_BARE = re.compile(r"自治区总|[省市州县区]总")
_BARE_AFTER = frozenset("和与及由在对是该经向从为把被将并")
"""A bare abbreviation starts the text, follows a character that is not Han, or follows one of
these particles (自治区总 only the first two)."""


def _bare_ok(text: str, start: int, surface: str) -> bool:
    if start == 0 or not "\u4e00" <= text[start - 1] <= "\u9fff":
        return True
    return surface != "自治区总" and text[start - 1] in _BARE_AFTER


def _bare_abbrev_hits(text: str, taken: SpanSet) -> list[UnionHit]:
    """Bare 市总/县总/省总 (no region, no 工会) → to be resolved to the article's body of that level."""
    out: list[UnionHit] = []
    blockers = _blockers()
    abbrevs = _abbrevs()
    for m in _BARE.finditer(text):
        if not _bare_ok(text, m.start(), m.group(0)) or text.startswith(("工会", *blockers), m.end()):
            continue
        if taken.overlaps(m.start(), m.end()):
            continue
        surface = m.group(0)
        level = abbrevs.get(surface, ("province", ""))[0]
        out.append(UnionHit(m.start(), m.end(), surface, "", level, None, "unions.abbreviation"))
    return out


def find_unions(text: str, places: list[Place]) -> list[UnionHit]:
    """Every union written in `text` (named, region-abbreviated, or bare abbreviations), by position."""
    index = HitIndex(places)
    named = _suffix_hits(text, index)
    regional = _region_abbrev_hits(text, index, SpanSet((h.start, h.end) for h in named))
    bare = _bare_abbrev_hits(text, SpanSet((h.start, h.end) for h in (*named, *regional)))
    return sorted([*named, *regional, *bare], key=lambda h: (h.start, h.end))
