"""Paragraphs of a page as runs of original text: `Para.parts` are the (start, end) ranges it is made of."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.model import quick_init

_BLANK_LINES = re.compile(r"\n[ \t\u3000]*(?:\n[ \t\u3000]*)+")
_EDGE_SPACE = " \t\u3000\n\r\f\v\ufeff"


@quick_init
@dataclass(frozen=True)
class Para:
    """A paragraph: `text` is the concatenation of `doc_text[s:e]` for `(s, e)` in `parts`.

    `gap` is the number of newlines before it in the original (3 or more marks a page-region break).
    """

    parts: tuple[tuple[int, int], ...]
    text: str
    gap: int = 2

    def slice(self, start: int, end: int) -> Para:
        """The paragraph restricted to text[start:end], parts trimmed to match."""
        parts: list[tuple[int, int]] = []
        pos = 0
        for s, e in self.parts:
            lo, hi = max(start, pos), min(end, pos + e - s)
            if lo < hi:
                parts.append((s + lo - pos, s + hi - pos))
            pos += e - s
        return Para(tuple(parts), self.text[start:end], self.gap)

    def slices(self, bounds: list[int]) -> list[Para]:
        """`[self.slice(a, b) for a, b in pairwise(bounds)]` (bounds ascending) in one pass over the parts."""
        out: list[Para] = []
        parts, k, pos = self.parts, 0, 0  # parts[k] starts at text position pos
        for a, b in zip(bounds, bounds[1:], strict=False):
            while k < len(parts) and pos + parts[k][1] - parts[k][0] <= a:
                pos += parts[k][1] - parts[k][0]
                k += 1
            kept: list[tuple[int, int]] = []
            j, at = k, pos
            while j < len(parts) and at < b:
                s, e = parts[j]
                lo, hi = max(a, at), min(b, at + e - s)
                if lo < hi:
                    kept.append((s + lo - at, s + hi - at))
                at += e - s
                j += 1
            out.append(Para(tuple(kept), self.text[a:b], self.gap))
        return out

    def without(self, spans: list[tuple[int, int]]) -> Para:
        """The paragraph with the given sorted, disjoint text ranges removed (in one pass: a long
        paragraph may lose thousands of them)."""
        bounds = [0]
        for s, e in spans:
            bounds += [s, e]
        bounds.append(len(self.text))
        parts: list[tuple[int, int]] = []
        for piece in self.slices(bounds)[::2]:  # the pieces between the spans
            for s, e in piece.parts:
                if parts and parts[-1][1] == s:
                    parts[-1] = (parts[-1][0], e)
                else:
                    parts.append((s, e))
        text = "".join(self.text[a:b] for a, b in zip(bounds[::2], bounds[1::2], strict=True))
        return Para(tuple(parts), text, self.gap)

    def strip(self) -> Para:
        """The paragraph without leading/trailing whitespace."""
        text = self.text
        start = len(text) - len(text.lstrip(_EDGE_SPACE))
        end = len(text.rstrip(_EDGE_SPACE))
        return self if (start, end) == (0, len(text)) else self.slice(start, max(start, end))

    def join(self, other: Para) -> Para:
        """This paragraph directly followed by `other` (no separator): a column break re-joined."""
        parts = list(self.parts)
        for s, e in other.parts:
            if parts and parts[-1][1] == s:
                parts[-1] = (parts[-1][0], e)
            else:
                parts.append((s, e))
        return Para(tuple(parts), self.text + other.text, self.gap)


def split_paragraphs(text: str) -> list[Para]:
    """Cut a page at blank lines into stripped, non-empty paragraphs."""
    paras: list[Para] = []
    start, gap = 0, 2
    for m in _BLANK_LINES.finditer(text):
        para = Para(((start, m.start()),), text[start : m.start()], gap).strip()
        if para.text:
            paras.append(para)
            gap = 0
        gap += m.group().count("\n")
        start = m.end()
    para = Para(((start, len(text)),), text[start:], gap).strip()
    if para.text:
        paras.append(para)
    return paras
