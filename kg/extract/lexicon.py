"""Load the rule data of schema/lexicon/: one loader for every file (rules are data, not code).

A `.tsv` file declares its columns in a header line, e.g. `# columns: canonical, aliases (|), broader`:
a name marked `(|)` holds a `|`-separated list. Every row is checked against it, so a malformed line
(too many columns, an empty first column, a list written with commas) fails with file and line number
instead of silently matching nothing. A `.txt` file is a word list: one column, words separated by
white space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg.errors import SchemaError
from kg.settings import LEXICON_DIR

_DECLARATION = "# columns:"
_WRONG_LIST_SEPARATORS = re.compile(r"[,，、;；]")


@dataclass(frozen=True)
class Columns:
    """The column layout a lexicon file declares: names, and which of them hold `|` lists."""

    names: tuple[str, ...]
    lists: frozenset[int]

    @classmethod
    def parse(cls, declaration: str) -> Columns:
        names, lists = [], set()
        for i, raw in enumerate(part.strip() for part in declaration.split(",")):
            if raw.endswith("(|)"):
                lists.add(i)
                raw = raw[:-3].strip()
            names.append(raw)
        return cls(tuple(names), frozenset(lists))


WORD_LIST = Columns(("words",), frozenset())


def _check(path: Path, lineno: int, row: tuple[str, ...], columns: Columns) -> None:
    where = f"{path.name}:{lineno}"
    if len(row) > len(columns.names):
        raise SchemaError(
            f"{where}: {len(row)} tab-separated columns, the file declares {len(columns.names)} "
            f"({', '.join(columns.names)})"
        )
    if not row[0]:
        raise SchemaError(f"{where}: the first column ({columns.names[0]}) is empty")
    for i, cell in enumerate(row):
        if i in columns.lists and _WRONG_LIST_SEPARATORS.search(cell):
            raise SchemaError(f"{where}: column '{columns.names[i]}' is a list: separate its values with |")
        if i not in columns.lists and "|" in cell:
            raise SchemaError(f"{where}: column '{columns.names[i]}' holds one value, but has a |")


def read_rows(path: Path) -> tuple[tuple[str, ...], ...]:
    """Rows of one lexicon file, checked against its declared columns (SchemaError if malformed)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    columns = WORD_LIST
    if path.suffix == ".tsv":
        declared = [line[len(_DECLARATION):] for line in lines if line.startswith(_DECLARATION)]
        if len(declared) != 1:
            raise SchemaError(f"{path.name}: a .tsv lexicon needs one '{_DECLARATION} a, b (|), …' header line")
        columns = Columns.parse(declared[0])
    rows: list[tuple[str, ...]] = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        row = tuple(col.strip() for col in line.split("\t"))
        _check(path, lineno, row, columns)
        rows.append(row)
    return tuple(rows)


@cache
def load(name: str) -> tuple[tuple[str, ...], ...]:
    """Rows of schema/lexicon/<name>: '#' header lines and blank lines skipped, columns split on tabs.

    Trailing empty columns are kept, so a row always has the width its header describes
    (missing columns read as "").
    """
    return read_rows(LEXICON_DIR / name)


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
