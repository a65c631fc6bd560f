"""Sentence and clause spans of an article body (offsets into the body, never copies)."""

from __future__ import annotations

import re

Span = tuple[int, int]

_SENT_END = re.compile(r"[。！？!?；;…\n]+[”’」』)）]*")
_CLAUSE_END = re.compile(r"[，,：:、]")


def _split(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[Span]:
    spans: list[Span] = []
    pos = start
    for m in pattern.finditer(text, start, end):
        if m.end() > pos:
            spans.append((pos, m.end()))
        pos = m.end()
    if pos < end:
        spans.append((pos, end))
    return [(s, e) for s, e in (_strip(text, s, e) for s, e in spans) if e > s]


def _strip(text: str, s: int, e: int) -> Span:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def sentences(text: str) -> list[Span]:
    """Sentence spans: cut after 。！？；… and line breaks (closing quotes stay with their sentence)."""
    return _split(text, 0, len(text), _SENT_END)


def clauses(text: str, span: Span) -> list[Span]:
    """Clause spans inside one sentence: cut after commas, colons and 、."""
    return _split(text, span[0], span[1], _CLAUSE_END)


def paragraphs(text: str) -> list[Span]:
    """Paragraph spans: cut at line breaks."""
    return _split(text, 0, len(text), re.compile(r"\n+"))
