"""The output runner: the other processes (kg.runtime.output_process) give the same files and pass warnings on."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest

from kg.model import EntityType, KnowledgeGraph
from kg.outputs import BACKGROUND, OUTPUTS, run_concurrently, run_in_order
from kg.runtime.output_process import run_outputs
from kg.settings import Settings


def _files(out: Path) -> dict[str, bytes]:
    skip = ("oxigraph", "ladybug")  # binary stores: same data, not the same bytes (tests/test_determinism.py)
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not str(p.relative_to(out)).startswith(skip)}


def test_overlapped_outputs_equal_serial_ones(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    names = list(OUTPUTS)
    together, _ = run_outputs(small_graph, Settings(out=tmp_path / "a", progress=False), names)
    alone, timings = run_outputs(small_graph, Settings(out=tmp_path / "b", progress=False), names, overlap=False)
    assert [p.relative_to(tmp_path / "a") for p in together] == [p.relative_to(tmp_path / "b") for p in alone]
    assert _files(tmp_path / "a") == _files(tmp_path / "b") != {}
    assert list(timings) == names
    assert all((tmp_path / "a" / store).is_dir() for store in ("oxigraph", "ladybug"))


def test_warnings_of_the_second_process_are_logged_here(
    small_graph: KnowledgeGraph, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert any("shacl" in group for group in BACKGROUND)
    entities = tuple(replace(e, attrs=()) if e.type is EntityType.REGION else e for e in small_graph.entities)
    broken = replace(small_graph, entities=entities)
    with caplog.at_level(logging.WARNING, logger="kg"):
        run_outputs(broken, Settings(out=tmp_path, progress=False), ["graph", "shacl"])
    assert any("SHACL: 2 violation(s)" in r.getMessage() for r in caplog.records)


def test_errors_of_the_second_process_are_raised_here(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    (tmp_path / "oxigraph").write_text("a file where the store folder goes", encoding="utf-8")
    (tmp_path / "oxigraph").chmod(0o444)
    with pytest.raises(NotADirectoryError):  # the store's own error, raised in the parent
        run_outputs(small_graph, Settings(out=tmp_path, progress=False), ["graph", "oxigraph"])
    assert (tmp_path / "graph.jsonl").is_file()


def test_threaded_writers_all_finish_before_an_error_is_raised(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    (tmp_path / "oxigraph").write_text("a file where the store folder goes", encoding="utf-8")
    (tmp_path / "oxigraph").chmod(0o444)
    settings = Settings(out=tmp_path, progress=False)
    with pytest.raises(NotADirectoryError):
        run_concurrently(small_graph, settings, ["oxigraph", "rdf", "shacl"])
    assert (tmp_path / "rdf" / "graph.nq").is_file() and (tmp_path / "shacl-report.ttl").is_file()


def test_threaded_writers_equal_serial_ones(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    names = ["rdf", "shacl", "graph"]
    threaded, timings = run_concurrently(small_graph, Settings(out=tmp_path / "a", progress=False), names)
    serial, _ = run_in_order(small_graph, Settings(out=tmp_path / "b", progress=False), names)
    assert list(timings) == names
    assert {n: [p.relative_to(tmp_path / "a") for p in ps] for n, ps in threaded.items()} == \
        {n: [p.relative_to(tmp_path / "b") for p in ps] for n, ps in serial.items()}
    assert _files(tmp_path / "a") == _files(tmp_path / "b") != {}
