"""Cut a page's cleaned item stream into article segments: heading block, byline, boxes, body, captions.

A heading block opens a new article only when the layout says so (markdown heading, kicker
dash, byline or photo credit right after it, page-region break); otherwise it is a section
title inside the running article. Bylines or "阅读提示" boxes after body text open a segment
without headline (an orphan), which `stitch` later joins to its headline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from kg.ingest.clean import PAGE_BREAK, Box, Float, Item
from kg.ingest.kinds import Kind, classify, credit_start, heading_level, is_kicker_line, is_toc, lead_byline
from kg.ingest.paragraphs import Para

CAPTION_MAX = 4  # paragraphs of caption text before a photo credit
MAX_ARTICLE_CHARS = 20_000
"""Longest article body, in characters (news articles run to a few thousand). Text with no article
breaks (a scraped page on one line, paragraphs on single newlines) would otherwise be one article as
long as its file; `cap_articles` cuts a longer body into bounded articles, at paragraph ends, else at
sentence ends, else at a comma, else at the limit."""
_SENTENCE_END = re.compile(r"[。！？!?；;…\n]+[”’」』)）]*")
_CLAUSE_END = re.compile(r"[，,：:、]")
_SEPARATOR = 2  # characters between two paragraphs of a body (a blank line), counted against the limit
_STARTERS = (Kind.BYLINE, Kind.LEAD)


@dataclass
class Segment:
    """An article under construction (mutable while the page is scanned)."""

    position: int
    heads: list[Para] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    boxes: list[str] = field(default_factory=list)
    lead: list[Para] = field(default_factory=list)  # summary boxes printed before the body
    body: list[Para] = field(default_factory=list)
    floats: list[str] = field(default_factory=list)
    kind: str = "story"
    toc: bool = False


def _kind(item: Item | None) -> Kind | None:
    return classify(item.text) if isinstance(item, Para) else None


def _opens_story(items: list[Item], j: int) -> bool:
    """A byline (or a box then a byline) at `j`: the heading block before it is a headline."""
    nxt = items[j] if j < len(items) else None
    if isinstance(nxt, Box):
        nxt = items[j + 1] if j + 1 < len(items) else None
    return _kind(nxt) in _STARTERS


def _caption_ahead(items: list[Item], j: int) -> bool:
    """A few plain paragraphs then a photo credit: the heading block before `j` titles a photo."""
    for it in items[j : j + CAPTION_MAX + 1]:
        k = _kind(it)
        if k is Kind.CREDIT or (k is Kind.TEXT and credit_start(it.text) >= 0):  # type: ignore[union-attr]
            return True
        if k is not Kind.TEXT:
            return False
    return False


def _block_end(items: list[Item], i: int) -> int:
    j = i + 1
    while j < len(items) and _kind(items[j]) in (Kind.HEADING, Kind.SHORT) and items[j].gap < PAGE_BREAK:  # type: ignore[union-attr]
        j += 1
    return j


def _is_start(block: list[Para], items: list[Item], j: int, cur: Segment | None) -> bool:
    if cur is None or block[0].gap >= PAGE_BREAK or _opens_story(items, j):
        return True
    if any(0 < heading_level(p.text) <= 2 for p in block) or any(is_kicker_line(p.text) for p in block):
        return True
    return _caption_ahead(items, j)


class _Scanner:
    """One pass over the items; `cur` receives text, `story` is resumed after a photo caption."""

    def __init__(self) -> None:
        self.segments: list[Segment] = []
        self.cur: Segment | None = None
        self.story: Segment | None = None
        self.in_toc = False

    def open(self, position: int) -> Segment:
        seg = Segment(position)
        self.segments.append(seg)
        self.cur = seg
        return seg

    def heading_block(self, block: list[Para], items: list[Item], i: int, j: int) -> None:
        """Open an article with this heading block, or keep it as section titles of the running one."""
        if not _is_start(block, items, j, self.cur):
            if not self.in_toc:  # inside a table of contents everything is skipped
                self.cur.body.extend(block)  # type: ignore[union-attr]
            return
        seg = self.open(i)
        seg.heads = block
        seg.toc = self.in_toc = any(heading_level(p.text) and is_toc(p.text) for p in block) or (
            len(block) == 1 and is_toc(block[0].text) and not _opens_story(items, j)
        )
        if not seg.toc and _caption_ahead(items, j) and not _opens_story(items, j):
            seg.kind = "caption"
        else:
            self.story = seg

    def box(self, box: Box, items: list[Item], i: int) -> None:
        nxt = items[i + 1] if i + 1 < len(items) else None
        starts = _kind(nxt) in _STARTERS or box.gap >= PAGE_BREAK
        if self.cur is None or self.in_toc or (self.cur.body and starts):
            self.in_toc = False
            self.story = self.open(i)
        cur = self.cur
        assert cur is not None
        cur.boxes.append(box.text)
        (cur.body if cur.body else cur.lead).append(box.para)

    def byline(self, para: Para, i: int, lead: bool) -> None:
        if self.cur is None or self.cur.body or self.cur.kind == "caption":
            self.story = self.open(i)
        cur = self.cur
        assert cur is not None
        cur.bylines.append(lead_byline(para.text) if lead else para.text)
        if lead:
            cur.body.append(para)

    def text(self, para: Para, i: int) -> None:
        c = credit_start(para.text)
        if c < 0:
            if self.cur is None:
                self.story = self.open(i)
            self.cur.body.append(para)  # type: ignore[union-attr]
            return
        caption = self.cur if self.cur is not None and self.cur.kind == "caption" else None
        if caption is None:
            caption = self.open(i)
            caption.kind = "caption"
        if c > 0:
            caption.body.append(para.slice(0, c).strip())
        caption.bylines.append(para.text[c:].strip())
        self.cur = self.story

    def credit(self, para: Para, i: int) -> None:
        if self.cur is not None and self.cur.kind == "caption":
            self.cur.bylines.append(para.text)
            self.cur = self.story

    def item(self, items: list[Item], i: int) -> int:
        """Consume the item at `i` (a whole heading block if it starts one); return the next index."""
        it = items[i]
        if isinstance(it, Float):
            if self.cur is not None:
                self.cur.floats.append(it.text)
            return i + 1
        if isinstance(it, Box):
            self.box(it, items, i)
            return i + 1
        k = classify(it.text)
        if k in (Kind.HEADING, Kind.SHORT):
            j = _block_end(items, i)
            self.heading_block(items[i:j], items, i, j)  # type: ignore[arg-type]
            return j
        if self.in_toc:
            if k is Kind.TOCEND:
                self.in_toc, self.cur = False, None
            return i + 1
        handlers = {
            Kind.BYLINE: lambda: self.byline(it, i, lead=False),
            Kind.LEAD: lambda: self.byline(it, i, lead=True),
            Kind.CREDIT: lambda: self.credit(it, i),
            Kind.TEXT: lambda: self.text(it, i),
        }
        handlers.get(k, lambda: None)()
        return i + 1


def segment(items: list[Item]) -> list[Segment]:
    """Scan a page's items into segments in page order (TOC segments flagged, not removed)."""
    scanner = _Scanner()
    i = 0
    while i < len(items):
        i = scanner.item(items, i)
    return scanner.segments


def _cut(text: str, lo: int, hi: int) -> int:
    """Where a piece of text starting at `lo` ends, at most at `hi`: after the last sentence end in
    its second half, else after the last comma there, else at `hi`."""
    for pattern in (_SENTENCE_END, _CLAUSE_END):
        last = -1
        for m in pattern.finditer(text, (lo + hi) // 2, hi):
            last = m.end()
        if last > lo:
            return last
    return hi


def _pieces(para: Para, limit: int) -> list[Para]:
    """The paragraph cut into stripped pieces of at most `limit` characters (itself when short)."""
    if len(para.text) <= limit:
        return [para]
    bounds, pos = [0], 0
    while len(para.text) - pos > limit:
        pos = _cut(para.text, pos, pos + limit)
        bounds.append(pos)
    bounds.append(len(para.text))
    return [p for p in (q.strip() for q in para.slices(bounds)) if p.text]


def cap_articles(segments: list[Segment], limit: int = MAX_ARTICLE_CHARS) -> list[Segment]:
    """Each segment whose body (lead and body paragraphs) is longer than `limit` characters cut into
    segments of at most `limit`: the first keeps the headline, by-lines and boxes, the others have
    none. Paragraphs are cut with `Para.slice`, so every piece still maps onto the original text."""
    out: list[Segment] = []
    for seg in segments:
        paras = seg.lead + seg.body
        if sum(len(p.text) + _SEPARATOR for p in paras) <= limit + _SEPARATOR:
            out.append(seg)
            continue
        chunks: list[list[Para]] = [[]]
        size = 0
        for para in paras:
            for piece in _pieces(para, limit):
                if chunks[-1] and size + _SEPARATOR + len(piece.text) > limit:
                    chunks.append([])
                    size = 0
                size += (_SEPARATOR if chunks[-1] else 0) + len(piece.text)
                chunks[-1].append(piece)
        out.append(replace(seg, lead=[], body=chunks[0]))
        out += [Segment(seg.position, body=chunk, kind=seg.kind) for chunk in chunks[1:]]
    return out
