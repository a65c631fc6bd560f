"""Article context: the body the article is about, and the completion of abbreviations
(市总, 县总工会, 公司工会, 省体育局 …) to full canonical names."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import replace
from itertools import pairwise
from typing import Generic, TypeVar

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


class _Regions:
    """`_region_of_level` of one article's places, each level computed once."""

    def __init__(self, places: list[Place]) -> None:
        self.places = places
        self._found: dict[str, Place | None] = {}

    def of_level(self, level: str) -> Place | None:
        if level not in self._found:
            self._found[level] = _region_of_level(self.places, level)
        return self._found[level]


H = TypeVar("H", UnionHit, OrgHit)


class _Ordered(Generic[H]):
    """Hits in list order, answering "the last one starting before `pos`" by bisection when the list
    is sorted by start (as the finders give it), else by a scan from the end."""

    def __init__(self, hits: list[H]) -> None:
        self.hits = hits
        self.starts = [h.start for h in hits]
        self.sorted = all(a <= b for a, b in pairwise(self.starts))

    def last_before(self, pos: int) -> H | None:
        if self.sorted:
            k = bisect_left(self.starts, pos)
            return self.hits[k - 1] if k else None
        return next((h for h in reversed(self.hits) if h.start < pos), None)

    def first(self) -> H | None:
        return self.hits[0] if self.hits else None


class _Targets:
    """What `resolve_unions` looks up for each abbreviation, built once per article: the named
    bodies of each level (or enterprise unions) and the first known ones."""

    def __init__(self, named: list[UnionHit], known: list[UnionHit], regions: _Regions, main: str) -> None:
        self.named, self.known, self.regions, self.main = named, known, regions, main
        self._by_levels: dict[tuple[str, ...], tuple[_Ordered[UnionHit], UnionHit | None, UnionHit | None]] = {}
        pool = [u for u in known if u.rule == "unions.enterprise"]
        self.enterprise_main = next((u for u in pool if u.name == main), None) if main else None
        self.enterprise_first = pool[0] if pool else None
        self.enterprise_named = _Ordered([u for u in named if u.rule == "unions.enterprise"])

    def levels(self, levels: tuple[str, ...]) -> tuple[_Ordered[UnionHit], UnionHit | None, UnionHit | None]:
        """The named bodies of these levels; the first known one named `main`; the first known one."""
        if levels not in self._by_levels:
            same = _Ordered([u for u in self.named if u.level in levels])
            main_hit = next((u for u in self.known if u.name == self.main and u.level in levels), None)
            first = next((u for u in self.known if u.level in levels), None)
            self._by_levels[levels] = (same, main_hit, first)
        return self._by_levels[levels]


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
    regions = _Regions(places)
    targets = _Targets(named, known, regions, main)
    named_companies = _Ordered([o for o in companies if o.name])
    for h in unions:
        if h.name:
            out.append(h)
            continue
        if h.tail:
            region = main_place if main_place is not None and place_level(main_place) in _levels(h.level) else None
            region = region or regions.of_level(h.level)
            if region is not None:
                out.append(replace(h, name=region.name + h.tail, place=region))
            continue
        target = _target(h, targets)
        if target is None and h.level == "enterprise":
            company = named_companies.last_before(h.start) or named_companies.first()
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


def _target(h: UnionHit, targets: _Targets):  # noqa: ANN202
    if h.level == "enterprise":
        if targets.enterprise_main is not None:
            return targets.enterprise_main
        return targets.enterprise_named.last_before(h.start) or targets.enterprise_first
    same, main_hit, first = targets.levels(_levels(h.level))
    before = same.last_before(h.start)
    if before is not None:
        return before
    if main_hit is not None:
        return main_hit
    if same.hits:
        return same.hits[0]
    if first is not None:
        return first
    region = targets.regions.of_level(h.level)
    return UnionHit(-1, -1, "", region.name + "总工会", h.level, region) if region else None


def resolve_orgs(orgs: list[OrgHit], places: list[Place], unions: list[UnionHit], main: str) -> list[OrgHit]:
    """Complete level-word organisation names (省体育局 → <province>体育局) from the article's regions."""
    out: list[OrgHit] = []
    main_place = next((u.place for u in unions if u.name == main and u.place is not None), None)
    regions = _Regions(places)
    for o in orgs:
        if o.name:
            out.append(o)
            continue
        region = None
        if main_place is not None and main_place.code and place_level(main_place) in _levels(o.level):
            region = main_place
        region = region or regions.of_level(o.level)
        if region is not None:
            out.append(replace(o, name=region.name + o.tail, place=region))
    return out
