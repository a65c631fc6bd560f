"""Load the rule data of schema/lexicon/: one loader for every file (rules are data, not code)."""

from __future__ import annotations

from functools import cache

from kg.settings import LEXICON_DIR


@cache
def load(name: str) -> tuple[tuple[str, ...], ...]:
    """Rows of schema/lexicon/<name>: '#' header lines and blank lines skipped, columns split on tabs.

    Trailing empty columns are kept, so a row always has the width its header describes
    (missing columns read as "").
    """
    rows: list[tuple[str, ...]] = []
    for line in (LEXICON_DIR / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(tuple(col.strip() for col in line.split("\t")))
    return tuple(rows)


def words(name: str) -> tuple[str, ...]:
    """The first column of every row of a one-word-per-line (or whitespace-separated) list file."""
    out: list[str] = []
    for row in load(name):
        out.extend(row[0].split())
    return tuple(out)


def column(row: tuple[str, ...], i: int) -> str:
    """Column `i` of a lexicon row, "" when the row is shorter."""
    return row[i] if i < len(row) else ""


def alias_list(cell: str) -> tuple[str, ...]:
    """A '|' separated alias cell as a tuple (empty cell → empty tuple)."""
    return tuple(a for a in (x.strip() for x in cell.split("|")) if a)
