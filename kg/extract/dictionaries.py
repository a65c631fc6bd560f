"""The word lists matched with Aho-Corasick (division table, worker groups, organisation suffixes and
names, programme brands, person titles), all in one automaton: one pass over a text serves every
finder of the article."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, TypeVar

from kg.extract.matcher import Dictionaries, Matcher

Loader = TypeVar("Loader", bound=Callable[[], Mapping[str, Any]])

_LOADERS: dict[str, Callable[[], Mapping[str, Any]]] = {}
"""Each list's loader by name, registered by the finder module that owns the list."""


def word_list(name: str) -> Callable[[Loader], Loader]:
    """Register the decorated function as the loader of list `name` (word → value) of the automaton."""

    def register(loader: Loader) -> Loader:
        if _LOADERS.setdefault(name, loader) is not loader:
            raise ValueError(f"two loaders for word list {name!r}")
        return loader

    return register


def word_lists() -> dict[str, Mapping[str, Any]]:
    """Every registered list by name (sorted, so the automaton is the same whatever the import order)."""
    return {name: _LOADERS[name]() for name in sorted(_LOADERS)}


@lru_cache(maxsize=1)
def automaton() -> Dictionaries:
    """Every list, loaded and merged once per process."""
    return Dictionaries(word_lists())


def matcher(name: str) -> Matcher[Any]:
    """The matcher of one list of the shared automaton."""
    return automaton().matcher(name)
