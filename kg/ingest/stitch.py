"""Join an article's opening part printed without headline (byline/阅读提示 block) to its headline.

On a newspaper page a long story may start at one place (byline, summary box, first
paragraphs) and have its headline and the rest elsewhere. Orphan parts are matched to
headlines that have no byline by the character bigrams they share, never by names.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import replace

from kg.ingest.kinds import Kind, classify, finished, heading_level, heading_text, is_kicker_line
from kg.ingest.paragraphs import Para
from kg.ingest.segment import Segment

MIN_SCORE = 0.3  # weighted share of headline and body bigrams the orphan part must share
_NON_WORD = re.compile(r"[\W_]+")
_MATCH_CHARS = 3000


def _bigrams(text: str) -> set[str]:
    t = _NON_WORD.sub("", text)
    return {t[i : i + 2] for i in range(len(t) - 1)}


class _Weights:
    """Bigram weights for one page: rare on the page (few segments hold it) → high weight."""

    def __init__(self, texts: list[str]) -> None:
        self.n = len(texts)
        self._sets: dict[str, set[str]] = {}
        self.df: Counter[str] = Counter(b for t in texts for b in self.bigrams(t))
        self._weights: dict[str, float] = {}

    def bigrams(self, text: str) -> set[str]:
        """Bigram set of (the first `_MATCH_CHARS` of) `text`, memoised for the page."""
        text = text[:_MATCH_CHARS]
        found = self._sets.get(text)
        if found is None:
            found = self._sets[text] = _bigrams(text)
        return found

    def share(self, part: set[str], whole: set[str]) -> float:
        """Weighted share of the bigrams of `whole` that also occur in `part`."""
        total = sum(map(self.weight, whole))
        return sum(map(self.weight, part & whole)) / total if total else 0.0

    def weight(self, bigram: str) -> float:
        w = self._weights.get(bigram)
        if w is None:
            w = self._weights[bigram] = math.log((self.n + 1) / self.df.get(bigram, 1))
        return w


def headline_index(heads: list[Para]) -> int:
    """Index of the main headline in a heading block: first markdown heading, else the line after kickers."""
    for i, p in enumerate(heads):
        if 0 < heading_level(p.text) <= 2:
            return i
    kickers = [i for i, p in enumerate(heads) if is_kicker_line(p.text)]
    return kickers[-1] + 1 if kickers and kickers[-1] + 1 < len(heads) else 0


def _text(paras: list[Para]) -> str:
    return "\n".join(heading_text(p.text) for p in paras)


def _orphan_text(seg: Segment) -> str:
    return ("\n".join(seg.boxes) + "\n" + _text(seg.body))[:_MATCH_CHARS]


def _is_orphan(seg: Segment) -> bool:
    if seg.heads or seg.kind != "story" or seg.toc:
        return False
    return bool(seg.bylines or seg.boxes) and bool(seg.body)


def _candidates(segs: list[Segment], orphan: Segment, w: _Weights) -> list[tuple[float, Segment, int]]:
    """(score, segment, number of heading lines taken) for every headline the orphan could belong to."""
    ob = w.bigrams(_orphan_text(orphan))
    out = []
    for s in segs:
        if s is orphan or not s.heads or s.kind != "story" or s.toc:
            continue
        if not s.bylines:  # a headline with body but no byline: its opening may be the orphan
            body = w.bigrams(_text(s.body))
            out.append((w.share(ob, w.bigrams(_text(s.heads))) + w.share(body, ob), s, len(s.heads)))
            continue
        h = headline_index(s.heads)
        if h + 1 < len(s.heads):  # kicker + headline printed above another article's headline
            part = w.bigrams(_text(s.heads[: h + 1]))
            mine = w.share(w.bigrams(_text(s.body)), part)
            theirs = w.share(ob, part)
            if theirs > mine:
                out.append((theirs, s, h + 1))
    return out


def _join_bodies(first: list[Para], rest: list[Para]) -> list[Para]:
    """The orphan's paragraphs then the headline's; a sentence cut at the seam is re-joined."""
    if first and rest and not finished(first[-1].text) and classify(rest[0].text) is Kind.TEXT:
        return first[:-1] + [first[-1].join(rest[0])] + rest[1:]
    return first + rest


def stitch(segs: list[Segment]) -> list[Segment]:
    """Merge each orphan part into the best-matching headline segment; returns segments in page order."""
    segs = list(segs)
    if not any(_is_orphan(s) for s in segs):
        return segs
    w = _Weights([_text(s.heads) + "\n".join(s.boxes) + _text(s.body) for s in segs])
    for orphan in [s for s in segs if _is_orphan(s)]:
        found = _candidates(segs, orphan, w)
        if not found:
            continue
        best, host, taken = max(found, key=lambda c: (c[0], -c[1].position))
        if best < MIN_SCORE:
            continue
        merged = replace(
            host,
            heads=host.heads[:taken],
            bylines=orphan.bylines,
            boxes=orphan.boxes + (host.boxes if taken == len(host.heads) else []),
            lead=orphan.lead + (host.lead if taken == len(host.heads) else []),
            body=_join_bodies(orphan.body, host.body if taken == len(host.heads) else []),
            floats=orphan.floats + (host.floats if taken == len(host.heads) else []),
        )
        at = segs.index(host)
        segs[at] = merged
        segs.remove(orphan)
        if taken < len(host.heads):
            host.heads = host.heads[taken:]
            host.position += 0.5
            segs.insert(at + 1, host)
    return segs
