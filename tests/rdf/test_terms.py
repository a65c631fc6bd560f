"""N-Triples terms read as text: lexical forms, datatypes, well-formedness and SPARQL's ordering."""

from __future__ import annotations

import pytest

from kg.rdf.convert import literal
from kg.rdf.terms import (
    LANG_STRING,
    XSD,
    XSD_STRING,
    datatype,
    less,
    number,
    sparql_less,
    split_literal,
    string_value,
    unescape,
    well_formed,
)


@pytest.mark.parametrize("text", ['"', "\\", "a\nb\r\t", "\b\f\u0001\u007f", "é中😀", '\\u0041 "quoted"'])
def test_string_value_undoes_kg_escapes(text: str) -> None:
    assert string_value(literal(text)) == text
    assert string_value(literal(text, "zh")) == text


@pytest.mark.parametrize(("escaped", "text"), [
    (r"\u00E9", "é"), (r"\U0001F600", "😀"), (r"\\u0041", r"\u0041"), (r"\'", "'"), ("plain", "plain")])
def test_unescape(escaped: str, text: str) -> None:
    assert unescape(escaped) == text


@pytest.mark.parametrize(("term", "parts"), [
    ('"a\\"b"', ('a\\"b', "", XSD_STRING)),
    ('"x"@zh-hant', ("x", "zh-hant", LANG_STRING)),
    (f'"5"^^<{XSD}integer>', ("5", "", XSD + "integer")),
])
def test_split_literal(term: str, parts: tuple[str, str, str]) -> None:
    assert split_literal(term) == parts
    assert datatype(term) == parts[2]


def test_non_literals() -> None:
    assert datatype("<http://example.org/a>") is None and datatype("_:b0") is None
    assert string_value("<http://example.org/a>") == "http://example.org/a"
    assert number("<http://example.org/a>") is None


@pytest.mark.parametrize(("lexical", "name", "ok"), [
    ("-05", "integer", True), ("+1", "integer", True), ("1.0", "integer", False), (" 1", "integer", False),
    ("300", "byte", False), ("-1", "nonNegativeInteger", False), ("0", "positiveInteger", False),
    (".5", "decimal", True), ("1.", "decimal", True), ("1e3", "decimal", False),
    ("1e3", "double", True), ("-INF", "float", True), ("NaN", "double", True), ("inf", "double", False),
    ("1", "boolean", True), ("yes", "boolean", False), ("anything", "string", True), ("anything", "date", True),
])
def test_well_formed(lexical: str, name: str, ok: bool) -> None:
    assert well_formed(lexical, XSD + name) is ok


def _typed(value: str, name: str) -> str:
    return f'"{value}"^^<{XSD}{name}>'


@pytest.mark.parametrize(("a", "b", "or_equal", "expected"), [
    (_typed("1", "integer"), _typed("1.5", "decimal"), False, True),
    (_typed("2", "integer"), _typed("2.0", "decimal"), False, False),
    (_typed("2", "integer"), _typed("2.0", "decimal"), True, True),
    (_typed("0.1", "decimal"), _typed("0.1", "double"), True, True),  # promoted to double: equal
    (_typed("0.1", "double"), _typed("0.1", "float"), False, True),  # a float widened is not the same double
    (_typed("NaN", "double"), _typed("1", "integer"), True, False),
    (_typed("5", "int"), _typed("6", "unsignedByte"), False, True),
    ('"a"', '"b"', False, True), ('"b"', f'"a"^^<{XSD_STRING}>', True, False),
    (_typed("false", "boolean"), _typed("1", "boolean"), False, True),
    (_typed("true", "boolean"), _typed("0", "boolean"), True, False),
    ('"1"', _typed("2", "integer"), False, None),  # a string and a number: Oxigraph decides (an error)
    (_typed("x", "integer"), _typed("2", "integer"), False, None),  # ill-typed
    ("<http://example.org/a>", "<http://example.org/b>", False, False),
    ("_:b0", '"a"', False, False),
])
def test_less(a: str, b: str, or_equal: bool, expected: bool | None) -> None:
    assert less(a, b, or_equal) is expected


def test_sparql_less_decides_the_rest_like_sparql() -> None:
    pairs = [
        (_typed("2020-01-01", "date"), _typed("2021-01-01", "date"), False),
        (_typed("2021-01-01T00:00:00Z", "dateTime"), _typed("2021-01-01T01:00:00+02:00", "dateTime"), False),
        (_typed("P1D", "duration"), _typed("PT25H", "duration"), False),
        ('"b"@en', '"a"@en', True),
        ('"1"', _typed("2", "integer"), False),
        (_typed("x", "integer"), _typed("2", "integer"), True),
        (literal("a\"\n\u0001"), _typed("1", "integer"), True),
    ]
    assert sparql_less(pairs) == [True, False, True, False, False, False, False]
    assert sparql_less([]) == []
