"""`kg query sparql` reads the local store only: a SERVICE clause (which makes Oxigraph send the query to
any server it names) is refused before the query runs.

The check skips strings, IRIs and comments the way a SPARQL lexer does and then refuses every
`service` left, but the one inside a variable's name (`?service`) or a prefixed name's local part
(`ex:service`): Oxigraph's parser finds the keyword without a space around it (`1SERVICE <…>`, `.SERVICE`,
`SERVICE:x{…}` all parse as SERVICE), so a stricter test than "a separate word" is needed.
"""

from __future__ import annotations

import re

from kg.errors import QueryError

_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_SERVICE = re.compile(r"service", re.IGNORECASE)
_NAME_CHAR = re.compile(r"\w")


def _end_of_string(query: str, start: int) -> int:
    """Index after the string literal at `start` ('…', "…", '''…''' or \"\"\"…\"\"\"; backslash escapes)."""
    quote = query[start] * 3 if query.startswith(query[start] * 3, start) else query[start]
    i = start + len(quote)
    while i < len(query):
        if query[i] == "\\":
            i += 2
        elif query.startswith(quote, i):
            return i + len(quote)
        else:
            i += 1
    raise QueryError("unterminated string in the SPARQL query")


def code_parts(query: str) -> list[tuple[int, str]]:
    """The stretches of `query` outside strings, IRIs and comments, each with its start index."""
    parts: list[tuple[int, str]] = []
    i = start = 0
    while i < len(query):
        char = query[i]
        iri = _IRI.match(query, i) if char == "<" else None
        if iri is None and char not in "'\"#":
            i += 1
            continue
        parts.append((start, query[start:i]))
        if iri is not None:
            i = iri.end()
        elif char == "#":
            ends = [j for j in (query.find("\n", i), query.find("\r", i)) if j >= 0]
            i = min(ends) if ends else len(query)
        else:
            i = _end_of_string(query, i)
        start = i
    parts.append((start, query[start:]))
    return parts


def _in_a_name(query: str, at: int) -> bool:
    """Whether the word characters around `at` are a variable's name or a prefixed name's local part."""
    while at > 0 and _NAME_CHAR.match(query[at - 1]):
        at -= 1
    return at > 0 and query[at - 1] in "?$:"


def check_no_service(query: str) -> None:
    """Raise QueryError (exit 4) when the query holds a SERVICE clause (a federated query)."""
    for start, text in code_parts(query):
        for found in _SERVICE.finditer(text):
            if not _in_a_name(query, start + found.start()):
                raise QueryError("kg query sparql reads only the local store: SERVICE (a query sent to "
                                 "another server) is not allowed")
