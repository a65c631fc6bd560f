"""`kg build` killed with SIGKILL at several points over an OUT holding a previous good build.

The previous build is of two seed files, the killed builds are of all five, so every output can be
told apart: after each kill every output must equal its old bytes or its new bytes (never a part),
none may be missing, and any new one requires OUT/.kg-incomplete. The kills run one after another on
the same OUT (each build starting over what the last kill left); then one build must succeed, leave
no temporaries and equal a clean build (stores compared by dump, see tests/build_trees.py).

Kill points: by KG_TEST_PAUSE_AT (tests/pausing_kg.py runs kg with a pause patched in just before
renaming a named output into place), or by polling OUT for a store's temporary folder and killing
while the store is being loaded.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kg.runtime.lock import LOCK_NAME, MARKER_NAME, BuildLock
from tests.build_trees import ROOT, SEEDS, clean_build, fingerprint, kg_build, temporaries
from tests.pausing_kg import PAUSE_ENV

pytestmark = pytest.mark.slow

OWN = {LOCK_NAME, MARKER_NAME}
TIMEOUT = 180.0


@dataclass
class Kill:
    """Where to kill: at a pause before renaming `pause`, or as soon as `poll` (a glob) appears in OUT."""

    stage: str
    args: tuple[str, ...] = ()
    pause: str | None = None
    poll: str | None = None
    new: set[str] = field(default_factory=set)
    old: set[str] = field(default_factory=set)


KILLS = [
    Kill("extract (first cache entry written, not renamed)", pause="*.pickle"),
    Kill("after resolve (first output written, not renamed)", pause="articles.jsonl", old={"articles.jsonl"}),
    Kill("rdf (graph.ttl/.nt/.jsonld renamed, graph.nq not)", pause="graph.nq",
         new={"articles.jsonl", "graph.jsonl", "rdf/graph.ttl"}, old={"rdf/graph.nq", "rdf/graph.trig"}),
    Kill("oxigraph (store being bulk-loaded)", ("--only", "oxigraph"), poll=".kg-tmp-oxigraph.*",
         old={"oxigraph/ (dump)"}),
    Kill("html (graph.html written, not renamed)", ("--only", "html"), pause="graph.html", old={"graph.html"}),
    Kill("ladybug (store being loaded)", ("--only", "ladybug"), poll=".kg-tmp-ladybug.*", old={"ladybug/ (dump)"}),
    Kill("end (every output in place, mark not yet removed)", ("--only", "ladybug"), pause=MARKER_NAME,
         new={"ladybug/ (dump)"}),
]


def _start(out: Path, log: Path, kill: Kill) -> subprocess.Popen[bytes]:
    env = {**os.environ, **({PAUSE_ENV: kill.pause} if kill.pause else {})}
    cmd = [sys.executable, "-m", "tests.pausing_kg", "build",
           str(SEEDS), "--out", str(out), "-q", "-j", "2", *kill.args]
    with log.open("wb") as err:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=True)


def _wait_for(proc: subprocess.Popen[bytes], ready: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not ready():
        if proc.poll() is not None:
            raise AssertionError(f"build ended (exit {proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.002)


def _kill(out: Path, log: Path, kill: Kill) -> None:
    """Start a build, wait for the kill point, SIGKILL the build process, then reap its workers."""
    stale = set(out.glob(kill.poll)) if kill.poll else set()  # left by the last kill (random names)
    proc = _start(out, log, kill)
    try:
        if kill.pause:
            _wait_for(proc, lambda: b"kg: paused before" in log.read_bytes(), f"the pause at {kill.pause}")
        else:
            _wait_for(proc, lambda: bool(set(out.glob(kill.poll)) - stale), f"a new {kill.poll} to appear")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        with BuildLock(out):  # the OS released the lock, though forked workers may still be alive
            pass
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return fingerprint(clean_build(tmp_path_factory))


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("previous") / "out"
    result = kg_build(out, inputs=tuple(sorted(SEEDS.glob("*.txt"))[:2]))
    assert result.returncode == 0, result.stderr
    return out


def _check(now: dict[str, str], old: dict[str, str], new: dict[str, str], out: Path, kill: Kill) -> None:
    """Every output of `old` is still there and each is old or new bytes; anything new needs the mark."""
    assert set(old) - set(now) == set(), f"{kill.stage}: outputs gone"
    foreign = [n for n, h in now.items() if n not in OWN and h not in (old.get(n), new.get(n))]
    assert foreign == [], f"{kill.stage}: neither the old nor the new bytes (a partial write?)"
    changed = {n for n, h in now.items() if n not in OWN and h != old.get(n)}
    assert kill.new <= changed, f"{kill.stage}: the kill came earlier than meant"
    assert not kill.old & changed, f"{kill.stage}: the kill came later than meant"
    if changed:
        assert (out / MARKER_NAME).exists(), f"{kill.stage}: OUT mixes two builds but is not marked"


def test_killed_builds_leave_out_intact_or_marked(
    previous: Path, clean: dict[str, str], tmp_path: Path
) -> None:
    out = previous
    old = state = fingerprint(out)
    assert old["graph.jsonl"] != clean["graph.jsonl"], "the previous build must differ from the new one"
    leftovers: list[Path] = []
    for number, kill in enumerate(KILLS):
        _kill(out, tmp_path / f"kill{number}.log", kill)
        assert (out / MARKER_NAME).exists(), kill.stage
        assert not [p for p in leftovers if p.exists()], f"{kill.stage}: the last kill's temporaries remain"
        leftovers = temporaries(out)
        if kill.pause != MARKER_NAME:
            assert leftovers, f"{kill.stage}: no work in progress was interrupted"
        now = fingerprint(out)
        _check(now, state, clean, out, kill)
        _check(now, old, clean, out, Kill(kill.stage))
        state = now

    result = kg_build(out)
    assert result.returncode == 0, result.stderr
    assert fingerprint(out) == clean
    assert temporaries(out) == []
    assert not (out / MARKER_NAME).exists()
    assert (out / LOCK_NAME).read_bytes() == b""
