"""Trigger words of the relation rules: runs verbs (开展/推出/打造 …) and serve cues (为/针对/关爱 …)."""

from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.initiatives import _trigger_re
from kg.extract.lexicon import alias_list, column, load, words


def has_trigger(text: str, span: tuple[int, int]) -> bool:
    """True when text[span] contains a runs trigger verb."""
    return _trigger_re().search(text, span[0], span[1]) is not None


@lru_cache(maxsize=1)
def serve_cues() -> re.Pattern[str]:
    """Alternation of the serve cue words (longest first)."""
    return re.compile("|".join(map(re.escape, sorted(set(words("serve_triggers.txt")), key=len, reverse=True))))


@lru_cache(maxsize=1)
def provider_cues() -> dict[str, re.Pattern[str]]:
    """Provider groups (劳动模范 …) → the strong cues that alone make them a served group."""
    out: dict[str, re.Pattern[str]] = {}
    for row in load("provider_groups.tsv"):
        cues = sorted(alias_list(column(row, 1)), key=len, reverse=True)
        out[row[0]] = re.compile("|".join(map(re.escape, cues)) or r"(?!)")
    return out
