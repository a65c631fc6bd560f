"""A seed article with every proper name replaced still yields the same (renamed) facts: the rules
describe the genre, not the seed's names."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kg.extract import extract
from kg.ingest import fold, read_documents, segment_articles
from kg.model import MappedText, Piece

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED = "004_1eb7d7cdcb142b0c.txt"
HEADLINE_MARK = "三级对话"

# seed name → invented name (regions from the same prefecture in the division table)
RENAME = {
    "民乐": "高台",
    "文昌社区": "振华社区",
    "书记有约": "主任有约",
    "劳动者说": "骑手说说",
    "劳动者议": "司机议事",
    "新业态·新工治": "新职业·新治理",
    "永鑫十字": "金泰广场",
}


def _rename(text: str) -> str:
    for old, new in RENAME.items():
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def pair():  # noqa: ANN201
    if not (SEEDS / SEED).exists():
        pytest.skip("seed pages not present")
    docs = [d for d in read_documents([SEEDS / SEED], [])]
    article = next(a for a in segment_articles(docs[0]) if HEADLINE_MARK in a.headline)
    body = _rename(article.body.text)
    renamed = replace(
        article, headline=_rename(article.headline), body=MappedText(body, (Piece(0, 0, len(body)),), fold(body))
    )
    return article, renamed


def _facts(article) -> set[tuple[str, str, str]]:  # noqa: ANN001
    return {(c.subject, c.predicate.value, c.object) for c in extract(article).candidates}


def test_renamed_article_keeps_its_facts(pair) -> None:  # noqa: ANN001
    original, renamed = pair
    before = {tuple(_rename(x) for x in f) for f in _facts(original)}
    after = _facts(renamed)
    assert len(before) >= 8
    kept = before & after
    assert len(kept) >= 0.9 * len(before), sorted(before - after)


def test_renamed_article_key_facts(pair) -> None:  # noqa: ANN001
    _, renamed = pair
    after = _facts(renamed)
    assert ("高台县总工会", "located_in", "高台县") in after
    assert ("高台县总工会", "runs", "主任有约对话机制") in after
    assert ("高台县总工会", "runs", "新职业·新治理三级对话机制") in after
    names = {m.name for m in extract(renamed).mentions}
    assert {"高台县总工会", "高台县", "振华社区", "主任有约对话机制"} <= names
    assert not any("民乐" in n for n in names)
