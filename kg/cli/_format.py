"""Printing query results as an aligned table, CSV or JSON (shared by `kg query`).

CSV is what a spreadsheet opens, so a text cell starting with = + - @ TAB or CR (which a spreadsheet
would run as a formula) gets a leading ' (OWASP, CSV injection); numbers stay as they are. JSON keeps
every value exact.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

import click

from kg.export.spreadsheet import spreadsheet_safe


class OutputFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _plain(value: object) -> object:
    """A JSON-ready value: numbers, strings, lists and dicts as they are, anything else as text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def _cell(value: object) -> str:
    """Table/CSV text of a value: lists and dicts as JSON, the rest with `str`."""
    if isinstance(value, list | tuple | dict):
        return json.dumps(_plain(value), ensure_ascii=False)
    return str(value)


_NEEDS_QUOTES = re.compile('[",\r\n]')


def _csv_line(fields: Sequence[str]) -> str:
    """One RFC 4180 record: a field holding a quote, comma, CR or LF is quoted, inner quotes doubled
    (Python's csv writer leaves a lone CR unquoted, which splits the record for every reader)."""
    return ",".join('"' + f.replace('"', '""') + '"' if _NEEDS_QUOTES.search(f) else f for f in fields)


def format_rows(columns: Sequence[str], rows: Sequence[Sequence[object]], fmt: OutputFormat) -> str:
    """Render rows in the chosen format; cells are shown with `str`, None as empty."""
    if fmt is OutputFormat.JSON:
        records = [dict(zip(columns, (_plain(v) for v in row), strict=False)) for row in rows]
        return json.dumps(records, ensure_ascii=False, indent=2)
    cells = [["" if v is None else _cell(v) for v in row] for row in rows]
    if fmt is OutputFormat.CSV:
        lines = [_csv_line([spreadsheet_safe(c, c) for c in columns])]
        lines += [_csv_line([spreadsheet_safe(v, c) for v, c in zip(row, texts, strict=False)])
                  for row, texts in zip(rows, cells, strict=True)]
        return "\n".join(lines)
    widths = [_width(c) for c in columns]
    for row in cells:
        widths = [max(w, _width(v)) for w, v in zip(widths, row, strict=False)]
    lines = [" | ".join(_pad(c, w) for c, w in zip(columns, widths, strict=False))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(_pad(v, w) for v, w in zip(row, widths, strict=False)) for row in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines)


def warn_if_incomplete(out: Path) -> None:
    """Tell the reader on stderr when OUT is being written or its last build did not finish."""
    from kg.runtime.lock import incomplete_warning

    warning = incomplete_warning(out)
    if warning:
        click.echo(warning, err=True)
