"""Position indexes over an article's hits, so that a look-up per hit costs O(log n), not a scan of
every other hit: extraction stays linear in the length of an article however long it is."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from itertools import accumulate
from typing import Generic, Protocol, TypeVar


class Located(Protocol):
    """Anything with a span: places, union and organisation hits."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


H = TypeVar("H", bound=Located)


class SpanSet:
    """A fixed set of (start, end) ranges answering "does any range overlap / contain / cover …"
    (the `any(...)` tests over a list of taken spans) by bisection: ranges sorted by start, with the
    running maximum of their ends."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        ordered = sorted(spans)
        self._starts = [s for s, _ in ordered]
        self._max_end = list(accumulate((e for _, e in ordered), max))

    def _reach(self, count: int) -> int | None:
        """Largest end among the first `count` ranges (None when there are none)."""
        return self._max_end[count - 1] if count > 0 else None

    def overlaps(self, start: int, end: int) -> bool:
        """`any(s < end and start < e for s, e in spans)`."""
        reach = self._reach(bisect_left(self._starts, end))
        return reach is not None and reach > start

    def contains(self, start: int, end: int) -> bool:
        """`any(s <= start and end <= e for s, e in spans)`."""
        reach = self._reach(bisect_right(self._starts, start))
        return reach is not None and reach >= end

    def covers(self, pos: int) -> bool:
        """`any(s <= pos < e for s, e in spans)`."""
        reach = self._reach(bisect_right(self._starts, pos))
        return reach is not None and reach > pos


class GrowingSpanSet(SpanSet):
    """A SpanSet that ranges are added to in order of their start (as a left-to-right scan finds them)."""

    def add(self, start: int, end: int) -> None:
        """Add a range starting at or after every range already held."""
        if self._starts and start < self._starts[-1]:
            raise ValueError("ranges must be added in order of their start")
        self._starts.append(start)
        self._max_end.append(max(end, self._max_end[-1]) if self._max_end else end)


class HitIndex(Generic[H]):
    """Hits (places, unions, organisations) by start and by end, each kept in list order, so the
    scans `next(h for h in hits if h.end == pos and …)` become a dictionary look-up that returns the
    same hit, whatever the order of the list."""

    def __init__(self, hits: list[H]) -> None:
        self.hits = hits
        self.by_start: dict[int, list[int]] = {}
        self.by_end: dict[int, list[int]] = {}
        for k, h in enumerate(hits):
            self.by_start.setdefault(h.start, []).append(k)
            self.by_end.setdefault(h.end, []).append(k)
        order = sorted(range(len(hits)), key=lambda k: hits[k].start)
        self._order = order
        self._starts = [hits[k].start for k in order]

    def first_ending(self, pos: int, after: int = -1, test: Callable[[H], bool] | None = None) -> tuple[int, H] | None:
        """The first hit (and its list index) past index `after` that ends at `pos` and passes `test`."""
        return self._first(self.by_end.get(pos, ()), after, test)

    def first_starting(
        self, pos: int, after: int = -1, test: Callable[[H], bool] | None = None
    ) -> tuple[int, H] | None:
        """The first hit (and its list index) past index `after` that starts at `pos` and passes `test`."""
        return self._first(self.by_start.get(pos, ()), after, test)

    def _first(self, ks: list[int] | tuple[()], after: int, test: Callable[[H], bool] | None) -> tuple[int, H] | None:
        for k in ks[bisect_right(ks, after) :] if ks else ():
            if test is None or test(self.hits[k]):
                return k, self.hits[k]
        return None

    def chain_start(self, pos: int, test: Callable[[H], bool] | None = None) -> int:
        """Where a chain of hits written one after the other ends at `pos` begins, as the scan
        `for h in hits: if h.end == pos and test(h): pos = h.start` finds it."""
        k = -1
        while (found := self.first_ending(pos, k, test)) is not None:
            k, pos = found[0], found[1].start
        return pos

    def within(self, start: int, end: int) -> list[H]:
        """`[h for h in hits if start <= h.start and h.end <= end]`, in list order."""
        lo, hi = bisect_left(self._starts, start), bisect_right(self._starts, end)
        return [self.hits[k] for k in sorted(k for k in self._order[lo:hi] if self.hits[k].end <= end)]
