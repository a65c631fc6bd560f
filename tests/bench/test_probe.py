"""bench.probe: its verdicts, and a run of two probes through its command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.probe import PLANTED, PROBES, Outcome, Report, Run, plant, planted_lost

ROOT = Path(__file__).resolve().parents[2]


def test_run_problem_names_what_went_wrong() -> None:
    assert Run(2, "", "error: x\n", 1.0).problem((0, 2)) == ""
    assert Run(1, "", "Traceback (most recent call last):\n  …\nValueError: bad\n", 1.0).problem((0,)) == (
        "traceback: ValueError: bad")
    assert Run(None, "", "", 60.0, timed_out=True).problem((0,)) == "still running after 60 s"
    assert Run(1, "", "error: disk\n", 1.0).problem((0, 3)).startswith("exit 1, expected 0/3")


def test_planted_files_are_counted_when_lost(tmp_path: Path) -> None:
    plant(tmp_path)
    assert planted_lost(tmp_path) == 0
    victim = next(iter(PLANTED))
    (tmp_path / victim).unlink()
    assert planted_lost(tmp_path) == len(PLANTED[victim])


def test_report_figures() -> None:
    report = Report([Outcome("a", "inputs", True), Outcome("kills", "kills", False, "x", lost=10, kills=4, survived=3)])
    assert report.lines()[-2:] == ["probes tried: 2   passed: 1   failed: 1", "kills survived: 3 of 4   bytes lost: 10"]


def test_every_category_is_probed() -> None:
    assert {p.category for p in PROBES.values()} == {"inputs", "arguments", "queries", "output folder", "kills"}


def test_command_runs_chosen_probes(tmp_path: Path) -> None:
    report = tmp_path / "probe.json"
    done = subprocess.run([sys.executable, "-m", "bench.probe", "--only", "empty_file", "--only", "gbk_text",
                           "--json", str(report)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-2].startswith("probes tried: 2   passed: 2   failed: 0")
    assert [(o["name"], o["ok"]) for o in json.loads(report.read_text(encoding="utf-8"))] == [
        ("empty_file", True), ("gbk_text", True)]
