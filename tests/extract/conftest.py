"""Fixtures for extraction tests: articles built from short texts written for the test."""

from __future__ import annotations

from kg.ingest import fold
from kg.model import Article, MappedText, Piece


def make_article(body: str, headline: str = "", prefix: str = "") -> Article:
    """An article whose body is `body`, placed after `prefix` in the original document."""
    pieces = (Piece(0, len(prefix), len(body)),) if body else ()
    return Article(
        doc_id="t.txt",
        index=0,
        headline=headline,
        byline="",
        body=MappedText(body, pieces, fold(body)),
        spans=((len(prefix), len(prefix) + len(body)),),
    )
