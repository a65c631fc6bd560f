"""The per-document work, run by the build's engine (in this process, worker processes or a Dask
cluster): segment one document into articles and extract each, with quotes anchored in the original.

It reads only its document, so documents extract independently; kg.runtime.cache keys its results by the
source of this module and everything it imports (kg.runtime.cache.code_files).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from kg.extract import extract
from kg.ingest import segment_articles
from kg.model import Article, Document, Extraction


@dataclass(frozen=True)
class DocResult:
    """The per-document work's output: the document's articles and one extraction per article."""

    articles: tuple[Article, ...]
    extractions: tuple[Extraction, ...]


@dataclass(frozen=True)
class Timed:
    """A DocResult with the seconds its two steps took in the worker (not cached)."""

    result: DocResult
    segment: float = 0.0
    extract: float = 0.0


def anchor_quotes(extraction: Extraction, doc_text: str) -> Extraction:
    """Make every evidence quote the exact original text at its offsets (cleanup may have joined lines)."""
    changed = False
    candidates = []
    for c in extraction.candidates:
        quote = doc_text[c.evidence.start : c.evidence.end]
        if quote != c.evidence.quote:
            c = replace(c, evidence=replace(c.evidence, quote=quote))
            changed = True
        candidates.append(c)
    return replace(extraction, candidates=tuple(candidates)) if changed else extraction


def extract_segmented(item: tuple[Document, tuple[Article, ...]]) -> Timed:
    """The extraction of one segmented document (runs in a worker): extract each article, anchor its
    quotes. Only the extractions come back (the caller has the articles: they need not travel twice)."""
    doc, articles = item
    t0 = time.perf_counter()
    extractions = tuple(anchor_quotes(extract(a), doc.text) for a in articles)
    return Timed(DocResult((), extractions), 0.0, time.perf_counter() - t0)


def process_document(doc: Document) -> Timed:
    """The per-document work (runs in a worker): segment, extract each article, anchor its quotes."""
    t0 = time.perf_counter()
    articles = tuple(segment_articles(doc))
    timed = extract_segmented((doc, articles))
    return Timed(DocResult(articles, timed.result.extractions), time.perf_counter() - t0 - timed.extract,
                 timed.extract)


_WARM_TEXT = ("某市总工会开展暖心行动\n\n本报讯(记者张某)某市总工会为快递员开展“暖心”行动,与某公司合作,"
              "在街道建立户外劳动者服务驿站。\n\n")
WARM_UP = Document("warm-up.txt", "warm-up.txt", _WARM_TEXT + "驿站的建成激发了他\n\n们参与工会活动的热情。\n")
"""A tiny page run once before forking workers, so they inherit loaded lexicons and dictionaries (its
split word 他|们 makes the column-break check load jieba)."""


def warm(split: bool = False) -> None:
    """Load every lexicon, automaton and dictionary the per-document work needs (once per process);
    workers that only extract (`split`) need no jieba, so their warm-up page has no split word."""
    process_document(Document("warm-up.txt", "warm-up.txt", _WARM_TEXT) if split else WARM_UP)
