"""A `kg build -j 2` stopped mid-extraction leaves no process behind (issue #23).

Killed by SIGKILL, its workers die with it (the kernel's parent-death signal) instead of waiting forever
on a pipe, holding the caller's stdout; stopped by SIGTERM or SIGINT it stops as Ctrl-C stops it: workers
killed, one line `aborted`, exit 130, the lock released, no mark on an OUT whose outputs did not change.
Processes are looked up in /proc (Linux); the caller's pipes must reach end-of-file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.generate import generate
from kg.runtime.lock import LOCK_NAME, MARKER_NAME, BuildLock
from tests.build_trees import ROOT, SEEDS
from tests.pausing_kg import PAUSE_ENV

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")

WAIT = 20.0
"""Seconds allowed for the stopped build's processes to go and its pipes to close (they take well under one)."""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 270 generated pages: a few seconds of extraction with two workers, so a stop lands mid-way."""
    root = tmp_path_factory.mktemp("corpus")
    generate(1_000_000, root, seed=3)
    return root / "pages"


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, start time) of a process from /proc/PID/stat, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[1]), int(fields[19])


def _descendants(pid: int) -> dict[int, int]:
    """Every live descendant of `pid`: pid → start time (so a reused pid is not mistaken for it)."""
    parents: dict[int, list[int]] = {}
    starts: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (st := _stat(int(entry))) is not None and st[0] != "Z":
            parents.setdefault(st[1], []).append(int(entry))
            starts[int(entry)] = st[2]
    found, todo = {}, [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found[child] = starts[child]
            todo.append(child)
    return found


def _alive(procs: dict[int, int]) -> list[int]:
    """Those of `procs` still running (a zombie waiting for init to reap it has ended)."""
    return [pid for pid, start in procs.items() if (st := _stat(pid)) is not None and st[2] == start and st[0] != "Z"]


def _default_sigint() -> None:
    """In the child before exec: SIGINT back to its default, as a shell gives it to a command it runs in the
    foreground (a runner started in the background may ignore SIGINT, and ignored signals stay ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _cache_entries(out: Path) -> int:
    return sum(1 for _ in out.glob(".cache/extract/*/*/*.pickle"))


def _reap(proc: subprocess.Popen[bytes], pids: dict[int, int]) -> None:
    """Kill whatever of the build and its children a failed test left running."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    for pid in _alive(pids):
        os.kill(pid, signal.SIGKILL)
    proc.wait(timeout=30)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_a_stopped_build_leaves_no_process_and_closes_its_pipes(sig: signal.Signals, corpus: Path,
                                                                 tmp_path: Path) -> None:
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "kg", "build", str(corpus), "--out", str(out), "-q", "-j", "2", "--only", "articles"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=_default_sigint)
    workers: dict[int, int] = {}
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2 or _cache_entries(out) < 8:  # both workers up, extraction under way
            assert proc.poll() is None, f"the build ended before it could be stopped: {proc.stderr.read()!r}"
            assert time.monotonic() < deadline, "extraction did not start"
            workers.update(_descendants(proc.pid))
            time.sleep(0.01)
        workers.update(_descendants(proc.pid))
        proc.send_signal(sig)  # to the build process alone, as `kill PID` or a supervisor sends it
        try:
            stdout, stderr = proc.communicate(timeout=WAIT)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the caller's pipes stayed open {WAIT:.0f} s after {sig.name}: "
                                 f"{len(_alive(workers))} worker(s) still hold them") from None
        deadline = time.monotonic() + WAIT
        while _alive(workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _alive(workers) == [], f"processes left running after {sig.name}"
        assert _cache_entries(out) < 270, "stopped before the end of extraction"
        if sig == signal.SIGKILL:
            assert proc.returncode == -signal.SIGKILL
        else:
            assert proc.returncode == 130, stderr
            assert stderr.decode().strip() == "aborted" and stdout == b""
            assert (out / LOCK_NAME).read_bytes() == b"" and not (out / MARKER_NAME).exists()
        with BuildLock(out):  # released either way
            pass
    finally:
        _reap(proc, workers)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=lambda s: s.name)
def test_a_build_stopped_while_writing_outputs_leaves_no_process(sig: signal.Signals, tmp_path: Path) -> None:
    """The output processes (forked, one per group) go with the build too; stopped by SIGTERM the build
    keeps OUT's mark, since some outputs are already new."""
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "tests.pausing_kg", "build",
           str(SEEDS), "--out", str(out), "-q", "-j", "2", "--no-cache"]
    env = {**os.environ, PAUSE_ENV: "graph.nq"}  # the RDF group's process pauses before renaming graph.nq
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    children: dict[int, int] = {}
    try:
        deadline = time.monotonic() + 120
        while len(children) < 3 or not (out / "rdf" / "graph.ttl").exists():  # three output processes, RDF begun
            assert proc.poll() is None, f"the build ended before it could be stopped: {proc.stderr.read()!r}"
            assert time.monotonic() < deadline, "the outputs did not start"
            children.update(_descendants(proc.pid))
            time.sleep(0.01)
        children.update(_descendants(proc.pid))
        proc.send_signal(sig)
        try:
            _, stderr = proc.communicate(timeout=WAIT)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the caller's pipes stayed open {WAIT:.0f} s after {sig.name}") from None
        deadline = time.monotonic() + WAIT
        while _alive(children) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _alive(children) == [], f"processes left running after {sig.name}"
        assert not (out / "rdf" / "graph.nq").exists()
        if sig == signal.SIGTERM:
            assert proc.returncode == 130 and stderr.decode().splitlines()[-1] == "aborted"
            assert "Traceback" not in stderr.decode()
            assert (out / MARKER_NAME).exists(), "outputs were replaced: OUT stays marked"
        with BuildLock(out):
            pass
    finally:
        _reap(proc, children)
