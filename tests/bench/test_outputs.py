"""bench.outputs: each writer timed alone in a forked child, after the derivation it reads."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bench import outputs as bench_outputs
from bench.outputs import DERIVATIONS, NEEDS, _alone, main, table
from kg.outputs import BACKGROUND, OUTPUTS, prepare_shared


def test_every_writer_of_a_family_reads_its_derivation() -> None:
    rows = DERIVATIONS["property-graph rows"]
    assert {n for n, need in NEEDS.items() if need is prepare_shared} == {n for g in BACKGROUND for n in g}
    assert {n for n, need in NEEDS.items() if need is rows} == {"neo4j_csv", "graphml", "ladybug"}
    assert set(NEEDS) <= set(OUTPUTS)


def test_alone_times_the_run_in_a_child_and_not_what_comes_before(tmp_path: Path) -> None:
    mark = tmp_path / "pid"

    def before() -> None:  # untimed: half a second of CPU
        end = time.process_time() + 0.5
        while time.process_time() < end:
            pass

    def run() -> None:
        mark.write_text(str(os.getpid()))
        time.sleep(0.2)

    report = _alone(run, before)
    assert int(mark.read_text()) != os.getpid()
    assert report["wall"] >= 0.2
    assert report["cpu"] < 0.4  # the half second of `before` is not counted


def test_alone_raises_the_childs_error() -> None:
    def run() -> None:
        raise ValueError("broken writer")

    with pytest.raises(click.ClickException, match="ValueError: broken writer"):
        _alone(run, None)


def test_table_sums_and_divides_by_the_cores() -> None:
    items = {"RDF terms": {"wall": 1.0, "cpu": 1.0}, "shacl": {"wall": 2.0, "cpu": 3.0}}
    result = {"size": "1MB", "entities": 5, "relations": 7, "items": items, "wall": 3.0, "cpu": 4.0,
              "machine": {"cores": 2}}
    lines = table(result)
    assert lines[-1] == "floor of the outputs phase on 2 cores: 2.00 s"
    assert lines[-2].split() == ["total", "3.00", "4.00"]


def test_command_measures_the_chosen_writers_on_a_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = tmp_path / "corpus-tiny-seed1" / "pages"
    pages.mkdir(parents=True)
    seed = Path(__file__).resolve().parents[2] / "seeds"
    for page in sorted(seed.glob("*.txt"))[:2]:
        (pages / page.name).write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    (pages.parent / "truth.jsonl").write_text("", encoding="utf-8")
    monkeypatch.setattr(bench_outputs, "corpus", lambda size, seed, root: pages.parent)
    result = CliRunner().invoke(main, ["--size", "tiny", "--only", "graph", "--only", "graphml",
                                       "--work", str(tmp_path), "--results", str(tmp_path / "results")])
    assert result.exit_code == 0, result.output
    saved = json.loads((tmp_path / "results" / "outputs-tiny.json").read_text(encoding="utf-8"))
    assert list(saved["items"]) == ["RDF terms", "property-graph rows", "graph", "graphml"]
    assert saved["entities"] > 0 and saved["cpu"] > 0
    assert (tmp_path / "out-tiny-outputs" / "graph.graphml").is_file()
    assert "floor of the outputs phase" in result.output
