"""`kg eval` through click: table, --errors, JSON scores, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli

GOLD = {
    "doc": "a.txt",
    "entities": [
        {"type": "UnionBody", "name": "甲市总工会", "aliases": ["甲市总"]},
        {"type": "Region", "name": "甲市", "aliases": []},
    ],
    "relations": [{"subject": "甲市总工会", "predicate": "located_in", "object": "甲市", "evidence": "…"}],
}
GRAPH = [
    {"type": "node", "id": "u1", "labels": ["UnionBody"], "properties": {"name": "甲市总", "aliases": []}},
    {"type": "node", "id": "r1", "labels": ["Region"], "properties": {"name": "乙市", "aliases": []}},
    {
        "type": "relationship",
        "id": "x",
        "label": "LOCATED_IN",
        "start": {"id": "u1", "labels": ["UnionBody"]},
        "end": {"id": "r1", "labels": ["Region"]},
        "properties": {"confidence": 0.5, "evidence": []},
    },
]


def setup(tmp_path: Path) -> tuple[Path, Path]:
    out = tmp_path / "out"
    out.mkdir(parents=True)
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in GRAPH)
    (out / "graph.jsonl").write_text(lines, "utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(GOLD, ensure_ascii=False) + "\n", "utf-8")
    return out, gold


def test_eval_prints_table_errors_and_writes_json(tmp_path):
    out, gold = setup(tmp_path)
    res = CliRunner().invoke(cli, ["eval", str(gold), "--out", str(out), "--errors"])
    assert res.exit_code == 0, res.output
    assert "core entities" in res.output and "core relations" in res.output
    assert "- entity Region: 甲市" in res.output
    assert "+ entity Region: 乙市" in res.output
    assert "- relation located_in: UnionBody 甲市总工会 → Region 甲市" in res.output
    scores = json.loads((out / "eval.json").read_text("utf-8"))
    assert scores["entities"]["UnionBody"] == {
        "tp": 1,
        "fp": 0,
        "fn": 0,
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
    }
    assert scores["micro"]["core_entities"]["f1"] == 0.5
    assert scores["micro"]["core_relations"]["tp"] == 0


def test_eval_json_option_and_gold_folder(tmp_path):
    out, gold = setup(tmp_path)
    target = tmp_path / "s.json"
    res = CliRunner().invoke(cli, ["eval", str(tmp_path), "--out", str(out), "--json", str(target)])
    assert res.exit_code == 0, res.output
    assert json.loads(target.read_text("utf-8"))["entities"]["Region"]["fp"] == 1
    assert not (out / "eval.json").exists()


def test_eval_missing_graph_or_gold_is_one_line_error(tmp_path):
    out, gold = setup(tmp_path)
    (out / "graph.jsonl").unlink()
    res = CliRunner().invoke(cli, ["eval", str(gold), "--out", str(out)])
    assert res.exit_code != 0 and "graph.jsonl not found" in str(res.exception)
    out2, _ = setup(tmp_path / "x")
    res = CliRunner().invoke(cli, ["eval", str(tmp_path / "nope.jsonl"), "--out", str(out2)])
    assert res.exit_code != 0 and "gold file not found" in str(res.exception)


def test_eval_error_through_entry_point_is_one_line(tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    res = subprocess.run(
        [sys.executable, "-m", "kg", "eval", str(tmp_path / "g.jsonl"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and "not found" in res.stderr


HOSTILE_GOLD = {
    "deeply nested": "[" * 100_000 + "]" * 100_000 + "\n",
    "deeply nested value": '{"entities": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
    "5001-digit number": '{"entities": [], "n": ' + "7" * 5001 + "}\n",
    "lone surrogate": '{"entities": [{"type": "UnionBody", "name": "\\ud800"}], "relations": []}\n',
    "not UTF-8": b'{"entities": []}\n\xff\xfe\n',
    "not JSON": "{oops\n",
}


def _kg(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, env=env)


def test_hostile_gold_files_are_one_line_errors_with_exit_2(tmp_path):
    out, _ = setup(tmp_path)
    for name, text in HOSTILE_GOLD.items():
        gold = tmp_path / f"{name.replace(' ', '-')}.jsonl"
        if isinstance(text, bytes):
            gold.write_bytes(text)
        else:
            gold.write_text(text, encoding="utf-8")
        res = _kg("eval", str(gold), "--out", str(out))
        assert res.returncode == 2, (name, res.stderr[-300:])
        assert res.stderr.count("\n") == 1 and f"{gold}:" in res.stderr and "Traceback" not in res.stderr, name
        assert not (out / "eval.json").exists(), name


def test_an_empty_gold_file_is_scored_with_a_warning(tmp_path):
    out, _ = setup(tmp_path)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    res = _kg("eval", str(empty), "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert f"no gold facts in {empty}" in res.stderr
    assert json.loads((out / "eval.json").read_text("utf-8"))["micro"]["core_entities"]["tp"] == 0
