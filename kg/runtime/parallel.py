"""Extraction engines: where per-document work runs (in-process, local processes, a Dask cluster).

An engine is a context manager yielding a `Runner`: `submit(fn, items)` starts `fn` on each item of
a chunk and returns a future of the list of results; `wait` blocks until one future finishes.
The caller keeps at most `window` chunks in flight, so memory stays bounded however large the
corpus. No scheduling of our own: concurrent.futures and dask.distributed do the work.

Local workers die with the build: the kernel kills each when the build process dies (even by SIGKILL),
and a build that fails or is interrupted (Ctrl-C, SIGTERM) drops their queued work and stops them after
the document each is on.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

from kg.errors import StoreError
from kg.settings import Engine, Settings

log = logging.getLogger(__name__)

LOCAL_CHUNK = 4
"""Documents per task for local processes: fewer round trips, still fine-grained enough to balance."""


def run_chunk(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """Apply `fn` to each item (module level so process pools and Dask can pickle it)."""
    return [fn(item) for item in items]


@dataclass(frozen=True)
class Runner:
    """A started engine: how to submit a chunk, how to wait, how many chunks to keep in flight."""

    name: str
    workers: int
    chunk: int
    window: int
    submit: Callable[[Callable[[Any], Any], Sequence[Any]], Any]
    wait: Callable[[set[Any]], tuple[set[Any], set[Any]]]
    split: bool = False
    """The caller segments each document and the workers only extract: with one worker process the
    two stages then run side by side on two cores instead of one after the other."""


Warm = Callable[[bool], None]
"""Preloads what forked workers should inherit; the flag says whether they only extract (`split`)."""


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Run first in a process the build starts: ask Linux to SIGKILL it when its parent dies (so a killed build
    leaves no worker blocked forever on a pipe, holding the caller's stdout), exit at once if the parent is
    already gone, and leave SIGINT and SIGTERM to the parent, which stops its children itself."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the parent's own stop (below) is all there is
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if os.getppid() != parent:
        sys.exit(1)


_STOP: Any = None
"""In a local worker: the pool's stop event (set by the build when it fails or is interrupted)."""


def _start_worker(parent: int, stop: Any) -> None:
    """A local worker's initializer: die with the build (`die_with_parent`) and keep its stop event."""
    global _STOP
    die_with_parent(parent)
    _STOP = stop


def run_local_chunk(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """`run_chunk` in a local worker, ending early (with the results so far) once the build has stopped."""
    results = []
    for item in items:
        if _STOP is not None and _STOP.is_set():
            break
        results.append(fn(item))
    return results


@contextmanager
def _pool(workers: int, context: Any) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers die with this process. When the body fails (or is interrupted), queued
    chunks are cancelled and the workers told to stop after their current document: killing one could cut a
    result in half on the result pipe, and the pool's own thread would then wait for the rest forever."""
    stop = context.Event()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                               initargs=(os.getpid(), stop))
    try:
        yield pool
    except BaseException:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _done(fn: Callable[[Any], Any], items: Sequence[Any]) -> Future:
    future: Future = Future()
    future.set_result(run_chunk(fn, items))
    return future


def _wait_local(futures: set[Any]) -> tuple[set[Any], set[Any]]:
    done, pending = wait_futures(futures, return_when=FIRST_COMPLETED)
    return set(done), set(pending)


@contextmanager
def _in_process(settings: Settings, warm: Warm) -> Iterator[Runner]:
    yield Runner("in-process", 1, 1, 1, _done, _wait_local)


@contextmanager
def _local(settings: Settings, warm: Warm) -> Iterator[Runner]:
    """A process pool, started at the first task (a build served from the cache starts none); forked
    after warming so the workers inherit loaded lexicons and dictionaries. One worker on a machine
    with more than one core is split (see `Runner.split`); none, or one on a single core, runs in-process."""
    workers = settings.worker_count
    if workers == 0 or (workers == 1 and (os.cpu_count() or 1) < 2):
        with _in_process(settings, warm) as runner:
            yield runner
        return
    split = workers == 1
    fork = "fork" in multiprocessing.get_all_start_methods()
    with ExitStack() as stack:
        pools: list[ProcessPoolExecutor] = []

        def submit(fn: Callable[[Any], Any], items: Sequence[Any]) -> Future:
            if not pools:
                if fork:
                    warm(split)
                context = multiprocessing.get_context("fork" if fork else None)
                pools.append(stack.enter_context(_pool(workers, context)))
            return pools[0].submit(run_local_chunk, fn, list(items))

        # split: a deeper queue, so the worker never waits while this process reads and collects
        yield Runner("local", workers, LOCAL_CHUNK, 4 if split else 2 * workers, submit, _wait_local, split)


@contextmanager
def _dask(settings: Settings, warm: Warm) -> Iterator[Runner]:
    """A dask.distributed Client on `settings.scheduler` (or a LocalCluster of worker processes)."""
    try:
        from distributed import Client, LocalCluster
        from distributed import wait as wait_dask
    except ImportError as exc:  # pragma: no cover - dask is an optional extra
        raise StoreError("--engine dask needs dask[distributed]: pip install 'dask[distributed]'") from exc

    def wait(futures: set[Any]) -> tuple[set[Any], set[Any]]:
        done, pending = wait_dask(list(futures), return_when="FIRST_COMPLETED")
        return set(done), set(pending)

    cluster = None
    try:
        if settings.scheduler:
            client = Client(settings.scheduler, timeout="10s")
        else:
            cluster = LocalCluster(n_workers=max(1, settings.worker_count), threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
    except (OSError, TimeoutError) as exc:
        raise StoreError(f"cannot reach the Dask scheduler at {settings.scheduler}: {exc}") from exc
    try:
        slots = max(1, sum(client.nthreads().values()))

        def submit(fn: Callable[[Any], Any], items: Sequence[Any]) -> Any:
            return client.submit(run_chunk, fn, list(items), pure=False)

        yield Runner("dask", slots, 1, 4 * slots, submit, wait)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


ENGINES: dict[Engine, Callable[[Settings, Warm], AbstractContextManager[Runner]]] = {
    Engine.LOCAL: _local,
    Engine.DASK: _dask,
}
"""Engine name → factory(settings, warm) of a context manager yielding a Runner."""


def start(settings: Settings, warm: Warm) -> AbstractContextManager[Runner]:
    """The runner for `settings.engine`; `warm` preloads what forked workers should inherit."""
    return ENGINES[Engine(settings.engine)](settings, warm)


def ordered_map(
    runner: Runner,
    fn: Callable[[Any], Any],
    items: Iterator[tuple[int, Any]],
    on_result: Callable[[int, Any], None],
) -> None:
    """Run `fn` on every (index, item), at most `runner.window` chunks in flight; report each result.

    Results arrive in completion order with their index; the caller puts them back in order.
    """
    inflight: dict[Any, list[int]] = {}

    def collect(block: bool) -> None:
        while inflight and (block or len(inflight) >= runner.window):
            done, _ = runner.wait(set(inflight))
            for future in done:
                for index, result in zip(inflight.pop(future), future.result(), strict=True):
                    on_result(index, result)

    chunk: list[tuple[int, Any]] = []
    for pair in items:
        chunk.append(pair)
        if len(chunk) >= runner.chunk:
            inflight[runner.submit(fn, [x for _, x in chunk])] = [i for i, _ in chunk]
            chunk = []
            collect(block=False)
    if chunk:
        inflight[runner.submit(fn, [x for _, x in chunk])] = [i for i, _ in chunk]
    collect(block=True)
