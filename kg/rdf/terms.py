"""RDF terms read straight from their N-Triples text: kind, lexical form, datatype, well-formedness,
and SPARQL's `<` / `<=` on them.

kg holds every term as an N-Triples string (kg.rdf.convert), so the SHACL core checks read them here
instead of loading a SPARQL store. Comparison follows SPARQL operator semantics: numbers by value across
the numeric datatypes (with SPARQL's type promotion), strings by code point, booleans false < true,
non-literals are errors; any other pair of literals (dates, durations, language strings …) is left to
Oxigraph (`sparql_less`).
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache

import pyoxigraph as ox

from kg.rdf.vocab import PREFIXES

XSD = PREFIXES["xsd"]
XSD_STRING = XSD + "string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_INTEGER_RANGES: dict[str, tuple[float, float]] = {
    "integer": (-math.inf, math.inf), "nonPositiveInteger": (-math.inf, 0), "negativeInteger": (-math.inf, -1),
    "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1), "short": (-2**15, 2**15 - 1), "byte": (-128, 127),
    "nonNegativeInteger": (0, math.inf), "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1), "unsignedByte": (0, 255), "positiveInteger": (1, math.inf)}
INTEGER_TYPES = {XSD + name: bounds for name, bounds in _INTEGER_RANGES.items()}
"""xsd:integer and the datatypes derived from it (all numeric in SPARQL), with their value ranges."""

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_FLOATING = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([Ee][+-]?[0-9]+)?|[+-]?INF|NaN")
_BOOLEAN = re.compile(r"true|false|1|0")
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}

Number = tuple[int, int | Decimal | float]
"""A numeric value with its SPARQL promotion rank: 0 integer or decimal (exact), 1 xsd:float, 2 xsd:double."""


def is_iri(term: str) -> bool:
    return term[:1] == "<"


def is_blank(term: str) -> bool:
    return term[:2] == "_:"


def is_literal(term: str) -> bool:
    return term[:1] == '"'


def _unescape_one(match: re.Match[str]) -> str:
    code = match.group(1) or match.group(2)
    return chr(int(code, 16)) if code else _ECHAR.get(match.group(3), match.group(0))


def unescape(text: str) -> str:
    """N-Triples string/IRI escapes (ECHAR, \\uXXXX, \\UXXXXXXXX) resolved."""
    return _ESCAPE.sub(_unescape_one, text) if "\\" in text else text


def split_literal(term: str) -> tuple[str, str, str]:
    """(escaped lexical form, language tag or "", datatype IRI) of a literal term: a plain literal is an
    xsd:string, a language-tagged one an rdf:langString."""
    end = term.rindex('"')  # neither a language tag nor an IRI can hold a quote
    rest = term[end + 1:]
    if not rest:
        return term[1:end], "", XSD_STRING
    if rest[0] == "@":
        return term[1:end], rest[1:], LANG_STRING
    return term[1:end], "", rest[3:-1]


def datatype(term: str) -> str | None:
    """The datatype IRI of a literal term, None for an IRI or a blank node."""
    return split_literal(term)[2] if is_literal(term) else None


def string_value(term: str) -> str:
    """SPARQL STR(): the unescaped lexical form of a literal, the text of an IRI (not for blank nodes)."""
    return unescape(split_literal(term)[0] if is_literal(term) else term[1:-1])


def well_formed(lexical: str, datatype_iri: str) -> bool:
    """Is the (unescaped) lexical form in the lexical space of the datatype? True for datatypes not checked
    here (any string is a valid xsd:string or rdf:langString)."""
    if datatype_iri == XSD_STRING or datatype_iri == LANG_STRING:
        return True
    bounds = INTEGER_TYPES.get(datatype_iri)
    if bounds is not None:
        return _INTEGER.fullmatch(lexical) is not None and bounds[0] <= int(lexical) <= bounds[1]
    if datatype_iri == XSD + "decimal":
        return _DECIMAL.fullmatch(lexical) is not None
    if datatype_iri in (XSD + "double", XSD + "float"):
        return _FLOATING.fullmatch(lexical) is not None
    if datatype_iri == XSD + "boolean":
        return _BOOLEAN.fullmatch(lexical) is not None
    return True


def _single(value: float) -> float:
    """The value rounded to an IEEE single (xsd:float)."""
    try:
        return struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:
        return math.copysign(math.inf, value)


@lru_cache(maxsize=1 << 16)
def number(term: str) -> Number | None:
    """The value of a well-formed literal of a SPARQL numeric datatype, else None."""
    if not is_literal(term):
        return None
    text, _, dt = split_literal(term)
    if dt in INTEGER_TYPES:
        return (0, int(text)) if _INTEGER.fullmatch(text) else None
    if dt == XSD + "decimal":
        return (0, Decimal(text)) if _DECIMAL.fullmatch(text) else None
    if dt in (XSD + "double", XSD + "float"):
        if not _FLOATING.fullmatch(text):
            return None
        value = float(text)
        return (2, value) if dt == XSD + "double" else (1, _single(value))
    return None


def _promoted(value: int | Decimal | float, rank: int) -> int | Decimal | float:
    if rank == 0:
        return value
    try:
        wide = float(value)
    except OverflowError:
        wide = math.copysign(math.inf, value)
    return wide if rank == 2 else _single(wide)


def _less_numbers(a: Number, b: Number, or_equal: bool) -> bool:
    rank = max(a[0], b[0])
    x, y = _promoted(a[1], rank), _promoted(b[1], rank)
    return x <= y if or_equal else x < y


def less(a: str, b: str, or_equal: bool = False) -> bool | None:
    """SPARQL `a < b` (or `a <= b`) with an error read as false; None when the pair needs a SPARQL engine
    (two literals that are neither both numbers nor both strings)."""
    if not (is_literal(a) and is_literal(b)):
        return False
    x, y = number(a), number(b)
    if x is not None and y is not None:
        return _less_numbers(x, y, or_equal)
    sa, sb = split_literal(a), split_literal(b)
    if sa[2] == XSD_STRING and sb[2] == XSD_STRING:
        left, right = unescape(sa[0]), unescape(sb[0])
        return left <= right if or_equal else left < right
    if sa[2] == sb[2] == XSD + "boolean" and well_formed(sa[0], sa[2]) and well_formed(sb[0], sb[2]):
        left, right = sa[0] in ("true", "1"), sb[0] in ("true", "1")  # op:boolean-less-than (Oxigraph errs)
        return left <= right if or_equal else left < right
    return None


_CMP = "urn:kg:compare:"


def sparql_less(pairs: Sequence[tuple[str, str, bool]]) -> list[bool]:
    """`less` for (a, b, or_equal) pairs of literals it leaves open, decided by Oxigraph (one in-memory
    store, one query): SPARQL's own operator, an error read as false."""
    if not pairs:
        return []
    lines = []
    for i, (a, b, or_equal) in enumerate(pairs):
        node, op = f"<{_CMP}{i}>", "le" if or_equal else "lt"
        lines += [f"{node} <{_CMP}a> {a} .", f"{node} <{_CMP}b> {b} .", f'{node} <{_CMP}op> "{op}" .']
    store = ox.Store()
    store.bulk_load(("\n".join(lines) + "\n").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, lenient=True)
    query = (f"SELECT ?i WHERE {{ ?i <{_CMP}a> ?a ; <{_CMP}b> ?b ; <{_CMP}op> ?op . "
             f'FILTER (COALESCE(IF(?op = "le", ?a <= ?b, ?a < ?b), false)) }}')
    held = {row["i"].value for row in store.query(query)}
    return [f"{_CMP}{i}" in held for i in range(len(pairs))]
