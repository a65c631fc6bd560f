"""One build at a time per output folder, and a mark on a folder whose last build did not finish.

`kg build` holds an exclusive flock on OUT/.kg.lock: a second build into the same OUT fails at once
(as does `kg eval`, `kg viz` or `kg validate` writing into OUT meanwhile: they hold it too),
and the OS drops the lock when the holder dies (even by SIGKILL), so a stale lock file never blocks.
While it writes, OUT/.kg-incomplete exists; it is removed when every output is in place, so a build
killed midway leaves the mark (outputs may then mix the old and the new build) until the next one.
Both are opened without following a symlink: one planted there must not truncate the file it points to.
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from kg.errors import OutputError
from kg.runtime.atomic import is_temp, sweep_temps

LOCK_NAME = ".kg.lock"
MARKER_NAME = ".kg-incomplete"
_SKIP = {LOCK_NAME, MARKER_NAME, ".cache"}

Snapshot = dict[str, tuple[int, int, int]]

_HELD: set[int] = set()


def open_own(path: Path, flags: int, mode: int = 0o666) -> int:
    """Open a control file kg keeps in OUT without following a symlink; OutputError (exit 3) when it is
    one or cannot be opened, naming it."""
    try:
        return os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OutputError(f"{path} is a symlink; kg will not write through it (remove it)") from None
        raise OutputError(f"cannot write to output folder {path.parent}: {exc.strerror or exc}") from exc


def write_own(path: Path, text: str) -> None:
    """Write a control file of OUT (see `open_own`): created or emptied, then `text` in UTF-8."""
    fd = open_own(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)


def _close_in_child() -> None:
    """Forked workers must not keep OUT's lock alive after their parent dies: drop their copies."""
    for fd in _HELD:
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


os.register_at_fork(after_in_child=_close_in_child)


class BuildLock:
    """An exclusive, non-blocking flock on OUT/.kg.lock, holding the owner's pid while held."""

    def __init__(self, out: Path):
        self.out = out
        self.path = out / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise OutputError naming the build that holds it."""
        try:
            self.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot write to output folder {self.out}: {exc.strerror or exc}") from exc
        fd = open_own(self.path, os.O_RDWR | os.O_CREAT)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise OutputError(
                f"another kg process{holder} is writing to {self.out}; wait for it to finish or choose another --out"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        _HELD.add(fd)

    def release(self) -> None:
        """Empty the lock file (so a finished build leaves it as it found it) and drop the lock."""
        if self._fd is None:
            return
        _HELD.discard(self._fd)
        os.ftruncate(self._fd, 0)
        os.close(self._fd)  # closing the descriptor releases the flock
        self._fd = None

    def __enter__(self) -> BuildLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()


def _holder(fd: int) -> str:
    """' (pid N)' from the lock file's content, or '' when it holds none yet."""
    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return f" (pid {text})" if text.isdigit() else ""


def snapshot(out: Path) -> Snapshot:
    """Inode, mtime and size of every output path under OUT (not the cache, lock, mark or temporaries), walked
    without recursion (os.walk recurses per level: a user's deep folder under OUT would overflow it)."""
    state: Snapshot = {}
    stack = [out]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.name in _SKIP or is_temp(entry.name):
                continue
            st = entry.stat(follow_symlinks=False)
            state[Path(entry.path).relative_to(out).as_posix()] = (st.st_ino, st.st_mtime_ns, st.st_size)
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
    return state


@contextmanager
def guarded_build(out: Path) -> Iterator[None]:
    """Hold OUT's lock, delete temporaries an interrupted build left, and mark OUT incomplete until
    the body returns. A body that fails before changing any output leaves no new mark."""
    marker = out / MARKER_NAME
    with BuildLock(out):
        sweep_temps(out)
        was_marked = marker.exists()
        before = snapshot(out)
        write_own(marker, f"a kg build (pid {os.getpid()}) started writing here and has not finished\n")
        try:
            yield
        except BaseException:
            if not was_marked and snapshot(out) == before:
                marker.unlink(missing_ok=True)
            raise
        marker.unlink(missing_ok=True)


@contextmanager
def writing_into(out: Path, target: Path) -> Iterator[None]:
    """Hold OUT's lock while a command other than build writes `target`, when `target` lies under OUT:
    a build starting meanwhile would sweep the command's temporary file away (or the command would
    write beside a build's outputs). A target elsewhere needs no lock."""
    if target.resolve().is_relative_to(out.resolve()):
        with BuildLock(out):
            yield
    else:
        yield


def incomplete_warning(out: Path) -> str | None:
    """The one-line warning for readers of OUT while a build writes it or after one was interrupted."""
    if not (out / MARKER_NAME).exists():
        return None
    try:
        fd = os.open(out / LOCK_NAME, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        fd = None
    busy = False
    if fd is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            busy = True
        finally:
            os.close(fd)
    if busy:
        return f"warning: a kg build is writing {out} now; outputs may mix two builds until it finishes"
    return f"warning: the last kg build into {out} did not finish; outputs may mix two builds (run kg build again)"
