"""Cells of the CSV files meant for spreadsheets (`kg query --format csv`, the triples table): text a
spreadsheet would run as a formula gets a leading ' (OWASP CSV injection)."""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a CSV cell as a formula (OWASP CSV injection)."""


def spreadsheet_safe(value: object, text: str) -> str:
    """`text` (the CSV cell of `value`) with a leading ' when it is text a spreadsheet would run as a formula."""
    if isinstance(value, bool | int | float):
        return text
    return "'" + text if text.startswith(FORMULA_START) else text
