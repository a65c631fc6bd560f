"""The breakless benchmark file: generated pages with no blank line, cut by ingest into bounded articles."""

from __future__ import annotations

from bench.oneline import breakless_text
from kg.ingest import segment_articles
from kg.ingest.segment import MAX_ARTICLE_CHARS
from kg.model import Document


def test_breakless_text_has_no_article_breaks_and_is_reproducible() -> None:
    line = breakless_text(60_000, seed=2, layout="line")
    lines = breakless_text(60_000, seed=2, layout="lines")
    assert "\n" not in line and "\n\n" not in lines and lines.count("\n") > 50
    assert len(line.encode("utf-8")) >= 60_000
    assert line == breakless_text(60_000, seed=2, layout="line")
    assert "".join(line.split()) == "".join(lines.split())


def test_breakless_text_is_segmented_into_articles_within_the_cap() -> None:
    text = breakless_text(200_000, seed=2, layout="line")
    arts = segment_articles(Document("line.txt", "line.txt", text))
    assert len(arts) >= len(text) // MAX_ARTICLE_CHARS
    assert all(len(a.body.text) <= MAX_ARTICLE_CHARS for a in arts)
