"""Article context: the body the article is about, and the completion of abbreviations
(市总, 县总工会, 公司工会, 省体育局 …) to full canonical names."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from kg.extract.orgs import OrgHit
from kg.extract.regions import Place
from kg.extract.unions import UnionHit, place_level

_LEVEL_MATCH = {
    "province": ("province",),
    "city": ("city",),
    "county": ("county", "district"),
    "district": ("district", "county"),
}


def _levels(level: str) -> tuple[str, ...]:
    return _LEVEL_MATCH.get(level, (level,))


def main_union(unions: list[UnionHit], headline_unions: list[UnionHit]) -> str:
    """Canonical name of the union the article is about: most mentioned (headline counts twice),
    earliest on ties; "" when the article names none."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for h in headline_unions:
        if h.name:
            counts[h.name] += 2
            first.setdefault(h.name, -1)
    for h in unions:
        if h.name:
            counts[h.name] += 1
            first.setdefault(h.name, h.start)
    if not counts:
        return ""
    return min(counts, key=lambda n: (-counts[n], first[n], n))


def _region_of_level(places: list[Place], level: str) -> Place | None:
    """The one table region of this level in the article (None when none or several)."""
    found = {p.name: p for p in places if p.code and place_level(p) in _levels(level)}
    return next(iter(found.values())) if len(found) == 1 else None


def resolve_unions(
    unions: list[UnionHit],
    places: list[Place],
    main: str,
    headline_unions: list[UnionHit],
    companies: list[OrgHit] = (),
) -> list[UnionHit]:
    """Give every abbreviation a canonical name: the nearest preceding full body of its level,
    else the first one, else the article's only region of that level + 总工会; unresolvable ones go."""
    named = [h for h in unions if h.name]
    known = named + [h for h in headline_unions if h.name]
    out: list[UnionHit] = []
    main_place = next((u.place for u in known if u.name == main and u.place is not None), None)
    for h in unions:
        if h.name:
            out.append(h)
            continue
        if h.tail:
            region = main_place if main_place is not None and place_level(main_place) in _levels(h.level) else None
            region = region or _region_of_level(places, h.level)
            if region is not None:
                out.append(replace(h, name=region.name + h.tail, place=region))
            continue
        target = _target(h, named, known, places, main)
        if target is None and h.level == "enterprise":
            company = next((o for o in reversed(companies) if o.start < h.start and o.name), None)
            company = company or next((o for o in companies if o.name), None)
            target = company.name + "工会" if company else None
        if target:
            out.append(
                replace(
                    h,
                    name=target.name if isinstance(target, UnionHit) else target,
                    place=target.place if isinstance(target, UnionHit) else None,
                )
            )
    return out


def _target(h: UnionHit, named: list[UnionHit], known: list[UnionHit], places: list[Place], main: str):  # noqa: ANN202
    if h.level == "enterprise":
        pool = [u for u in known if u.rule == "unions.enterprise"]
        if main and any(u.name == main for u in pool):
            return next(u for u in pool if u.name == main)
        before = [u for u in named if u.rule == "unions.enterprise" and u.start < h.start]
        return before[-1] if before else (pool[0] if pool else None)
    levels = _levels(h.level)
    same = [u for u in named if u.level in levels]
    before = [u for u in same if u.start < h.start]
    if before:
        return before[-1]
    main_hits = [u for u in known if u.name == main and u.level in levels]
    if main_hits:
        return main_hits[0]
    if same:
        return same[0]
    pool = [u for u in known if u.level in levels]
    if pool:
        return pool[0]
    region = _region_of_level(places, h.level)
    return UnionHit(-1, -1, "", region.name + "总工会", h.level, region) if region else None


def resolve_orgs(orgs: list[OrgHit], places: list[Place], unions: list[UnionHit], main: str) -> list[OrgHit]:
    """Complete level-word organisation names (省体育局 → <province>体育局) from the article's regions."""
    out: list[OrgHit] = []
    main_place = next((u.place for u in unions if u.name == main and u.place is not None), None)
    for o in orgs:
        if o.name:
            out.append(o)
            continue
        region = None
        if main_place is not None and main_place.code and place_level(main_place) in _levels(o.level):
            region = main_place
        region = region or _region_of_level(places, o.level)
        if region is not None:
            out.append(replace(o, name=region.name + o.tail, place=region))
    return out
