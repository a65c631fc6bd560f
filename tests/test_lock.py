"""kg.lock: one build per OUT (flock on OUT/.kg.lock), the incomplete mark, and what readers are told."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.errors import OutputError
from kg.export.atomic import PAUSE_ENV, write_text
from kg.lock import LOCK_NAME, MARKER_NAME, BuildLock, guarded_build, incomplete_warning
from tests.build_trees import ROOT, SEEDS, kg_build

HOLD = "import sys,time; from pathlib import Path; from kg.lock import BuildLock; " \
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
        with pytest.raises(OutputError, match=rf"another kg build \(pid {os.getpid()}\) is writing to"):
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
    cmd = [sys.executable, "-m", "kg", "build", str(seed), "--out", str(out), "-q", "-j", "1", "--only", "articles"]
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
            f"error: another kg build (pid {first.pid}) is writing to {out}; "
            "wait for it to finish or choose another --out")
        assert took < 15, f"refusal took {took:.1f}s"
        assert sorted(p.name for p in out.iterdir()) == before
        assert first.poll() is None
    finally:
        _reap(first)


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
    (tmp_path / "rdf" / ".graph.nq.x1y2.tmp").write_text("half")
    (tmp_path / ".oxigraph.abc.tmp").mkdir()
    with guarded_build(tmp_path):
        pass
    assert sorted(p.name for p in tmp_path.rglob("*")) == [LOCK_NAME, "rdf"]


def test_readers_warning(tmp_path: Path) -> None:
    assert incomplete_warning(tmp_path) is None
    (tmp_path / MARKER_NAME).write_text("interrupted\n")
    assert "did not finish" in (incomplete_warning(tmp_path) or "")
    with BuildLock(tmp_path):
        assert "is writing" in (incomplete_warning(tmp_path) or "")
