"""`kg viz`: whole graph or one entity's neighbourhood from a built folder; clear errors for bad names."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kg.export.html import find_entity, render_html
from kg.export.jsonl import write_articles, write_graph
from kg.model import KnowledgeGraph
from kg.settings import Settings


def run_kg(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, env=env)


def labels(page: Path) -> set[str]:
    block = re.search(r'id="kg-data">(.*?)</script>', page.read_text(encoding="utf-8"), re.S)
    return {n["label"] for n in json.loads(block.group(1))["nodes"]}


@pytest.fixture
def built(small_graph: KnowledgeGraph, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    write_graph(small_graph, Settings(out=out))
    write_articles(small_graph, Settings(out=out))
    return out


def test_whole_graph(small_graph: KnowledgeGraph, built: Path) -> None:
    result = run_kg("viz", "--out", str(built))
    assert result.returncode == 0, result.stderr
    page = built / "graph.html"
    assert f"wrote {page} (8 entities, 6 relations)" in result.stdout
    assert page.read_text(encoding="utf-8") == render_html(small_graph)  # same page `kg build` writes


def test_focus_by_alias(small_graph: KnowledgeGraph, built: Path) -> None:
    union = find_entity(small_graph, "某市总工会")
    result = run_kg("viz", "--out", str(built), "--focus", "市总", "--depth", "1")
    assert result.returncode == 0, result.stderr
    page = built / f"focus-{union.id}-d1.html"
    assert "(5 entities, 4 relations)" in result.stdout
    assert {"某市总工会", "暖心驿站项目", "某市", "某市人社局"} <= labels(page)
    html = page.read_text(encoding="utf-8")
    assert "<title>某市总工会 · depth 1</title>" in html and f'"focus":"{union.id}"' in html


def test_focus_with_types_to_a_file(built: Path, tmp_path: Path) -> None:
    target = tmp_path / "view.html"
    result = run_kg("viz", "--out", str(built), "--focus", "某市总工会", "--depth", "3",
                    "--types", "Region", "--types", "unionbody", "--file", str(target))
    assert result.returncode == 0, result.stderr
    assert labels(target) == {"某市总工会", "某市", "某省"}


def test_unknown_name_lists_close_matches(built: Path) -> None:
    result = run_kg("viz", "--out", str(built), "--focus", "某市总工委")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no entity named '某市总工委'" in result.stderr and "某市总工会" in result.stderr
    assert not list(built.glob("focus-*"))


def test_missing_graph_and_bad_type(tmp_path: Path, built: Path) -> None:
    result = run_kg("viz", "--out", str(tmp_path / "nothing"))
    assert result.returncode == 2 and "graph.jsonl not found" in result.stderr
    result = run_kg("viz", "--out", str(built), "--types", "Union")
    assert result.returncode == 2 and "unknown type 'Union'" in result.stderr
