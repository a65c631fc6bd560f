"""One page → its articles: the ingest stage's main function."""

from __future__ import annotations

from kg.ingest.assemble import to_article
from kg.ingest.clean import clean_items
from kg.ingest.normalize import fold
from kg.ingest.paragraphs import split_paragraphs
from kg.ingest.segment import Segment, cap_articles, segment
from kg.ingest.stitch import stitch
from kg.model import Article, Document


def _has_words(seg: Segment) -> bool:
    """True when the segment's text has a letter (Han or other): punctuation and digits alone are no article."""
    return any(ch.isalpha() for p in seg.lead + seg.body for ch in p.text)


def segment_articles(doc: Document) -> list[Article]:
    """Clean and segment one document into articles (tables of contents and parts without words dropped,
    over-long bodies cut into articles of at most MAX_ARTICLE_CHARS)."""
    segs = stitch(segment(clean_items(split_paragraphs(doc.text))))
    segs = [s for s in cap_articles([s for s in segs if (s.body or s.lead) and not s.toc]) if _has_words(s)]
    norm = fold(doc.text)
    return [to_article(doc, norm, s, i) for i, s in enumerate(segs)]
