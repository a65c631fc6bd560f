"""`kg viz --file` and `kg eval --json` never overwrite kg's own outputs in OUT nor the files they read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.cli._targets import OWN_OUTPUTS, check_target
from kg.errors import InputError
from kg.export.formats import EXPORTERS
from kg.outputs import OUTPUTS, run_in_order
from kg.runtime.lock import LOCK_NAME, MARKER_NAME
from kg.settings import CACHE_DIR, Settings
from tests.cli.test_evaluate_cli import GOLD


def _kg(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, env=env)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import make_graph

    out = tmp_path_factory.mktemp("targets") / "out"
    run_in_order(make_graph(), Settings(out=out, progress=False), list(OUTPUTS))
    return out


def test_the_protected_names_are_what_the_writers_write(built: Path) -> None:
    written = {p.name for p in built.iterdir()}
    assert written <= OWN_OUTPUTS
    exported = {Path(e.default).parts[0] for e in EXPORTERS.values()}
    assert OWN_OUTPUTS - written == {"eval.json", CACHE_DIR, LOCK_NAME, MARKER_NAME} | (exported - written)


def _snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_viz_file_over_an_output_is_refused(built: Path, tmp_path: Path) -> None:
    before = _snapshot(built)
    link = tmp_path / "innocent.html"
    link.symlink_to(built / "articles.jsonl")
    for target in (built / "graph.jsonl", built / "rdf" / "graph.nt", built / "oxigraph" / "x.html", link):
        result = _kg("viz", "--out", str(built), "--file", str(target))
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1 and "would overwrite kg's own output" in result.stderr
    assert _snapshot(built) == before


def test_eval_json_over_an_output_or_a_gold_file_is_refused(built: Path, tmp_path: Path) -> None:
    import json

    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(GOLD, ensure_ascii=False) + "\n", encoding="utf-8")
    before = _snapshot(built)
    for target, says in ((built / "graph.jsonl", "a file this command reads"),
                         (built / "neo4j-import" / "nodes_Region.csv", "kg's own output neo4j-import"),
                         (built / "graph.html", "kg's own output graph.html"),
                         (gold, "a file this command reads")):
        result = _kg("eval", str(gold), "--out", str(built), "--json", str(target))
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1 and says in result.stderr, result.stderr
    assert _snapshot(built) == before
    assert gold.read_text(encoding="utf-8") == json.dumps(GOLD, ensure_ascii=False) + "\n"


def test_the_commands_own_files_and_files_elsewhere_are_allowed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for target, own in ((out / "graph.html", "graph.html"), (out / "eval.json", "eval.json"),
                        (out / "focus-x-d1.html", "graph.html"), (tmp_path / "graph.jsonl", "eval.json"),
                        (out / "sub" / "page.html", "graph.html")):
        check_target(out, target, "--file", own)
    with pytest.raises(InputError):
        check_target(out, out / "eval.json", "--file", "graph.html")
    with pytest.raises(InputError):
        check_target(out, out / "graph.html" / "x", "--file", "graph.html")


def test_viz_to_a_page_of_its_own_in_out_works(built: Path) -> None:
    result = _kg("viz", "--out", str(built), "--file", str(built / "graph.html"))
    assert result.returncode == 0, result.stderr
