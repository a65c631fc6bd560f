"""kg.runtime.lock: one build per OUT (flock on OUT/.kg.lock), the incomplete mark, and what readers are told."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.errors import OutputError
from kg.export.jsonl import write_articles, write_graph
from kg.model import KnowledgeGraph
from kg.rdf.exports import write_rdf
from kg.runtime.atomic import write_text
from kg.runtime.lock import LOCK_NAME, MARKER_NAME, BuildLock, guarded_build, incomplete_warning, writing_into
from kg.settings import Settings
from tests.build_trees import ROOT, SEEDS, kg_build
from tests.pausing_kg import PAUSE_ENV

HOLD = "import sys,time; from pathlib import Path; from kg.runtime.lock import BuildLock; " \
       "BuildLock(Path(sys.argv[1])).acquire(); print('locked', flush=True); time.sleep(600)"


def _reap(proc: subprocess.Popen[str]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


def test_second_lock_is_refused_naming_the_holder(tmp_path: Path) -> None:
    with BuildLock(tmp_path):
        assert (tmp_path / LOCK_NAME).read_text() == f"{os.getpid()}\n"
        with pytest.raises(OutputError, match=rf"another kg process \(pid {os.getpid()}\) is writing to"):
            BuildLock(tmp_path).acquire()
    assert (tmp_path / LOCK_NAME).read_bytes() == b""
    with BuildLock(tmp_path):  # released: free again
        pass


def test_stale_lock_file_does_not_block(tmp_path: Path) -> None:
    (tmp_path / LOCK_NAME).write_text("999999\n")
    with BuildLock(tmp_path):
        assert (tmp_path / LOCK_NAME).read_text() == f"{os.getpid()}\n"


def test_unwritable_out_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="cannot write to output folder"):
        BuildLock(tmp_path / "file").acquire()


def test_sigkilled_holder_releases_the_lock(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "locked\n"
        with pytest.raises(OutputError, match=rf"\(pid {proc.pid}\)"):
            BuildLock(tmp_path).acquire()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        with BuildLock(tmp_path):  # the lock file stays, but the OS dropped the lock with the process
            pass
    finally:
        _reap(proc)


def test_forked_child_does_not_keep_the_lock(tmp_path: Path) -> None:
    """Worker processes forked during a build must not hold OUT's lock after the build is gone."""
    lock = BuildLock(tmp_path)
    lock.acquire()
    ready, say = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child only sleeps until killed
        os.write(say, b"up")
        time.sleep(600)
        os._exit(0)
    try:
        assert os.read(ready, 2) == b"up"  # the child runs (its fork hooks are done)
        lock.release()
        with BuildLock(tmp_path):
            pass
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        os.close(ready)
        os.close(say)


def test_second_build_into_the_same_out_refuses_at_once(tmp_path: Path) -> None:
    """Two real `kg build`s: the first, paused while writing, holds the lock; the second exits 3 in one
    line naming the first's pid, without touching OUT."""
    out, log = tmp_path / "out", tmp_path / "first.log"
    seed = sorted(SEEDS.glob("*.txt"))[0]
    cmd = [sys.executable, "-m", "tests.pausing_kg", "build",
           str(seed), "--out", str(out), "-q", "-j", "1", "--only", "articles"]
    with log.open("w") as err:
        first = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, PAUSE_ENV: "articles.jsonl"},
                                 stdout=subprocess.DEVNULL, stderr=err, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while "kg: paused before" not in log.read_text():
            assert first.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        before = sorted(p.name for p in out.iterdir())
        started = time.monotonic()
        second = kg_build(out, "-j", "1", "--only", "articles", inputs=(seed,))
        took = time.monotonic() - started
        assert second.returncode == 3
        assert second.stderr.strip() == (
            f"error: another kg process (pid {first.pid}) is writing to {out}; "
            "wait for it to finish or choose another --out")
        assert took < 15, f"refusal took {took:.1f}s"
        assert sorted(p.name for p in out.iterdir()) == before
        assert first.poll() is None
    finally:
        _reap(first)


@pytest.mark.parametrize("name", [LOCK_NAME, MARKER_NAME, ".kg-write-probe"])
def test_a_symlink_at_a_control_file_never_truncates_its_target(name: str, tmp_path: Path) -> None:
    """Issue #23: a symlink planted at OUT's lock, mark or write probe must not let a build write through it:
    the lock and the mark are refused in one line (exit 3), the probe is no longer a fixed name."""
    out, victim = tmp_path / "out", tmp_path / "victim.txt"
    out.mkdir()
    victim.write_text("precious\n")
    (out / name).symlink_to(victim)
    seed = sorted(SEEDS.glob("*.txt"))[0]
    result = kg_build(out, "-j", "0", "--only", "articles", inputs=(seed,))
    assert victim.read_text() == "precious\n"
    assert "Traceback" not in result.stderr
    if name == ".kg-write-probe":
        assert result.returncode == 0, result.stderr
        assert (out / name).is_symlink()
    else:
        assert result.returncode == OutputError.exit_code
        assert result.stderr.strip() == f"error: {out / name} is a symlink; kg will not write through it (remove it)"
        assert not (out / "articles.jsonl").exists()


def test_mark_is_removed_when_the_body_succeeds(tmp_path: Path) -> None:
    with guarded_build(tmp_path):
        assert (tmp_path / MARKER_NAME).exists()
        write_text(tmp_path / "a.txt", "new")
    assert not (tmp_path / MARKER_NAME).exists()


def test_failure_before_any_output_changed_leaves_no_mark(tmp_path: Path) -> None:
    write_text(tmp_path / "a.txt", "old")
    with pytest.raises(RuntimeError), guarded_build(tmp_path):
        raise RuntimeError("no text found")
    assert not (tmp_path / MARKER_NAME).exists()


def test_failure_after_an_output_changed_leaves_the_mark(tmp_path: Path) -> None:
    write_text(tmp_path / "a.txt", "old")
    with pytest.raises(RuntimeError), guarded_build(tmp_path):
        write_text(tmp_path / "a.txt", "new")
        raise RuntimeError("store failed")
    assert (tmp_path / MARKER_NAME).exists()


def test_an_earlier_mark_survives_a_failed_build(tmp_path: Path) -> None:
    (tmp_path / MARKER_NAME).write_text("interrupted\n")
    with pytest.raises(RuntimeError), guarded_build(tmp_path):
        raise RuntimeError("no text found")
    assert (tmp_path / MARKER_NAME).exists()


def test_guard_sweeps_temporaries_of_an_interrupted_build(tmp_path: Path) -> None:
    (tmp_path / "rdf").mkdir()
    (tmp_path / "rdf" / ".kg-tmp-graph.nq.x1y2").write_text("half")
    (tmp_path / ".kg-tmp-oxigraph.abc").mkdir()
    with guarded_build(tmp_path):
        pass
    assert sorted(p.name for p in tmp_path.rglob("*")) == [LOCK_NAME, "rdf"]


def test_readers_warning(tmp_path: Path) -> None:
    assert incomplete_warning(tmp_path) is None
    (tmp_path / MARKER_NAME).write_text("interrupted\n")
    assert "did not finish" in (incomplete_warning(tmp_path) or "")
    with BuildLock(tmp_path):
        assert "is writing" in (incomplete_warning(tmp_path) or "")


def test_writing_into_locks_only_under_out(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with writing_into(out, out / "sub" / "x.json"):
        with pytest.raises(OutputError, match="another kg process"):
            BuildLock(out).acquire()
    with writing_into(out, tmp_path / "elsewhere.json"), BuildLock(out):  # nothing held: free
        pass


def _built_out(graph: KnowledgeGraph, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    settings = Settings(out=out)
    for write in (write_graph, write_articles, write_rdf):
        write(graph, settings)
    return out


def test_commands_writing_into_out_fail_while_a_build_holds_it(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    out = _built_out(small_graph, tmp_path)
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"doc": "fixture.txt", "entities": [], "relations": []}\n', encoding="utf-8")

    def kg(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kg", *args, "--out", str(out)], cwd=ROOT,
                              capture_output=True, text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"})

    with BuildLock(out):  # as a running build holds it
        before = sorted(p.name for p in out.iterdir())
        for args in (["eval", str(gold)], ["viz"], ["validate"]):
            result = kg(*args)
            assert result.returncode == 3, (args, result.stderr)
            assert f"another kg process (pid {os.getpid()}) is writing to {out}" in result.stderr
            assert "Traceback" not in result.stderr
            assert result.stdout == ""  # refused before any work is shown
        assert sorted(p.name for p in out.iterdir()) == before  # nothing written, no temporary left
        elsewhere = tmp_path / "view.html"
        assert kg("viz", "--file", str(elsewhere)).returncode == 0
        assert kg("eval", str(gold), "--json", str(tmp_path / "s.json")).returncode == 0
    assert elsewhere.is_file() and (tmp_path / "s.json").is_file()
    for args in (["eval", str(gold)], ["viz"], ["validate"]):  # released: they write into OUT again
        assert kg(*args).returncode == 0, args
    assert {"eval.json", "graph.html", "shacl-report.ttl"} <= {p.name for p in out.iterdir()}


def test_a_deep_user_folder_under_out_does_not_stop_a_build(tmp_path: Path) -> None:
    """Issue #23: OUT may hold anything of the user's, 1,200 folders deep too (more than Python's recursion
    limit): the build's look at what changed under OUT walks it without recursion."""
    out = tmp_path / "out"
    deep = out / "mine"
    for _ in range(1200):
        deep = deep / "d"
        deep.mkdir(parents=deep.parent == out / "mine")
    (deep / "note.txt").write_text("mine\n")
    try:
        result = kg_build(out, "-j", "0", "--only", "articles", inputs=(sorted(SEEDS.glob("*.txt"))[0],))
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        assert (deep / "note.txt").read_text() == "mine\n"
    finally:
        while deep != out:  # shutil.rmtree recurses too: remove the chain by hand
            for child in deep.iterdir():
                child.unlink()
            deep.rmdir()
            deep = deep.parent
