"""Reading JSON-lines files a user may hand kg (gold files, a graph.jsonl cut short): every way a line can
be unusable is one InputError naming the file and line, never a traceback."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""A \\u escape of a UTF-16 surrogate: fine in a pair, half a character alone."""


def parse_line(path: Path, number: int, line: str) -> dict:
    """One line as a JSON object; InputError for bad JSON, nesting too deep for Python's parser, a
    number over Python's digit limit, a lone surrogate, or a value that is not an object."""
    where = f"{path}:{number}"
    try:
        record = json.loads(line)
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, or an integer of more than 4300 digits
        raise InputError(f"{where}: not JSON ({str(exc).split(';')[0]})") from None
    if _SURROGATE_ESCAPE.search(line):
        try:
            json.dumps(record, ensure_ascii=False).encode("utf-8")
        except (UnicodeEncodeError, RecursionError):
            raise InputError(f"{where}: a \\u escape stands for half a character (a lone UTF-16 surrogate)") from None
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object per line")
    return record


def read_records(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, object) for every non-blank line of a UTF-8 JSON-lines file."""
    if not path.is_file():
        raise InputError(f"{path} not found")
    try:
        with path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if line.strip():
                    yield number, parse_line(path, number, line)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
