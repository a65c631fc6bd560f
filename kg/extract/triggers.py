"""Trigger words of the relation rules: runs verbs (开展/推出/打造 …) and serve cues (为/针对/关爱 …)."""

from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.initiatives import trigger_re
from kg.extract.lexicon import alias_list, column, load, words


def has_trigger(text: str, span: tuple[int, int]) -> bool:
    """True when text[span] contains a runs trigger verb."""
    return trigger_re().search(text, span[0], span[1]) is not None


def _cue_pattern(cues: list[str] | tuple[str, ...]) -> re.Pattern[str]:
    """Cue alternation (longest first) behind a named `block` group of the blocker words (作为, 成为 …):
    a match in group `block` is not a cue."""
    blockers = "|".join(map(re.escape, sorted(set(words("serve_cue_blockers.txt")), key=len, reverse=True)))
    alts = "|".join(map(re.escape, sorted(set(cues), key=len, reverse=True))) or r"(?!)"
    return re.compile(f"(?P<block>{blockers})|{alts}" if blockers else alts)


@lru_cache(maxsize=1)
def serve_cues() -> re.Pattern[str]:
    """Alternation of the serve cue words (longest first), blocker words first."""
    return _cue_pattern(words("serve_triggers.txt"))


@lru_cache(maxsize=1)
def provider_cues() -> dict[str, re.Pattern[str]]:
    """Provider groups (劳动模范 …) → the strong cues that alone make them a served group."""
    out: dict[str, re.Pattern[str]] = {}
    for row in load("provider_groups.tsv"):
        out[row[0]] = _cue_pattern(alias_list(column(row, 1)))
    return out


@lru_cache(maxsize=1)
def user_modals() -> re.Pattern[str]:
    """ "Can use" words after a group opening its clause (可/能/凭 …), optionally behind 们/都/也/还/就/均."""
    alts = "|".join(map(re.escape, sorted(set(words("serve_user_modals.txt")), key=len, reverse=True)))
    return re.compile(f"们?[都也还就均]?(?:{alts})")


@lru_cache(maxsize=1)
def directive_openers() -> re.Pattern[str]:
    """Words opening a directive sentence (要/必须 …), behind an optional opening quote."""
    alts = "|".join(map(re.escape, sorted(set(words("directive_openers.txt")), key=len, reverse=True)))
    return re.compile(f'[“"「]?(?:{alts})')


@lru_cache(maxsize=1)
def facility_heads() -> re.Pattern[str]:
    """Facility nouns that a worker group written right before them modifies (服务驿站, 站点 …)."""
    alts = "|".join(map(re.escape, sorted(set(words("group_facility_heads.txt")), key=len, reverse=True)))
    return re.compile(alts or r"(?!)")


@lru_cache(maxsize=1)
def means_words() -> re.Pattern[str]:
    """Words introducing a resource used rather than an initiative run (依托, 利用, 通过 …)."""
    alts = "|".join(map(re.escape, sorted(set(words("means_words.txt")), key=len, reverse=True)))
    return re.compile(alts or r"(?!)")
