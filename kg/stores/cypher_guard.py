"""Which Cypher statements `kg query cypher` runs: one read query, its clauses taken from an allow-list.

The store is opened read-only, but LadybugDB still runs some statements on it that write: CHECKPOINT
leaves .wal/.shadow files that block every later open, `COPY (…) TO 'file'` overwrites any file, LOAD
FROM reads any file, INSTALL downloads. So before a statement reaches the engine it is cut into tokens
the way the engine's lexer cuts it (strings, `quoted` names, comments, numbers, words), and:

- it is one statement (a `;` only at the end);
- its first word and every word that can begin a clause or a statement in LadybugDB's grammar are
  one of READ_CLAUSES (a word used as a property, label, map key, parameter or `AS` name is a name);
- a CALL names one of READ_FUNCTIONS (catalogue functions that only read).
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from kg.errors import QueryError

READ_CLAUSES = frozenset({"MATCH", "OPTIONAL", "WITH", "UNWIND", "RETURN", "UNION", "CALL"})
"""The clauses a query may use (ORDER BY, SKIP, LIMIT, WHERE, DISTINCT … belong to these)."""

READ_FUNCTIONS = frozenset({"show_tables", "table_info", "show_connection", "db_version", "show_functions"})
"""The table functions `CALL f(…)` may name: they list the catalogue and change nothing."""

CLAUSE_WORDS = frozenset({
    # clauses of a query (LadybugDB's oC_ReadingClause, oC_UpdatingClause, oC_With, oC_Return, oC_Union,
    # oC_MergeAction) and openCypher's other writing clauses
    "MATCH", "OPTIONAL", "UNWIND", "CALL", "LOAD", "CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE",
    "FOREACH", "WITH", "RETURN", "UNION", "ON",
    # the first words of LadybugDB's other statements (oC_Statement, oC_AnyCypherOption)
    "ANALYZE", "DROP", "ALTER", "COPY", "COMMENT", "BEGIN", "COMMIT", "COMMIT_SKIP_CHECKPOINT", "ROLLBACK",
    "ROLLBACK_SKIP_CHECKPOINT", "CHECKPOINT", "FORCE", "INSTALL", "UNINSTALL", "UPDATE", "EXPORT", "IMPORT",
    "ATTACH", "USE", "EXPLAIN", "PROFILE",
})
"""Every word that can begin a clause or a statement in LadybugDB 0.22's grammar (src/antlr4/Cypher.g4)."""

_WHAT = ("MATCH, OPTIONAL MATCH, WITH, UNWIND, RETURN (with WHERE, ORDER BY, SKIP, LIMIT), UNION, "
         "CALL " + "/".join(sorted(READ_FUNCTIONS)) + "()")


class Token(NamedTuple):
    kind: str  # "word", "name" (a `quoted` name), "string", "number" or "punct"
    text: str


_NUMBER = re.compile(r"[0-9]*\.[0-9]+(?:[eE]-?[0-9]+)?|[0-9]+(?:[eE]-?[0-9]+)?")


def _word_start(char: str) -> bool:
    return char.isidentifier() or unicodedata.category(char) == "Pc"


def _word_part(char: str) -> bool:
    return ("a" + char).isidentifier() or unicodedata.category(char) in ("Pc", "Sc")


def _end_of_string(query: str, start: int) -> int:
    """Index after the string literal opening at `start` (a backslash escapes the next character)."""
    quote, i = query[start], start + 1
    while i < len(query):
        if query[i] == "\\":
            i += 2
        elif query[i] == quote:
            return i + 1
        else:
            i += 1
    raise QueryError("unterminated string in the Cypher query")


def tokens(query: str) -> list[Token]:
    """The query's tokens, without spaces and comments, cut as LadybugDB's lexer cuts them."""
    out: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        char = query[i]
        if char.isspace():
            i += 1
        elif query.startswith("//", i):
            ends = [j for j in (query.find("\n", i), query.find("\r", i)) if j >= 0]
            i = min(ends) if ends else n
        elif query.startswith("/*", i):
            end = query.find("*/", i + 2)
            if end < 0:
                raise QueryError("unterminated /* comment in the Cypher query")
            i = end + 2
        elif char in "'\"":
            end = _end_of_string(query, i)
            out.append(Token("string", query[i:end]))
            i = end
        elif char == "`":
            end = query.find("`", i + 1)
            while end >= 0 and query.startswith("``", end):  # a doubled backtick continues the name
                end = query.find("`", end + 2)
            if end < 0:
                raise QueryError("unterminated `name` in the Cypher query")
            out.append(Token("name", query[i : end + 1]))
            i = end + 1
        elif (number := _NUMBER.match(query, i)) is not None:
            out.append(Token("number", number.group()))
            i = number.end()
        elif _word_start(char):
            j = i + 1
            while j < n and _word_part(query[j]):
                j += 1
            out.append(Token("word", query[i:j]))
            i = j
        else:
            out.append(Token("punct", char))
            i += 1
    return out


def _is_name(toks: list[Token], i: int) -> bool:
    """Whether the word at `i` stands where the grammar wants a name: a property (`n.x`), a label or
    type (`:X`), a parameter (`$x`), a map key or a variable before its label (`x:`), an `AS x`."""
    before = toks[i - 1] if i else None
    after = toks[i + 1] if i + 1 < len(toks) else None
    if before is not None and before.kind == "punct" and before.text in ".:$":
        return True
    if before is not None and before.kind == "word" and before.text.upper() == "AS":
        return True
    return after is not None and after.kind == "punct" and after.text == ":"


def check_read_only(query: str) -> None:
    """Raise QueryError (exit 4) unless `query` is one read query whose clauses are all allowed."""
    toks = tokens(query)
    if toks and toks[-1] == Token("punct", ";"):
        toks.pop()
    if not toks:
        raise QueryError("empty Cypher query")
    if Token("punct", ";") in toks:
        raise QueryError("kg query cypher runs one statement at a time: remove the ';' between statements")
    first = toks[0]
    if first.kind != "word" or first.text.upper() not in READ_CLAUSES:
        raise QueryError(f"kg query cypher only reads: {first.text!r} is not allowed; a query starts with "
                         f"one of {_WHAT}")
    for i, tok in enumerate(toks):
        if tok.kind != "word" or _is_name(toks, i):
            continue
        word = tok.text.upper()
        if word in CLAUSE_WORDS and word not in READ_CLAUSES:
            raise QueryError(f"kg query cypher only reads: {tok.text!r} is not allowed (allowed: {_WHAT})")
        if word == "CALL":
            _check_call(toks, i)


def _check_call(toks: list[Token], i: int) -> None:
    """CALL must name an allow-listed table function and call it: `CALL show_tables()`."""
    name = toks[i + 1] if i + 1 < len(toks) else None
    opens = toks[i + 2] if i + 2 < len(toks) else None
    if (name is None or name.kind != "word" or name.text.lower() not in READ_FUNCTIONS
            or opens != Token("punct", "(")):
        shown = name.text if name is not None else ""
        raise QueryError(f"kg query cypher only reads: CALL {shown!r} is not allowed; CALL may name "
                         + ", ".join(f"{f}()" for f in sorted(READ_FUNCTIONS)))
