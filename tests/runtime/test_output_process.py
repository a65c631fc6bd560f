"""The build's other processes (kg.runtime.output_process): forked when the build runs one thread, a fresh
interpreter otherwise; either way the same files, the children's warnings logged here, their errors raised here."""

from __future__ import annotations

import logging
import pickle
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from kg.model import EntityType, KnowledgeGraph
from kg.outputs import BACKGROUND, run_in_order
from kg.runtime.output_process import OutputProcess, run_groups, single_threaded
from kg.runtime.progress import Bar
from kg.settings import Settings

NAMES = [n for group in BACKGROUND for n in group]

FRESH = """
import logging, pickle, sys
from pathlib import Path
from kg.runtime.output_process import OutputProcess, can_fork
from kg.outputs import BACKGROUND
from kg.settings import Settings
logging.basicConfig(level=logging.WARNING, format="LOGGED %(message)s", stream=sys.stdout)
graph = pickle.loads(Path(sys.argv[1]).read_bytes())
print("can_fork", can_fork())
try:
    with OutputProcess(graph, Settings(out=Path(sys.argv[2]), progress=False), BACKGROUND) as child:
        paths, seconds = child.result()
    print("mode", child.mode, "wrote", ",".join(sorted(seconds)))
except Exception as exc:
    print("raised", type(exc).__name__, "mode", child.mode)
"""


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not str(p.relative_to(out)).startswith("oxigraph")}


def _fresh(graph: KnowledgeGraph, out: Path, tmp_path: Path) -> str:
    """Run OutputProcess on `graph` in a fresh interpreter (one thread, so it may fork): what it printed."""
    job = tmp_path / "graph.pickle"
    job.write_bytes(pickle.dumps(graph))
    proc = subprocess.run([sys.executable, "-c", FRESH, str(job), str(out)], capture_output=True, text=True,
                          timeout=300, check=True)
    return proc.stdout


def test_a_second_thread_is_seen() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not single_threaded()
    finally:
        stop.set()
        thread.join()


def test_progress_bars_start_no_thread() -> None:
    before = threading.active_count()
    with Bar(total=3, disable=True) as bar:
        bar.update()
        assert threading.active_count() == before


def test_forked_children_write_what_a_serial_run_writes(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    printed = _fresh(small_graph, tmp_path / "forked", tmp_path)
    assert "can_fork True" in printed
    assert f"mode fork wrote {','.join(sorted(NAMES))}" in printed
    run_in_order(small_graph, Settings(out=tmp_path / "serial", progress=False), NAMES)
    assert _files(tmp_path / "forked") == _files(tmp_path / "serial") != {}
    assert (tmp_path / "forked" / "oxigraph").is_dir()


def test_spawned_child_writes_what_a_serial_run_writes(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    with OutputProcess(small_graph, Settings(out=tmp_path / "spawned", progress=False), BACKGROUND,
                       fork=False) as child:
        paths, seconds = child.result()
    assert child.mode == "spawn" and sorted(seconds) == sorted(NAMES)
    run_in_order(small_graph, Settings(out=tmp_path / "serial", progress=False), NAMES)
    assert _files(tmp_path / "spawned") == _files(tmp_path / "serial") != {}


def _broken(graph: KnowledgeGraph) -> KnowledgeGraph:
    """Regions without their attributes: two SHACL violations, logged as a warning."""
    entities = tuple(replace(e, attrs=()) if e.type is EntityType.REGION else e for e in graph.entities)
    return replace(graph, entities=entities)


def test_warnings_of_forked_children_are_logged_in_the_build(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    printed = _fresh(_broken(small_graph), tmp_path / "out", tmp_path)
    assert "mode fork" in printed
    assert printed.count("LOGGED SHACL: 2 violation(s)") == 1  # once: the child's copy is not printed


def test_errors_of_forked_children_are_raised_in_the_build(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "oxigraph").write_text("a file where the store folder goes", encoding="utf-8")
    (out / "oxigraph").chmod(0o444)
    printed = _fresh(small_graph, out, tmp_path)
    assert "raised NotADirectoryError mode fork" in printed
    assert (out / "rdf" / "graph.nq").is_file()  # the other group's process finished its work


def test_warnings_of_a_spawned_child_are_logged_here(
    small_graph: KnowledgeGraph, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="kg"), OutputProcess(
            _broken(small_graph), Settings(out=tmp_path, progress=False), (("shacl",),), fork=False) as child:
        child.result()
    assert [r.getMessage() for r in caplog.records if "SHACL" in r.getMessage()] == [
        f"SHACL: 2 violation(s), details in {tmp_path / 'shacl-report.ttl'}"]


def test_a_process_that_cannot_fork_runs_every_group_itself(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)  # a second thread: no fork
    thread.start()
    results = [tmp_path / "result-0.pickle", tmp_path / "result-1.pickle"]
    try:
        run_groups(small_graph, Settings(out=tmp_path / "out", progress=False), BACKGROUND, results)
    finally:
        stop.set()
        thread.join()
    status, (paths, seconds), _ = pickle.loads(results[0].read_bytes())
    assert status == "ok" and sorted(seconds) == sorted(NAMES) and not results[1].exists()
