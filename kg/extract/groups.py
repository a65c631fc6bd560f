"""WorkerGroup mentions from the taxonomy file (canonical names, synonyms, broader groups)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from kg.extract import dictionaries
from kg.extract.lexicon import alias_list, column, load
from kg.extract.matcher import Matcher
from kg.model import quick_init


@quick_init
@dataclass(frozen=True)
class GroupHit:
    """A worker group written in the body, with its canonical name and broader group ("" if none)."""

    start: int
    end: int
    text: str
    name: str
    broader: str = ""


@dictionaries.word_list("groups")
@lru_cache(maxsize=1)
def taxonomy() -> dict[str, tuple[str, str]]:
    """surface → (canonical, broader) for every canonical name and alias of the taxonomy."""
    out: dict[str, tuple[str, str]] = {}
    for r in load("worker_groups.tsv"):
        canonical, broader = r[0], column(r, 2)
        out[canonical] = (canonical, broader)
        for a in alias_list(column(r, 1)):
            out.setdefault(a, (canonical, broader))
    return out


@lru_cache(maxsize=1)
def _matcher() -> Matcher[tuple[str, str]]:
    return dictionaries.matcher("groups")


def find_groups(text: str) -> list[GroupHit]:
    """Leftmost-longest taxonomy matches in `text`."""
    return [GroupHit(s, e, w, v[0], v[1]) for s, e, w, v in _matcher().longest_raw(text)]
