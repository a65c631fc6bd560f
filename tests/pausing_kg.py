"""`python -m tests.pausing_kg ARGS…`: run kg's command line with a pause at a known point, so a test can
kill a build there. The pause is patched in here, in this process (forked output processes inherit it),
so kg itself carries no test hook.

With KG_TEST_PAUSE_AT set to a glob, the build prints `kg: paused before PATH` to stderr and sleeps just
before it renames an output whose name matches into place (or drops it as unchanged); set to the name of
OUT's incomplete mark, it pauses once every output is in place, before the mark is removed.
"""

from __future__ import annotations

import fnmatch
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from kg import pipeline
from kg.cli import main
from kg.runtime import atomic
from kg.runtime.lock import MARKER_NAME

PAUSE_ENV = "KG_TEST_PAUSE_AT"


def pause_at(path: Path) -> None:
    """Sleep (for good) when the pattern in PAUSE_ENV names `path`."""
    pattern = os.environ.get(PAUSE_ENV)
    if pattern and fnmatch.fnmatch(path.name, pattern):
        print(f"kg: paused before {path}", file=sys.stderr, flush=True)
        time.sleep(3600)


def _before_rename(compare: Callable[[Path, Path], bool]) -> Callable[[Path, Path], bool]:
    """atomic_path/atomic_dir compare the new output with the old one just before they rename it."""

    def paused(new: Path, old: Path) -> bool:
        pause_at(old)
        return compare(new, old)

    return paused


def _before_unmarking(run: Callable[..., object]) -> Callable[..., object]:
    """The pipeline's stages (`_run(inputs, settings, …)`) return inside OUT's lock, before the mark goes."""

    def paused(inputs: object, settings: pipeline.Settings, *more: object, **named: object) -> object:
        result = run(inputs, settings, *more, **named)
        pause_at(settings.out / MARKER_NAME)
        return result

    return paused


def install() -> None:
    """Patch the pauses into kg, in this process only (so importing PAUSE_ENV changes nothing)."""
    atomic.same_file = _before_rename(atomic.same_file)  # type: ignore[assignment]
    atomic.same_tree = _before_rename(atomic.same_tree)  # type: ignore[assignment]
    pipeline._run = _before_unmarking(pipeline._run)  # type: ignore[assignment]


if __name__ == "__main__":
    install()
    sys.argv[0] = "kg"
    main()
