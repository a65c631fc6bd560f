"""A disk that fills up while a build writes its outputs is the output folder's fault: one line, exit 3
(issue #23), like any other output folder that cannot be written. Tested on a real full disk: a 1 MB tmpfs,
so only as root (and where mounting is allowed)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.errors import OutputError
from kg.runtime.atomic import is_temp
from kg.runtime.lock import BuildLock
from tests.build_trees import kg_build


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 300 KB tmpfs mounted for the test (the seeds' outputs need more), unmounted after it."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


@pytest.mark.parametrize("args", [("-j", "2", "--no-cache"), ("-j", "0", "--no-cache", "--only", "oxigraph"),
                                  ("-j", "0", "--no-cache", "--only", "ladybug")],
                         ids=["all", "oxigraph", "ladybug"])
def test_a_disk_filling_up_during_the_outputs_is_exit_3_in_one_line(args: tuple[str, ...], small_disk: Path) -> None:
    """Every output (Python's OSError, errno ENOSPC), or one store alone (RocksDB's or LadybugDB's error, no errno)."""
    out = small_disk / "out"
    result = kg_build(out, *args)
    assert result.returncode == OutputError.exit_code, result.stderr
    assert result.stderr.strip() == f"error: cannot write to output folder {out}: No space left on device"
    assert not [p for p in out.rglob("*") if is_temp(p.name)], "no temporary left to fill the disk"
    with BuildLock(out):
        pass
