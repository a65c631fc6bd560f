"""Organization mentions: named companies, platforms, government and party bodies, associations, schools."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from kg.extract import dictionaries
from kg.extract.index import HitIndex, SpanSet
from kg.extract.lexicon import alias_list, column, load
from kg.extract.matcher import Matcher
from kg.extract.names import scan_back, strip_demonstrative
from kg.extract.regions import Place
from kg.model import quick_init

LEVEL_PREFIXES = (
    ("自治区", "province"),
    ("省", "province"),
    ("市", "city"),
    ("州", "city"),
    ("县", "county"),
    ("区", "county"),
)
_BAD_START = ("各", "全", "每", "多", "一", "两", "几", "数", "相关", "有关", "其他", "当地", "其", "等", "个", "家")
_GENERIC_BASES = frozenset(
    {
        "企业",
        "平台",
        "快递",
        "外卖",
        "物流",
        "运输",
        "用人",
        "合作",
        "有关",
        "相关",
        "政府",
        "上级",
        "街道",
        "社区",
        "村",
        "乡镇",
        "基层",
        "职能",
        "主管",
        "行业",
        "会员",
        "成员",
        "单位",
        "部门",
        "国有",
        "民营",
        "私营",
        "小微",
        "龙头",
        "头部",
        "平台企业",
        "工会",
    }
)
_GOV = frozenset({"government", "party"})


@quick_init
@dataclass(frozen=True)
class OrgHit:
    """An organisation written in the body. `name` is canonical ("" while a level word such as
    省/县 still has to be completed from the article's regions); `place` is its leading region."""

    start: int
    end: int
    text: str
    name: str
    kind: str
    level: str = ""  # level word to complete (province/city/county), when name == ""
    tail: str = ""  # the name after the level word, when name == ""
    place: Place | None = None
    rule: str = "orgs.suffix"


@dictionaries.word_list("org_suffixes")
def suffix_words() -> dict[str, str]:
    """Organisation suffix → kind (company, government …)."""
    return {r[0]: column(r, 1) for r in load("org_suffixes.tsv")}


@dictionaries.word_list("org_names")
def name_words() -> dict[str, str]:
    """Nation-wide organisation names and aliases → canonical name."""
    entries: dict[str, str] = {}
    for r in load("org_names.tsv"):
        entries[r[0]] = r[0]
        for a in alias_list(column(r, 1)):
            entries.setdefault(a, r[0])
    return entries


@lru_cache(maxsize=1)
def _suffixes() -> Matcher[str]:
    return dictionaries.matcher("org_suffixes")


@lru_cache(maxsize=1)
def _known() -> Matcher[str]:
    return dictionaries.matcher("org_names")


def _suffix_ends(text: str) -> list[tuple[int, int, str]]:
    """For each end position, the longest org suffix ending there."""
    best: dict[int, tuple[int, int, str]] = {}
    for s, e, _, kind in _suffixes().raw(text):
        cur = best.get(e)
        if cur is None or s < cur[0]:
            best[e] = (s, e, kind)
    return sorted(best.values())


def find_orgs(text: str, places: list[Place]) -> list[OrgHit]:
    """Named organisations in `text` (suffix rule plus the national-name list), by position."""
    out: list[OrgHit] = []
    index = HitIndex(places)
    ends = _suffix_ends(text)
    end_set = {e for _, e, _ in ends}
    for s, e, kind in ends:
        if e + 1 in end_set or e + 2 in end_set:
            continue  # a longer name continues (某某公司项目部): keep only the outer one
        start = scan_back(text, s, 16)
        base, cut = strip_demonstrative(text[start:s])
        start += cut
        hit = _classify(text, index, start, s, e, kind, base)
        if hit:
            out.append(hit)
    taken = SpanSet((h.start, h.end) for h in out)
    for s, e, w, name in _known().longest_raw(text):
        if taken.overlaps(s, e):
            continue
        out.append(OrgHit(s, e, w, name, "company", rule="orgs.known"))
    return sorted(out, key=lambda h: (h.start, h.end))


def _classify(
    text: str, places: HitIndex[Place], start: int, s: int, e: int, kind: str, base: str
) -> OrgHit | None:
    if not base or base.startswith(_BAD_START) or base in _GENERIC_BASES or "工会" in base:
        return None
    surface = text[start:e]
    if e - s == 2 and text[s + 1] == "委":  # 某省委 / 某市委: the region's name already holds 省/市
        found = places.first_ending(s + 1, test=lambda p: p.start >= start and bool(p.code))
        if found is not None:
            whole = found[1]
            return OrgHit(whole.start, e, text[whole.start : e], whole.name + "委", kind, place=whole)
    chain = places.within(start, s)
    lead = [p for p in chain if p.start == start]
    for word, level in LEVEL_PREFIXES:
        if base.startswith(word) and not lead:
            tail = text[start + len(word) : e]
            if len(tail) < 2:
                return None
            return OrgHit(start, e, surface, "", kind, level, tail, None, "orgs.level_word")
    if kind in _GOV and not lead:
        return None
    if lead:
        # keep the most specific region of a leading chain ("某省某市某局" → "某市某局")
        pos, last = start, lead[0]
        for p in sorted(chain, key=lambda p: p.start):
            if p.start == pos:
                last, pos = p, p.end
        rest = text[last.end : s]
        if not rest and kind not in _GOV:
            return None
        if rest in _GENERIC_BASES:
            return None
        return OrgHit(start, e, surface, text[last.start : e], kind, place=most_specific(places, start, s) or last)
    if len(base) < 2:
        return None
    return OrgHit(start, e, surface, surface, kind, place=most_specific(places, start, s))


_RANK = {"province": 0, "city": 1, "county": 2, "town": 3}


def most_specific(places: list[Place] | HitIndex[Place], start: int, end: int) -> Place | None:
    """The lowest-level table region written inside [start, end) (the last one on ties)."""
    if not isinstance(places, HitIndex):
        places = HitIndex(places)
    inside = [p for p in places.within(start, end) if p.code]
    if not inside:
        return None
    return max(inside, key=lambda p: (_RANK.get(p.level, 0), p.start))
