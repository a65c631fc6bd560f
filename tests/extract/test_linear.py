"""Extraction work grows linearly with the length of an article: counted in executed lines of kg's
code (not timed), for one article written on one line at two lengths."""

from __future__ import annotations

import sys
from pathlib import Path
from types import FrameType
from typing import Any

import kg
from bench.generate import pages
from kg.extract import extract
from kg.ingest.articles import segment_articles
from kg.ingest.segment import MAX_ARTICLE_CHARS
from kg.model import Document

_KG = str(Path(kg.__file__).parent)


def _one_line(chars: int) -> str:
    """Generated news pages joined onto one line (no paragraph or article breaks), cut to `chars`."""
    text = ""
    for _, _, page in pages(chars * 4, seed=3):
        text += " ".join(line for line in page.split("\n") if line.strip())
        if len(text) >= chars:
            break
    return text[:chars]


def _lines_run(chars: int) -> int:
    """Lines of kg's code executed to extract the one article of a `chars`-long line."""
    (article,) = segment_articles(Document("line.txt", "line.txt", _one_line(chars)))
    extract(article)  # lexicons and automata loaded outside the count
    count = 0

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:  # noqa: ANN401
        nonlocal count
        if frame.f_code.co_filename.startswith(_KG):
            count += 1
            return tracer
        return None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        extract(article)
    finally:
        sys.settrace(previous)
    return count


def test_extraction_work_is_linear_in_article_length() -> None:
    small, large = 4_000, 16_000
    assert large <= MAX_ARTICLE_CHARS  # one article each: the cap does not hide the growth
    ratio = _lines_run(large) / _lines_run(small)
    # four times the text: linear work is about 4x (3.9-4.1 measured); a quadratic part made it 7x
    assert ratio < 5, ratio
