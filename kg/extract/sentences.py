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


MAX_SENTENCE = 500
"""Longest sentence span, in characters: a run of text with no sentence end (a scraped line of a
million characters) is cut at its last comma before the limit, or at the limit, so the relation rules
that scan back to a clause start stay linear in the text's length. News sentences are far shorter."""


def _capped(text: str, s: int, e: int) -> list[Span]:
    out: list[Span] = []
    while e - s > MAX_SENTENCE:
        cut = max((m.end() for m in _CLAUSE_END.finditer(text, s + MAX_SENTENCE // 2, s + MAX_SENTENCE)),
                  default=s + MAX_SENTENCE)
        out.append(_strip(text, s, cut))
        s = cut
    out.append(_strip(text, s, e))
    return [(a, b) for a, b in out if b > a]


def sentences(text: str) -> list[Span]:
    """Sentence spans: cut after 。！？；… and line breaks (closing quotes stay with their sentence);
    runs longer than MAX_SENTENCE are cut into pieces."""
    return [piece for s, e in _split(text, 0, len(text), _SENT_END) for piece in _capped(text, s, e)]


def clauses(text: str, span: Span) -> list[Span]:
    """Clause spans inside one sentence: cut after commas, colons and 、."""
    return _split(text, span[0], span[1], _CLAUSE_END)


def paragraphs(text: str) -> list[Span]:
    """Paragraph spans: cut at line breaks."""
    return _split(text, 0, len(text), re.compile(r"\n+"))
