"""The CLI: every command has --help with an example; bad input gives one line and a non-zero exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from kg.cli import COMMANDS, LazyGroup, cli


def _all_commands() -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    ctx = click.Context(cli)
    for name in LazyGroup.list_commands(cli, ctx):  # type: ignore[arg-type]
        cmd = cli.get_command(ctx, name)
        assert cmd is not None, name
        found.append((name,))
        if isinstance(cmd, click.Group):
            found += [(name, sub) for sub in cmd.list_commands(ctx)]
    return found


def run_kg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, cwd=cwd, env=env)


def test_registry_lists_every_command() -> None:
    assert {c[0] for c in _all_commands()} == set(COMMANDS)


@pytest.mark.parametrize("path", [(), *_all_commands()], ids=lambda p: " ".join(p) or "kg")
def test_help_shows_an_example(path: tuple[str, ...]) -> None:
    result = run_kg(*path, "--help")
    assert result.returncode == 0, result.stderr
    assert "Example" in result.stdout


def test_missing_input_is_one_line_error(tmp_path: Path) -> None:
    result = run_kg("build", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "not found" in result.stderr


def test_no_text_found(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = run_kg("build", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-q")
    assert result.returncode == 2
    assert "no text" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_out(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    src = tmp_path / "a.txt"
    src.write_text("某市总工会开展“暖心行动”。", encoding="utf-8")
    result = run_kg("build", str(src), "--out", str(locked / "out"), "-q")
    assert result.returncode == 3
    assert "cannot write" in result.stderr


def test_out_is_a_file(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("某市总工会开展“暖心行动”。", encoding="utf-8")
    blocker = tmp_path / "out"
    blocker.write_text("x", encoding="utf-8")
    result = run_kg("build", str(src), "--out", str(blocker), "-q")
    assert result.returncode == 3
    assert "cannot write" in result.stderr
    assert "Traceback" not in result.stderr


def test_readers_warn_about_an_unfinished_build(small_graph, tmp_path: Path) -> None:
    from kg.export.jsonl import write_graph
    from kg.runtime.lock import MARKER_NAME
    from kg.settings import Settings

    write_graph(small_graph, Settings(out=tmp_path, progress=False))
    clean = run_kg("stats", "--out", str(tmp_path))
    assert clean.returncode == 0 and "did not finish" not in clean.stderr
    (tmp_path / MARKER_NAME).write_text("", encoding="utf-8")
    marked = run_kg("stats", "--out", str(tmp_path))
    assert marked.returncode == 0, marked.stderr
    assert "did not finish" in marked.stderr and "Traceback" not in marked.stderr
    assert marked.stdout == clean.stdout


@pytest.mark.parametrize("iri", ["https://example.org/a b/", "https://example.org/> <https://evil.example/p> 1 .#",
                                 "example.org/", "https://example.org/kg", ""])
def test_build_refuses_an_unusable_base_iri(tmp_path: Path, iri: str) -> None:
    """A space made graph.nt and graph.nq unparseable (exit 0), a '>' injected triples into the Turtle
    prefixes: the base IRI is checked before anything is written."""
    src = tmp_path / "a.txt"
    src.write_text("某市总工会开展“暖心行动”。", encoding="utf-8")
    result = run_kg("build", str(src), "--out", str(tmp_path / "out"), "-q", "--base-iri", iri)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "--base-iri is not a usable base IRI" in result.stderr
    assert not (tmp_path / "out").exists()


def test_build_refuses_an_unusable_base_iri_from_the_environment(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("某市总工会开展“暖心行动”。", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "KG_BASE_IRI": "https://example.org/a b/"}
    result = subprocess.run([sys.executable, "-m", "kg", "build", str(src), "--out", str(tmp_path / "out"), "-q"],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 2 and "KG_BASE_IRI is not a usable base IRI" in result.stderr
    assert not (tmp_path / "out").exists()


def test_build_mints_iris_under_a_usable_base_iri(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("某市总工会开展“暖心行动”。", encoding="utf-8")
    out = tmp_path / "out"
    result = run_kg("build", str(src), "--out", str(out), "-q", "--only", "rdf", "--base-iri", "https://example.org/kg#")
    assert result.returncode == 0, result.stderr
    import pyoxigraph as ox

    subjects = {q.subject.value for q in ox.parse(path=str(out / "rdf" / "graph.nt"), format=ox.RdfFormat.N_TRIPLES)}
    assert subjects and all(s.startswith("https://example.org/kg#") for s in subjects)


def test_stats_on_a_truncated_graph_is_a_one_line_error(small_graph, tmp_path: Path) -> None:
    from kg.export.jsonl import write_graph
    from kg.settings import Settings

    write_graph(small_graph, Settings(out=tmp_path, progress=False))
    graph = tmp_path / "graph.jsonl"
    text = graph.read_text(encoding="utf-8")
    lines = text.count("\n")
    graph.write_text(text[: len(text) - 40], encoding="utf-8")  # cut inside the last record
    result = run_kg("stats", "--out", str(tmp_path))
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"graph.jsonl:{lines}: not JSON" in result.stderr and "kg build" in result.stderr
