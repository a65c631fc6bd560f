"""Dictionary matching with Aho-Corasick: all hits, or the leftmost-longest non-overlapping ones."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

import ahocorasick

V = TypeVar("V")


@dataclass(frozen=True)
class Hit(Generic[V]):
    """One dictionary word found at text[start:end], with the value stored for it."""

    start: int
    end: int
    word: str
    value: V


class Matcher(Generic[V]):
    """An Aho-Corasick automaton over a word → value mapping (built once, reused for every article)."""

    def __init__(self, entries: Mapping[str, V]) -> None:
        self._auto = ahocorasick.Automaton()
        for word, value in entries.items():
            if word:
                self._auto.add_word(word, (word, value))
        self._empty = len(self._auto) == 0
        if not self._empty:
            self._auto.make_automaton()

    def all(self, text: str) -> list[Hit[V]]:
        """Every occurrence of every word, sorted by start then longest first."""
        if self._empty or not text:
            return []
        hits = [Hit(end + 1 - len(w), end + 1, w, v) for end, (w, v) in self._auto.iter(text)]
        hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
        return hits

    def longest(self, text: str) -> list[Hit[V]]:
        """Leftmost-longest, non-overlapping occurrences."""
        return select_longest(self.all(text))


def select_longest(hits: Iterable[Hit[V]]) -> list[Hit[V]]:
    """Greedy leftmost-longest selection of non-overlapping hits."""
    out: list[Hit[V]] = []
    last = -1
    for h in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if h.start >= last:
            out.append(h)
            last = h.end
    return out
