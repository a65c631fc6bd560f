"""Segments → Articles: headline/kicker text, byline, and the body as MappedText over the original."""

from __future__ import annotations

from functools import lru_cache

from kg.ingest.kinds import heading_text
from kg.ingest.paragraphs import Para
from kg.ingest.segment import Segment
from kg.ingest.stitch import headline_index
from kg.model import Article, Document, MappedText, Piece

KICKER_SEP = " / "


@lru_cache(maxsize=1)
def _separator(text: str) -> tuple[str, int]:
    """The paragraph separator used in bodies and one original position where it occurs (remembered for
    the document at hand: each of its articles asks, and a search of a long page without blank lines
    costs its whole length)."""
    for sep in ("\n\n", "\n"):
        at = text.find(sep)
        if at >= 0:
            return sep, at
    return "", 0


def mapped_body(doc_text: str, doc_norm: str, paras: list[Para]) -> MappedText:
    """Paragraphs joined by blank lines, each char mapped to the original char it was copied from."""
    sep, sep_at = _separator(doc_text)
    ranges: list[tuple[int, int]] = []
    for n, para in enumerate(paras):
        if n and sep:
            end = ranges[-1][1]
            at = end if doc_text.startswith(sep, end) else sep_at
            ranges.append((at, at + len(sep)))
        ranges.extend(para.parts)
    pieces: list[Piece] = []
    clean = 0
    for s, e in ranges:
        if s >= e:
            continue
        last = pieces[-1] if pieces else None
        if last is not None and last.orig_start + last.length == s:
            pieces[-1] = Piece(last.clean_start, last.orig_start, last.length + e - s)
        else:
            pieces.append(Piece(clean, s, e - s))
        clean += e - s
    text = "".join(doc_text[p.orig_start : p.orig_start + p.length] for p in pieces)
    norm = "".join(doc_norm[p.orig_start : p.orig_start + p.length] for p in pieces)
    return MappedText(text, tuple(pieces), norm)


def spans(doc_text: str, paras: list[Para]) -> tuple[tuple[int, int], ...]:
    """Original ranges of the body in reading order, neighbours separated only by whitespace merged."""
    out: list[tuple[int, int]] = []
    for s, e in (r for p in paras for r in p.parts):
        if out and out[-1][1] <= s and not doc_text[out[-1][1] : s].strip():
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return tuple(out)


def to_article(doc: Document, doc_norm: str, seg: Segment, index: int) -> Article:
    """Build the Article of one finished segment."""
    lines = [heading_text(p.text) for p in seg.heads]
    h = headline_index(seg.heads)
    headline = lines[h] if lines else ""
    kicker = KICKER_SEP.join(lines[:h] + lines[h + 1 :] + seg.floats)
    return Article(
        doc_id=doc.id,
        index=index,
        headline=headline,
        byline=" ".join(" ".join(b.split()) for b in seg.bylines),
        body=mapped_body(doc.text, doc_norm, seg.lead + seg.body),
        spans=spans(doc.text, seg.lead + seg.body),
        kicker=kicker,
        kind=seg.kind,
    )
