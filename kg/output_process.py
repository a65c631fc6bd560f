"""The second process of a build: runs some output writers and reports back.

    python -m kg.output_process RESULT

The parent writes pickled messages to the child's stdin: first (settings, writer names, parent pid);
then either ("graph", graph), or ("doc", index, DocResult) for each document as extraction delivers
it followed by ("resolve",), in which case the child resolves the graph itself (the same pure function
as the parent, while the parent does) instead of waiting for a pickled graph.
RESULT receives the pickled outcome: the paths and seconds of each writer and every warning logged,
or the error raised. The parent (`OutputProcess`) logs the warnings again and raises the error, so a
build behaves as if it had run every writer itself. A child whose stdin closes early exits unheard.
"""

from __future__ import annotations

import ctypes
import fcntl
import logging
import os
import pickle
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from kg import gcpause
from kg.errors import KGError, OutputError
from kg.model import KnowledgeGraph
from kg.outputs import Outcome, run_concurrently
from kg.settings import Settings


def _widen(pipe: IO[bytes] | None, size: int = 1 << 20) -> None:
    """Ask Linux for a larger pipe buffer, so the build does not wait while the child is still starting."""
    try:
        fcntl.fcntl(pipe.fileno(), 1031, size)  # type: ignore[union-attr]  # F_SETPIPE_SZ
    except (OSError, AttributeError, ValueError):
        pass


class OutputProcess:
    """Context manager: starts the child on entry; `send_graph` or `feed`… then `resolve` hands it the
    graph; `result()` waits for it, relogs, raises or returns."""

    def __init__(self, settings: Settings, names: tuple[str, ...]) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="kg-outputs-"))
        self.result_path = self.folder / "result.pickle"
        self.proc = subprocess.Popen([sys.executable, "-m", "kg.output_process", str(self.result_path)],
                                     stdin=subprocess.PIPE)
        _widen(self.proc.stdin)
        self._send((settings, names, os.getpid()))

    def _send(self, message: object) -> None:
        assert self.proc.stdin is not None
        try:
            pickle.dump(message, self.proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        except (BrokenPipeError, OSError) as exc:
            raise OutputError(f"the output process died (exit code {self.proc.poll()})") from exc

    def _close(self) -> None:
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except OSError:  # the child is gone: result() reports it
                pass

    def send_graph(self, graph: KnowledgeGraph) -> None:
        """Give the child the graph to write."""
        self._send(("graph", graph))
        self._close()

    def feed(self, index: int, result: Any) -> None:
        """Give the child one document's extraction result (any order; `index` is its place)."""
        self._send(("doc", index, result))

    def resolve(self) -> None:
        """Every document is fed: the child resolves the graph and writes."""
        self._send(("resolve",))
        self._close()

    def __enter__(self) -> OutputProcess:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.proc.poll() is None and kind is not None:
            self.proc.kill()  # the build failed here: the child's outputs are not wanted
        self._close()
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


def _receive(stream: IO[bytes]) -> KnowledgeGraph:
    """The graph the parent sends, or resolves from the documents it feeds (exits if it stops early)."""
    docs: dict[int, Any] = {}
    try:
        while True:
            message = pickle.load(stream)
            if message[0] == "doc":
                docs[message[1]] = message[2]
            elif message[0] == "graph":
                return message[1]
            else:
                break
    except EOFError:
        sys.exit(1)  # the parent stopped (its build failed): nothing to write
    from kg.pipeline import gather
    from kg.resolve import resolve

    articles, extractions = gather(docs)
    return resolve(extractions, articles)


def main(result: Path) -> None:
    stream = sys.stdin.buffer
    try:
        settings, names, parent = pickle.load(stream)
    except EOFError:
        sys.exit(1)
    _die_with_parent(parent)
    logger = logging.getLogger("kg")
    handler = _Captured()
    logger.addHandler(handler)
    logger.propagate = False  # the parent prints them, once
    with gcpause.paused():
        try:
            graph = _receive(stream)
            outcome: tuple[str, object, list] = ("ok", run_concurrently(graph, settings, names), handler.records)
        except Exception as exc:  # noqa: BLE001 - every error goes back to the parent to be raised there
            outcome = ("error", _portable(exc), handler.records)
    with result.open("wb") as fh:
        pickle.dump(outcome, fh)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
