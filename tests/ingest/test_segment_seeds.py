"""Acceptance: the five seed pages segment into the gold article list (count ±1, each opening found once)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.ingest import read_documents, segment_articles
from kg.model import Article, Skipped

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
GOLD = ROOT.parent / "shared" / "gold" / "seeds"
_SPACE = re.compile(r"\s+")
OPENING_SLACK = 200  # a "阅读提示" summary box may precede the opening paragraph

pytestmark = pytest.mark.skipif(not GOLD.is_dir(), reason="../shared/gold/seeds is not present (fresh clone)")


def _squash(text: str) -> str:
    return _SPACE.sub("", text)


def _gold(doc_id: str) -> list[dict]:
    path = GOLD / (Path(doc_id).stem + ".jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def seed_articles() -> dict[str, list[Article]]:
    skipped: list[Skipped] = []
    docs = list(read_documents([SEEDS], skipped))
    assert not skipped
    return {d.id: segment_articles(d) for d in docs}


def test_all_seeds_read(seed_articles: dict[str, list[Article]]) -> None:
    assert sorted(seed_articles) == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert len(seed_articles) == 5


@pytest.mark.parametrize("doc_id", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_article_count_matches_gold(seed_articles: dict[str, list[Article]], doc_id: str) -> None:
    assert abs(len(seed_articles[doc_id]) - len(_gold(doc_id))) <= 1


@pytest.mark.parametrize("doc_id", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_each_gold_opening_in_exactly_one_body(seed_articles: dict[str, list[Article]], doc_id: str) -> None:
    bodies = [_squash(a.body.text) for a in seed_articles[doc_id]]
    for gold in _gold(doc_id):
        first = _squash(gold["first_chars"])
        holders = [i for i, body in enumerate(bodies) if first in body]
        assert len(holders) == 1, f"{gold['headline']!r}: opening found in articles {holders}"


@pytest.mark.parametrize("doc_id", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_gold_opening_starts_its_article(seed_articles: dict[str, list[Article]], doc_id: str) -> None:
    """Stitched stories start with their opening part (after a short summary box at most), not mid-story."""
    for gold in _gold(doc_id):
        first = _squash(gold["first_chars"])
        offsets = [_squash(a.body.text).find(first) for a in seed_articles[doc_id]]
        assert 0 <= max(offsets) <= OPENING_SLACK, gold["headline"]


@pytest.mark.parametrize("doc_id", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_gold_headlines_found(seed_articles: dict[str, list[Article]], doc_id: str) -> None:
    headlines = {_squash(a.headline) for a in seed_articles[doc_id]}
    missing = [g["headline"] for g in _gold(doc_id) if _squash(g["headline"]) not in headlines]
    assert not missing


def test_stitched_story_lists_both_ranges(seed_articles: dict[str, list[Article]]) -> None:
    """A story printed in two places keeps both original ranges, opening part first."""
    stitched = [a for arts in seed_articles.values() for a in arts if len(a.spans) > 1]
    assert stitched
    for a in stitched:
        doc_text = (SEEDS / a.doc_id).read_text(encoding="utf-8")
        assert (
            "".join(doc_text[s:e] for s, e in a.spans)
            .replace("\n", "")
            .startswith(a.body.text.replace("\n", "")[:20])
        )
