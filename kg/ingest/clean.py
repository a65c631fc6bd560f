"""Cleanup of a page's paragraphs, keeping every character's original offset.

Steps: drop invisible format characters, strip pinyin glosses, drop paragraphs printed twice, lift "阅读提示" boxes and
stray subheads out of the text flow, re-join words split across column breaks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from kg.ingest.kinds import HAN, Kind, balanced, classify, credit_start, finished, lead_byline
from kg.ingest.paragraphs import Para

_TONES = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿĀÁǍÀĒÉĚÈĪÍǏÌŌÓǑÒŪÚǓÙǕǗǙǛŃŇǸḾ\u0300\u0301\u0304\u030c"
_LATIN = rf"A-Za-zÜü{_TONES}'’ \-"
_PINYIN = re.compile(rf"(?<=[{HAN}])[ \t]*[(（][{_LATIN}]*[{_TONES}][{_LATIN}]*[)）]")
_DUPLICATE_MIN = 20
PAGE_BREAK = 3  # newlines before a paragraph that mark a new region of the page
_SENTENCE_MIN = 30


@dataclass(frozen=True)
class Box:
    """A boxed summary ("阅读提示" + its paragraph), kept apart from the text flow it interrupts."""

    para: Para
    gap: int = 2

    @property
    def text(self) -> str:
        return self.para.text


@dataclass(frozen=True)
class Float:
    """A short heading line printed inside a paragraph that continues after it (a stray subhead)."""

    text: str


Item = Para | Box | Float


_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]+")
"""Zero-width spaces and joiners, soft hyphens, direction marks and embeddings, word joiners, BOMs:
characters a page may carry inside a name (暖\u200b心驿站) that no reader sees."""


def strip_invisible(para: Para) -> Para:
    """Drop invisible format characters, so a name written with one is the same name (offsets kept)."""
    spans = [m.span() for m in _INVISIBLE.finditer(para.text)]
    return para.without(spans) if spans else para


def strip_pinyin(para: Para) -> Para:
    """Drop parenthesised pinyin glosses such as 工会(gōnghuì) or 區(qū) after Han characters."""
    if "(" not in para.text and "（" not in para.text:
        return para  # (most paragraphs: the lookbehind regex would try every position)
    spans = [m.span() for m in _PINYIN.finditer(para.text)]
    return para.without(spans) if spans else para


def drop_duplicates(paras: list[Para]) -> list[Para]:
    """Keep the first of paragraphs printed twice on the page (same text, not trivially short)."""
    seen: set[str] = set()
    out = []
    for p in paras:
        key = "".join(p.text.split())
        if len(key) >= _DUPLICATE_MIN and key in seen:
            continue
        seen.add(key)
        out.append(p)
    return out


def lift_boxes(paras: list[Para]) -> list[Item]:
    """Turn each box marker and the paragraph after it into one `Box` item."""
    out: list[Item] = []
    i = 0
    while i < len(paras):
        p = paras[i]
        nxt = paras[i + 1] if i + 1 < len(paras) else None
        if classify(p.text) is Kind.BOXMARK and nxt is not None and classify(nxt.text) is Kind.TEXT:
            out.append(Box(nxt, p.gap))
            i += 2
            continue
        out.append(p)
        i += 1
    return out


@cache
def _jieba():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba


def crosses_word(left: str, right: str) -> bool:
    """True when a dictionary word spans the break between `left` and `right` (激发他|们 → 他们)."""
    a, b = left.rstrip()[-3:], right.lstrip()[:3]
    if not a or not b:
        return False
    pos = 0
    for tok in _jieba().cut(a + b, HMM=False):
        if pos < len(a) < pos + len(tok):
            return True
        pos += len(tok)
    return False


def _sentence_like(text: str) -> bool:
    return not balanced(text) or (len(text) >= _SENTENCE_MIN and sum(text.count(c) for c in ",,、") >= 2)


def _continues(a: Para, b: Para, after_b: Item | None) -> bool:
    """Whether paragraph `b` is the rest of `a`, cut by a column break."""
    if b.gap >= PAGE_BREAK or finished(a.text) or a.text[-1] in "”’」』)）》":
        return False
    ka, kb = classify(a.text), classify(b.text)
    if ka not in (Kind.TEXT, Kind.SHORT, Kind.LEAD) or kb not in (Kind.TEXT, Kind.SHORT):
        return False
    if lead_byline(b.text) or credit_start(a.text) >= 0:
        return False
    if kb is Kind.SHORT:
        nxt = classify(after_b.text) if isinstance(after_b, Para) else None
        return nxt in (Kind.TEXT, None) and crosses_word(a.text, b.text)
    return ka is not Kind.SHORT or _sentence_like(a.text) or crosses_word(a.text, b.text)


def _next_para(items: list[Item], i: int) -> tuple[int, Para | None]:
    """Index and value of the first paragraph at or after `i` (boxes skipped)."""
    while i < len(items) and isinstance(items[i], Box):
        i += 1
    return (i, items[i]) if i < len(items) else (i, None)  # type: ignore[return-value]


def rejoin(items: list[Item]) -> list[Item]:
    """Re-join paragraphs split by column breaks; also across a box or a stray subhead in between."""
    out: list[Item] = []
    i = 0
    while i < len(items):
        cur = items[i]
        i += 1
        if not isinstance(cur, Para):
            out.append(cur)
            continue
        while True:
            j, nxt = _next_para(items, i)
            boxes = items[i:j]
            if nxt is not None and _continues(cur, nxt, items[j + 1] if j + 1 < len(items) else None):
                out.extend(boxes)
                cur, i = cur.join(nxt), j + 1
                continue
            if nxt is not None and not boxes and _floats_over(cur, nxt, items, j):
                out.append(Float(nxt.text))
                cur, i = cur.join(items[j + 1]), j + 2  # type: ignore[arg-type]
                continue
            break
        out.append(cur)
    return out


def _floats_over(a: Para, b: Para, items: list[Item], j: int) -> bool:
    """A subhead `b` printed between the two halves of a split paragraph: a | b | rest-of-a."""
    c = items[j + 1] if j + 1 < len(items) else None
    if not isinstance(c, Para) or finished(a.text) or classify(b.text) is not Kind.SHORT:
        return False
    ka = classify(a.text)
    if not (ka is Kind.TEXT or (ka is Kind.SHORT and _sentence_like(a.text))):
        return False
    if classify(c.text) is not Kind.TEXT or lead_byline(c.text):
        return False
    return b.gap < PAGE_BREAK and c.gap < PAGE_BREAK and crosses_word(a.text, c.text)


def clean_items(paras: list[Para]) -> list[Item]:
    """All cleanup steps over a page's paragraphs, in order."""
    return rejoin(lift_boxes(drop_duplicates([strip_pinyin(strip_invisible(p)) for p in paras])))


def paras_of(items: list[Item]) -> Iterator[Para]:
    """Only the paragraphs of an item list."""
    return (x for x in items if isinstance(x, Para))
