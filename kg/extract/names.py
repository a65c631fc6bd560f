"""Name boundaries: scan back from a suffix to where a written name starts (clause, verb, particle)."""

from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.lexicon import words
from kg.extract.matcher import alternation

NAME_CHARS = "\u4e00-\u9fff0-9A-Za-z·()（）"
_DEMONSTRATIVES = ("该", "本", "这个", "这", "此", "其")
_NAME_CHAR = re.compile(rf"[{NAME_CHARS}]")


@lru_cache(maxsize=1)
def _stops() -> re.Pattern[str]:
    tokens = sorted({*words("union_stop_infixes.txt"), *words("initiative_triggers.txt")}, key=len, reverse=True)
    quantity = r"[0-9零一二三四五六七八九十百千万]+[多余]?[名所家个位支批项场次户人座条]"
    return re.compile(rf"[^{NAME_CHARS}]|{quantity}|{alternation(tokens)}")


def scan_back(text: str, end: int, limit: int = 18) -> int:
    """Start of the name that ends at `end`: after the last boundary (punctuation, particle,
    trigger verb) in the `limit` characters before it."""
    lo = max(0, end - limit)
    start = lo
    for m in _stops().finditer(text, lo, end):
        start = max(start, m.end())
    if start == lo and lo > 0 and _NAME_CHAR.match(text, lo - 1):
        return end  # no boundary found within the limit: not a name we can delimit
    return start


def strip_demonstrative(base: str) -> tuple[str, int]:
    """Drop a leading 该/本/这 from a name base; returns the rest and how many characters went."""
    for d in _DEMONSTRATIVES:
        if base.startswith(d):
            return base[len(d) :], len(d)
    return base, 0
