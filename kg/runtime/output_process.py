"""The other processes of a build: groups of output writers run there while the build runs the rest.

Forked when the build process has a single thread: the children inherit the graph (nothing is pickled
or copied up front). The first child makes the terms the groups share (`kg.outputs.SHARED`) and forks
one sibling per further group, which inherits them too, so every group has a core's worth of its own.
Otherwise (another thread might hold a lock a fork would copy half-held: RocksDB's pool after a query
in this process, a Dask client, a progress monitor) one fresh interpreter is started,

    python -m kg.runtime.output_process JOB RESULT

fed the pickled (graph, settings, writer names, parent pid) in JOB, and runs every group in threads.

Each child writes its outcome to a result file: the paths and seconds of each writer and every warning
logged, or the error raised. `OutputProcess.result()` logs the warnings again and raises the first
error, so a build behaves as if it had run every writer itself.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

from kg.errors import KGError, OutputError
from kg.model import KnowledgeGraph
from kg.outputs import BACKGROUND, Outcome, prepare_shared, run_concurrently, run_in_order
from kg.runtime import gcpause
from kg.runtime.memo import release
from kg.runtime.parallel import die_with_parent
from kg.settings import Settings

log = logging.getLogger(__name__)

Groups = tuple[tuple[str, ...], ...]
"""Writer names per process: each group runs in order, the groups side by side."""


def single_threaded() -> bool:
    """Whether this process runs exactly one OS thread (Linux /proc; False where that cannot be told)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def can_fork() -> bool:
    """A fork copies no lock held by another thread: the platform forks and this process has one thread."""
    return "fork" in multiprocessing.get_all_start_methods() and single_threaded()


class _Forked:
    """A forked child running `target(*args)` (it inherits this process's memory)."""

    def __init__(self, target: Callable[..., None], *args: object) -> None:
        self.proc = multiprocessing.get_context("fork").Process(target=target, args=args, name="kg-outputs")
        self.proc.start()

    def wait(self) -> int | None:
        self.proc.join()
        return self.proc.exitcode

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()


class _Spawned:
    """A fresh interpreter (`python -m kg.runtime.output_process JOB RESULT`) given the pickled graph."""

    def __init__(self, graph: KnowledgeGraph, settings: Settings, names: tuple[str, ...], result: Path) -> None:
        job = result.with_name("job.pickle")
        with job.open("wb") as fh:
            pickle.dump((graph, settings, names, os.getpid()), fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.proc = subprocess.Popen([sys.executable, "-m", "kg.runtime.output_process", str(job), str(result)])

    def wait(self) -> int | None:
        return self.proc.wait()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()


class OutputProcess:
    """Context manager: starts the children on entry; `result()` waits for them, relogs, raises or returns.

    `fork` None decides by `can_fork()`; `mode` tells which way was taken ("fork" or "spawn")."""

    def __init__(self, graph: KnowledgeGraph, settings: Settings, groups: Groups, fork: bool | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="kg-outputs-"))
        self.names = tuple(n for group in groups for n in group)
        self.mode = "fork" if (can_fork() if fork is None else fork) else "spawn"
        log.debug("outputs %s in %s", " | ".join(", ".join(g) for g in groups),
                  f"{len(groups)} forked process(es)" if self.mode == "fork" else "one spawned interpreter")
        if self.mode == "fork":
            self.results = [self.folder / f"result-{i}.pickle" for i in range(len(groups))]
            self.child: _Forked | _Spawned = _Forked(_lead, graph, settings, groups, self.results, os.getpid())
        else:
            self.results = [self.folder / "result.pickle"]
            self.child = _Spawned(graph, settings, self.names, self.results[0])

    def __enter__(self) -> OutputProcess:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is not None:
            self.child.kill()  # the build failed here: the children's outputs are not wanted (siblings die with it)
        self.child.wait()
        for path in self.folder.iterdir():
            path.unlink()
        self.folder.rmdir()

    def result(self) -> Outcome:
        code = self.child.wait()
        reports = []
        for path in self.results:
            try:
                with path.open("rb") as fh:
                    reports.append(pickle.load(fh))
            except FileNotFoundError:
                continue  # a group its lead child ran itself, or a child that died (checked below)
            except (OSError, EOFError, pickle.UnpicklingError) as exc:
                raise OutputError(f"the output process died (exit code {code}) before reporting") from exc
        for _, _, records in reports:
            for name, level, message in records:
                logging.getLogger(name).log(level, message)
        for status, payload, _ in reports:
            if status == "error":
                raise payload
        paths: dict[str, list[Path]] = {}
        seconds: dict[str, float] = {}
        for _, (more_paths, more_seconds), _ in reports:
            paths.update(more_paths)
            seconds.update(more_seconds)
        if set(paths) != set(self.names):
            raise OutputError(f"the output process died (exit code {code}) before reporting")
        return paths, seconds


class _Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def _portable(exc: BaseException) -> BaseException:
    """The error as something that pickles back (a KGError keeps its class and exit code)."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - any unpicklable error is reported by its text
        return KGError(f"{type(exc).__name__}: {exc}")


def _serve(run: Callable[[], Outcome], result: Path) -> None:
    """Run writers with this process's warnings captured (only here: the parent prints them, once) and
    write ("ok", outcome, warnings) or ("error", error, warnings) to `result`."""
    logger = logging.getLogger("kg")
    handler = _Captured()
    logger.handlers = [handler]  # a forked child drops the handlers it inherited
    logger.propagate = False
    try:
        with gcpause.paused():
            outcome: tuple[str, object, list] = ("ok", run(), handler.records)
    except Exception as exc:  # noqa: BLE001 - every error goes back to the parent to be raised there
        outcome = ("error", _portable(exc), handler.records)
    with result.open("wb") as fh:
        pickle.dump(outcome, fh)


def _lead(graph: KnowledgeGraph, settings: Settings, groups: Groups, results: list[Path], parent: int) -> None:
    """The first forked child (dies with the build)."""
    die_with_parent(parent)
    run_groups(graph, settings, groups, results)


def run_groups(graph: KnowledgeGraph, settings: Settings, groups: Groups, results: list[Path]) -> None:
    """Make the shared terms, fork a sibling per further group (its outcome in its own result file), run
    the first group here and wait for the siblings; if this process cannot fork, run every group here,
    in threads, with one outcome in `results[0]`."""
    with gcpause.paused():
        try:
            prepare_shared(graph, settings)
        except Exception:  # noqa: BLE001 - each writer needing the terms meets the error again and reports it
            pass
    siblings = []
    if can_fork():
        siblings = [_Forked(_group, graph, settings, names, result, os.getpid())
                    for names, result in zip(groups[1:], results[1:], strict=True)]
        _serve(lambda: run_in_order(graph, settings, groups[0]), results[0])
    else:
        _serve(lambda: run_concurrently(graph, settings, [n for g in groups for n in g]), results[0])
    for sibling in siblings:
        sibling.wait()


def _group(graph: KnowledgeGraph, settings: Settings, names: tuple[str, ...], result: Path, parent: int) -> None:
    """A sibling forked by the lead child: run its group in order."""
    die_with_parent(parent)
    _serve(lambda: run_in_order(graph, settings, names), result)


def run_outputs(
    graph: KnowledgeGraph, settings: Settings, names: Sequence[str], overlap: bool = True
) -> tuple[list[Path], dict[str, float]]:
    """Run the named writers; the paths written (in `names` order) and each writer's own seconds.

    With `overlap` (and something to overlap), the BACKGROUND writers run in other processes while
    this one runs the rest; their warnings are logged again here, their errors raised here."""
    groups = tuple(g for g in (tuple(n for n in group if overlap and n in names) for group in BACKGROUND) if g)
    background = {n for g in groups for n in g}
    foreground = [n for n in names if n not in background]
    try:
        if not background or not foreground:
            results, timings = run_in_order(graph, settings, names)
        else:
            with OutputProcess(graph, settings, groups) as child:
                results, timings = run_in_order(graph, settings, foreground)
                more, more_timings = child.result()
            results.update(more)
            timings.update(more_timings)
    finally:
        release()
    return [p for n in names for p in results[n]], {n: timings[n] for n in names}


def main(job: Path, result: Path) -> None:
    with job.open("rb") as fh:
        graph, settings, names, parent = pickle.load(fh)
    die_with_parent(parent)
    _serve(lambda: run_concurrently(graph, settings, names), result)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
