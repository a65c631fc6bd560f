"""Dictionary matching with Aho-Corasick: all hits, or the leftmost-longest non-overlapping ones."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Generic, TypeVar

import ahocorasick

from kg.model import quick_init

V = TypeVar("V")

_WIDE_ROOT = 256
"""pyahocorasick finds a node's child by a linear scan, so a dictionary whose words start with
thousands of different characters (the division table) makes every character of the text cost
a scan of the root. Above this many first characters, words and text are matched as UTF-16
bytes (one Latin-1 character per byte): two steps per character, each over at most 256 children."""
_UNIT = 2
_FILLER = "\uffff"
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _wide(text: str) -> str:
    """`text` as UTF-16-BE bytes spelled as Latin-1 characters, exactly two per character: a
    character outside the BMP (which no wide dictionary holds) is first replaced by _FILLER."""
    out = text.encode("utf-16-be", "surrogatepass").decode("latin-1")
    if len(out) != _UNIT * len(text):
        out = _ASTRAL.sub(_FILLER, text).encode("utf-16-be", "surrogatepass").decode("latin-1")
    return out


def _is_wide(words: Iterable[str]) -> bool:
    """True when the words start with many different characters and all lie below _FILLER in the BMP."""
    firsts: set[str] = set()
    for w in words:
        if max(w) >= _FILLER:
            return False
        firsts.add(w[0])
    return len(firsts) > _WIDE_ROOT


@quick_init
@dataclass(frozen=True)
class Hit(Generic[V]):
    """One dictionary word found at text[start:end], with the value stored for it."""

    start: int
    end: int
    word: str
    value: V


Raw = tuple[int, int, str, V]
"""A hit as a plain tuple (start, end, word, value): what the scans pass around before the
selected hits become `Hit`s."""


_START, _END = itemgetter(0), itemgetter(1)


class Dictionaries:
    """Several word → value lists in one Aho-Corasick automaton: one pass over a text finds the hits
    of every list. The finders of an article all scan the same body (and headline), so the hits of
    the last few texts are kept."""

    KEEP = 4

    def __init__(self, lists: Mapping[str, Mapping[str, Any]]) -> None:
        self._index = {name: k for k, name in enumerate(lists)}
        merged: dict[str, list[tuple[int, Any]]] = {}
        for k, entries in enumerate(lists.values()):
            for word, value in entries.items():
                if word:
                    merged.setdefault(word, []).append((k, value))
        self._unit = _UNIT if _is_wide(merged) else 1
        self._auto = ahocorasick.Automaton()
        for word, tagged in merged.items():
            self._auto.add_word(_wide(word) if self._unit > 1 else word, (word, tuple(tagged)))
        self._empty = not merged
        if not self._empty:
            self._auto.make_automaton()
        self._recent: dict[str, tuple[tuple[Raw, ...], ...]] = {}
        self._lock = threading.Lock()  # the kept hits are shared by threads of a Dask worker

    def hits(self, name: str, text: str) -> tuple[Raw, ...]:
        """Every occurrence of a word of list `name` in `text`, sorted by start then longest first."""
        with self._lock:
            found = self._recent.get(text)
        if found is None:
            found = self._scan(text)
            with self._lock:
                if len(self._recent) >= self.KEEP:
                    self._recent.pop(next(iter(self._recent)))
                self._recent[text] = found
        return found[self._index[name]]

    def _scan(self, text: str) -> tuple[tuple[Raw, ...], ...]:
        """The hits of every list. Kept as tuples of tuples of strings and numbers, which the garbage
        collector stops tracking at its first look, so kept hits never reach its older generations."""
        out: list[list[Raw]] = [[] for _ in self._index]
        if self._empty or not text:
            return tuple(tuple(hits) for hits in out)
        unit = self._unit
        if unit == 1:
            for end, (w, tagged) in self._auto.iter(text):
                for k, v in tagged:
                    out[k].append((end + 1 - len(w), end + 1, w, v))
        else:
            for end, (w, tagged) in self._auto.iter(_wide(text)):
                if (end + 1) % unit:
                    continue  # a match not ending on a character boundary straddles characters
                e = (end + 1) // unit
                for k, v in tagged:
                    out[k].append((e - len(w), e, w, v))
        for hits in out:  # by start, then longest first: by end descending, then (stable) by start
            hits.sort(key=_END, reverse=True)
            hits.sort(key=_START)
        return tuple(map(tuple, out))

    def matcher(self, name: str) -> Matcher[Any]:
        """The hits of one list, as a Matcher."""
        if name not in self._index:
            raise KeyError(name)
        return Matcher.over(self, name)


class Matcher(Generic[V]):
    """Dictionary matching over a word → value mapping (an automaton built once, reused for every
    article), or over one list of a shared `Dictionaries`."""

    def __init__(self, entries: Mapping[str, V]) -> None:
        self._dicts = Dictionaries({"": entries})
        self._name = ""

    @classmethod
    def over(cls, dicts: Dictionaries, name: str) -> Matcher[V]:
        """The matcher of list `name` of `dicts`."""
        m = cls.__new__(cls)
        m._dicts, m._name = dicts, name
        return m

    def raw(self, text: str) -> tuple[Raw, ...]:
        """Every occurrence as (start, end, word, value), sorted by start then longest first."""
        return self._dicts.hits(self._name, text)

    def all(self, text: str) -> list[Hit[V]]:
        """Every occurrence of every word, sorted by start then longest first."""
        return [Hit(*h) for h in self.raw(text)]

    def longest_raw(self, text: str) -> list[Raw]:
        """Leftmost-longest, non-overlapping occurrences, as tuples."""
        out: list[Raw] = []
        last = -1
        for h in self.raw(text):
            if h[0] >= last:
                out.append(h)
                last = h[1]
        return out

    def longest(self, text: str) -> list[Hit[V]]:
        """Leftmost-longest, non-overlapping occurrences."""
        return [Hit(*h) for h in self.longest_raw(text)]


def alternation(words: Iterable[str]) -> str:
    """Regex source matching any of `words`, tried in the order given, behind a look-ahead for their
    first characters: the same matches as the bare alternation, but a position where no word can
    start costs one character-class test instead of one test per word."""
    listed = list(words)
    if not listed or not all(listed):  # no words, or an empty one: the bare alternation
        return "|".join(map(re.escape, listed))
    first = re.escape("".join(sorted({w[0] for w in listed})))
    return f"(?=[{first}])(?:{'|'.join(map(re.escape, listed))})"
