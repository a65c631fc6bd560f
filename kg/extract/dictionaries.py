"""The word lists matched with Aho-Corasick (division table, worker groups, organisation suffixes and
names, programme brands, person titles), all in one automaton: one pass over a text serves every
finder of the article."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from kg.extract.matcher import Dictionaries, Matcher


def word_lists() -> dict[str, Any]:
    """Each list by name, read from its finder's module."""
    from kg.extract import groups, initiatives, orgs, persons, regions

    return {
        "regions": regions.table_words(),
        "groups": groups.taxonomy(),
        "org_suffixes": orgs.suffix_words(),
        "org_names": orgs.name_words(),
        "brands": initiatives.brand_words(),
        "titles": persons.title_words(),
        "speech": persons.speech_words(),
    }


@lru_cache(maxsize=1)
def shared() -> Dictionaries:
    """Every list, loaded and merged once per process."""
    return Dictionaries(word_lists())


def matcher(name: str) -> Matcher[Any]:
    """The matcher of one list of the shared automaton."""
    return shared().matcher(name)
