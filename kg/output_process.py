"""The second process of a build: runs some output writers on a pickled graph and reports back.

    python -m kg.output_process JOB RESULT

JOB holds the pickled (graph, settings, writer names, parent pid); RESULT receives the pickled
outcome: the paths and seconds of each writer and every warning logged, or the error raised.
The parent (`OutputProcess`) logs the warnings again and raises the error, so a build behaves as
if it had run every writer itself.
"""

from __future__ import annotations

import ctypes
import logging
import os
import pickle
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from types import TracebackType

from kg import gcpause
from kg.errors import KGError, OutputError
from kg.model import KnowledgeGraph
from kg.outputs import Outcome, run_concurrently
from kg.settings import Settings


class OutputProcess:
    """Context manager: starts the child on entry; `result()` waits for it, relogs, raises or returns."""

    def __init__(self, graph: KnowledgeGraph, settings: Settings, names: tuple[str, ...]) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="kg-outputs-"))
        job, self.result_path = self.folder / "job.pickle", self.folder / "result.pickle"
        with job.open("wb") as fh:
            pickle.dump((graph, settings, names, os.getpid()), fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.proc = subprocess.Popen([sys.executable, "-m", "kg.output_process", str(job), str(self.result_path)])

    def __enter__(self) -> OutputProcess:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.proc.poll() is None and kind is not None:
            self.proc.kill()  # the build failed here: the child's outputs are not wanted
        self.proc.wait()
        for path in self.folder.iterdir():
            path.unlink()
        self.folder.rmdir()

    def result(self) -> Outcome:
        code = self.proc.wait()
        try:
            with self.result_path.open("rb") as fh:
                status, payload, records = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError) as exc:
            raise OutputError(f"the output process died (exit code {code}) before reporting") from exc
        for name, level, message in records:
            logging.getLogger(name).log(level, message)
        if status == "error":
            raise payload
        return payload


class _Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when the build dies (even by SIGKILL); exit if it already has."""
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        sys.exit(1)


def _portable(exc: BaseException) -> BaseException:
    """The error as something that pickles back (a KGError keeps its class and exit code)."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - any unpicklable error is reported by its text
        return KGError(f"{type(exc).__name__}: {exc}")


def main(job: Path, result: Path) -> None:
    with job.open("rb") as fh:
        graph, settings, names, parent = pickle.load(fh)
    _die_with_parent(parent)
    logger = logging.getLogger("kg")
    handler = _Captured()
    logger.addHandler(handler)
    logger.propagate = False  # the parent prints them, once
    try:
        with gcpause.paused():
            outcome: tuple[str, object, list] = ("ok", run_concurrently(graph, settings, names), handler.records)
    except Exception as exc:  # noqa: BLE001 - every error goes back to the parent to be raised there
        outcome = ("error", _portable(exc), handler.records)
    with result.open("wb") as fh:
        pickle.dump(outcome, fh)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
