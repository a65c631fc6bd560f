"""`kg query --format csv` is spreadsheet-safe: text a spreadsheet would run as a formula starts with '."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.cli._format import OutputFormat, format_rows
from kg.export.spreadsheet import FORMULA_START
from kg.settings import Settings
from tests.conftest import make_graph

FORMULAS = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=x", "\r=x", "=HYPERLINK(\"http://x\")"]


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_formula_text_gets_a_quote_and_numbers_and_json_stay_exact() -> None:
    rows = [[f, -5, 2.5, None, [f], "plain", "a=b"] for f in FORMULAS]
    cells = _csv(format_rows(["f", "n", "x", "none", "list", "p", "=col"], rows, OutputFormat.CSV))
    assert cells[0] == ["f", "n", "x", "none", "list", "p", "'=col"]
    for f, row in zip(FORMULAS, cells[1:], strict=True):
        assert row == ["'" + f, "-5", "2.5", "", json.dumps([f]), "plain", "a=b"]
        assert not row[0].startswith(FORMULA_START)
    records = json.loads(format_rows(["f", "n"], [[f, -5] for f in FORMULAS], OutputFormat.JSON))
    assert [r["f"] for r in records] == FORMULAS and {r["n"] for r in records} == {-5}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kg.stores.ladybug_store import write_store
    from kg.stores.oxigraph_store import write_store as write_sparql_store

    out = tmp_path_factory.mktemp("fmt")
    settings = Settings(out=out, progress=False)
    write_store(make_graph(), settings)
    write_sparql_store(make_graph(), settings)
    return out


@pytest.mark.parametrize(("engine", "query"), [
    ("cypher", "RETURN '=1+1' AS f, -5 AS n, '@x' AS a"),
    ("sparql", "SELECT ?f ?n ?a WHERE { BIND('=1+1' AS ?f) BIND(-5 AS ?n) BIND('@x' AS ?a) }"),
])
def test_kg_query_csv_quotes_formula_cells(built: Path, engine: str, query: str) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    argv = [sys.executable, "-m", "kg", "query", engine, query, "--out", str(built), "--format", "csv"]
    result = subprocess.run(argv, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert _csv(result.stdout) == [["f", "n", "a"], ["'=1+1", "-5", "'@x"]]


def test_a_lone_cr_or_a_comma_stays_inside_its_field() -> None:
    text = format_rows(["a", "b"], [["x\ry", "p,q"], ['say "hi"\n', "z"]], OutputFormat.CSV)
    assert _csv(text) == [["a", "b"], ["x\ry", "p,q"], ['say "hi"\n', "z"]]
