"""The per-document extraction cache: reused when unchanged, redone only for what changed, byte-identical."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kg.runtime.cache
from bench.generate import generate
from kg.pipeline import build
from kg.settings import LEXICON_DIR, Settings

FAST = ["articles", "graph"]


@pytest.fixture()
def pages(tmp_path: Path) -> Path:
    generate(25_000, tmp_path / "corpus", seed=11)
    return tmp_path / "corpus" / "pages"


def _build(pages: Path, out: Path, cache: bool = True) -> tuple[int, int, dict[str, bytes]]:
    _, summary = build([pages], Settings(out=out, progress=False, workers=1, cache=cache), FAST)
    return summary.cache_hits, summary.cache_misses, {n: (out / f"{n}.jsonl").read_bytes() for n in FAST}


def test_second_build_reuses_every_document(pages: Path, tmp_path: Path) -> None:
    n = len(list(pages.glob("*.txt")))
    assert _build(pages, tmp_path / "out")[:2] == (0, n)
    hits, misses, second = _build(pages, tmp_path / "out")
    assert (hits, misses) == (n, 0)
    assert second == _build(pages, tmp_path / "clean", cache=False)[2]


def test_changed_and_added_documents_only_are_extracted(pages: Path, tmp_path: Path) -> None:
    n = len(list(pages.glob("*.txt")))
    before = _build(pages, tmp_path / "out")[2]
    first = sorted(pages.glob("*.txt"))[0]
    extra = "\n\n某县总工会为环卫工人开展“清凉”行动。\n"
    first.write_text(first.read_text(encoding="utf-8") + extra, encoding="utf-8")
    hits, misses, changed = _build(pages, tmp_path / "out")
    assert (hits, misses) == (n - 1, 1)
    assert changed != before
    assert changed == _build(pages, tmp_path / "clean", cache=False)[2]
    shutil.copy(first, pages / "zz_added.txt")
    hits, misses, added = _build(pages, tmp_path / "out")
    assert (hits, misses) == (n, 1)
    assert added == _build(pages, tmp_path / "clean2", cache=False)[2]


def test_no_cache_writes_nothing(pages: Path, tmp_path: Path) -> None:
    assert _build(pages, tmp_path / "out", cache=False)[:2] == (0, 0)
    assert not (tmp_path / "out" / ".cache").exists()


def test_unreadable_entry_is_a_miss(pages: Path, tmp_path: Path) -> None:
    n = len(list(pages.glob("*.txt")))
    clean = _build(pages, tmp_path / "out")[2]
    entry = next((tmp_path / "out" / ".cache").rglob("*.pickle"))
    entry.write_bytes(b"not a pickle")
    hits, misses, again = _build(pages, tmp_path / "out")
    assert (hits, misses) == (n - 1, 1)
    assert again == clean


def test_lexicon_change_invalidates(pages: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lexicon = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, lexicon)
    monkeypatch.setattr(kg.runtime.cache, "LEXICON_DIR", lexicon)
    n = len(list(pages.glob("*.txt")))
    _build(pages, tmp_path / "out")
    assert _build(pages, tmp_path / "out")[:2] == (n, 0)
    groups = lexicon / "worker_groups.tsv"
    groups.write_text(groups.read_text(encoding="utf-8") + "# a new comment line\n", encoding="utf-8")
    assert _build(pages, tmp_path / "out")[:2] == (0, n)
    assert len(list((tmp_path / "out" / ".cache" / "extract").iterdir())) == 1  # the old version was pruned


def test_ontology_change_invalidates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Declared types and predicates are extracted too (kg.extract.declared): the ontology is in the key."""
    ontology = tmp_path / "ontology.ttl"
    shutil.copyfile(kg.runtime.cache.ONTOLOGY, ontology)
    monkeypatch.setattr(kg.runtime.cache, "ONTOLOGY", ontology)
    before = kg.runtime.cache.version_key()
    ontology.write_text(ontology.read_text(encoding="utf-8") + "# a new comment line\n", encoding="utf-8")
    assert kg.runtime.cache.version_key() != before
