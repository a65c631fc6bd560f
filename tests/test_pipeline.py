"""The whole pipeline over the seeds: outputs written, contract kept, deterministic."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from kg.model import EntityType, Predicate
from kg.pipeline import build
from kg.settings import Settings

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FAST = ["articles", "graph"]


def _digests(out: Path) -> dict[str, str]:
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seeds-out")
    build([SEEDS], Settings(out=out, progress=False), outputs=FAST)
    return out


def test_graph_jsonl_contract(seeds_out: Path) -> None:
    lines = [json.loads(line) for line in (seeds_out / "graph.jsonl").read_text(encoding="utf-8").splitlines()]
    nodes = {r["id"]: r for r in lines if r["type"] == "node"}
    rels = [r for r in lines if r["type"] == "relationship"]
    assert nodes and rels
    labels = {t.value for t in EntityType}
    for node in nodes.values():
        assert node["labels"][0] in labels
        assert node["properties"]["name"]
        assert isinstance(node["properties"]["aliases"], list)
    text = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    for rel in rels:
        assert rel["label"] in {p.label for p in Predicate}
        assert rel["start"]["id"] in nodes and rel["end"]["id"] in nodes
        assert 0 < rel["properties"]["confidence"] <= 1
        assert rel["properties"]["evidence"], rel
        for ev in rel["properties"]["evidence"]:
            assert text[ev["doc"]][ev["start"] : ev["end"]] == ev["quote"]


def test_articles_jsonl(seeds_out: Path) -> None:
    records = [json.loads(line) for line in (seeds_out / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["doc"] for r in records} == {p.name for p in SEEDS.glob("*.txt")}
    assert all(r["body"] for r in records)


def test_build_is_deterministic(seeds_out: Path, tmp_path: Path) -> None:
    build([SEEDS], Settings(out=tmp_path, progress=False), outputs=FAST)
    assert _digests(tmp_path) == _digests(seeds_out)
