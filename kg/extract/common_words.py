"""Frequent ordinary words from jieba's dictionary (one read per process, no segmentation pass):
used to tell a name boundary from a word that runs across it (真金白银, 新乡贤, 王强决定)."""

from __future__ import annotations

from functools import lru_cache

from kg.package_files import package_file

MIN_FREQ = 300
PROPER_TAGS = frozenset({"ns", "nr", "nrt", "nrfg", "nz", "nt", "j"})


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Words of 2–4 characters with frequency ≥ MIN_FREQ whose tag is not a proper noun."""
    path = package_file("jieba", "dict.txt")
    out: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if (
                len(parts) == 3
                and 2 <= len(parts[0]) <= 4
                and parts[2] not in PROPER_TAGS
                and int(parts[1]) >= MIN_FREQ
            ):
                out.add(parts[0])
    return frozenset(out)


def crossing_word(text: str, start: int, end: int) -> str:
    """A common word that runs across the boundary of text[start:end] or strictly contains it ("")."""
    words = common_words()
    for i in range(max(0, start - 3), end):
        for n in (4, 3, 2):
            j = i + n
            if j <= start or (i >= start and j <= end):
                continue
            if (i, j) == (start, end):
                continue
            if text[i:j] in words and (i < start < j or i < end < j or (i <= start and end <= j)):
                return text[i:j]
    return ""


def is_common(word: str) -> bool:
    """True when `word` is a frequent ordinary word (not a proper noun) of jieba's dictionary."""
    return word in common_words()


def all_common(text: str) -> bool:
    """True when `text` splits entirely into frequent ordinary words (greedy longest match from
    the left), i.e. it describes rather than names."""
    words = common_words()
    i = 0
    while i < len(text):
        for n in (4, 3, 2):
            if text[i : i + n] in words:
                i += n
                break
        else:
            return False
    return bool(text)
