"""Atomic writes: every output goes to a temporary sibling and is renamed into place.

A reader sees either the old or the new version of an output under its final name, never a part.
An output whose new content equals the old is left untouched (same inode and mtime), so a rebuild of
unchanged input changes nothing. Temporaries are named `.kg-tmp-<name>.<random>` (the two-rename
fallback's old folder `.kg-old-<name>`): a build killed before it could remove them leaves them behind,
and `sweep_temps` (run by the next build) deletes them, and nothing else: no user file, however named.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

TEMP_PREFIX = ".kg-tmp-"
"""Start of the name of every temporary file or folder kg writes (its work in progress)."""
OLD_PREFIX = ".kg-old-"
"""Start of the name of an old folder set aside by the two-rename fallback of `_swap_dir`."""
_OWN = (TEMP_PREFIX, OLD_PREFIX)

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_CHUNK = 1 << 20


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def same_file(a: Path, b: Path) -> bool:
    """True when both are regular files with the same bytes (sizes first, then in chunks)."""
    if not (a.is_file() and b.is_file()) or a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            chunk = fa.read(_CHUNK)
            if chunk != fb.read(_CHUNK):
                return False
            if not chunk:
                return True


def same_tree(a: Path, b: Path) -> bool:
    """True when two folders hold the same relative paths with the same bytes."""
    if not (a.is_dir() and b.is_dir()):
        return False
    names_a = sorted(p.relative_to(a) for p in a.rglob("*"))
    names_b = sorted(p.relative_to(b) for p in b.rglob("*"))
    if names_a != names_b:
        return False
    return all(same_file(a / n, b / n) for n in names_a if not (a / n).is_dir())


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    func = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if func is None:
        return False
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if func(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def _swap_dir(tmp: Path, path: Path) -> None:
    """Put the folder `tmp` in place of `path`, atomically where the OS allows, and delete the old one."""
    if not path.exists():
        os.replace(tmp, path)
    elif _exchange(tmp, path):
        shutil.rmtree(tmp)  # now holds the old folder
    else:  # two renames: a reader may find `path` missing for a moment; `.kg-old-name` is swept later
        old = path.with_name(f"{OLD_PREFIX}{path.name}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(path, old)
        os.replace(tmp, path)
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success rename it over `path` (kept if unchanged)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name}.", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600 files; outputs are meant to be shared
    try:
        yield tmp_path
        if same_file(tmp_path, path):
            tmp_path.unlink()
        else:
            os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_dir(path: Path) -> Iterator[Path]:
    """Yield a fresh temporary folder beside `path`; on success swap it in for `path` (kept if unchanged)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{path.name}.", dir=path.parent))
    os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes 0700 folders
    try:
        yield tmp
        if same_tree(tmp, path):
            shutil.rmtree(tmp)
        else:
            _swap_dir(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def is_temp(name: str) -> bool:
    """True for the names atomic_path/atomic_dir give their work in progress (and the fallback's old folder)."""
    return name.startswith(_OWN)


WHERE = ("", "*", ".cache/extract/*/*")
"""The folders under OUT that kg writes into (globs relative to OUT): OUT itself, its subfolders (rdf/),
and the extraction cache's shards (kg.runtime.cache). `sweep_temps` looks nowhere else."""


def _folders(root: Path, where: Iterable[str]) -> Iterator[Path]:
    """`root` (for the glob "") and the folders matching the other globs of `where` under it; a symlink to a
    folder is no folder kg wrote (it may lead anywhere), nor is anything inside a temporary."""
    for pattern in where:
        if pattern == "":
            yield root
            continue
        for folder in sorted(root.glob(pattern)):
            rel = folder.relative_to(root)
            if folder.is_dir() and not any((root / Path(*rel.parts[: i + 1])).is_symlink() or is_temp(part)
                                           for i, part in enumerate(rel.parts)):
                yield folder


def sweep_temps(root: Path, where: Iterable[str] = WHERE) -> list[Path]:
    """Delete the temporaries an interrupted writer left in the folders `where` under `root`; returns
    what was removed. Only names kg gives its temporaries (`.kg-tmp-…`, `.kg-old-…`) are touched.

    Only safe while no other writer works under `root` (kg build holds OUT's lock when it calls this).
    """
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    for folder in _folders(root, where):
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if not is_temp(entry.name):
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                Path(entry.path).unlink(missing_ok=True)
            removed.append(Path(entry.path))
    return sorted(removed)


def write_text(path: Path, text: str) -> Path:
    """Write UTF-8 text atomically (LF line ends) and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")
    return path


def write_lines(path: Path, lines: Iterable[str], after: Path | None = None) -> Path:
    """Write lines (each without its newline) atomically, joined in chunks (one write per 4096 lines);
    with `after`, the new file starts with a copy of that file's bytes."""
    with atomic_path(path) as tmp:
        if after is not None:
            shutil.copyfile(after, tmp)
        _append(tmp, lines)
    return path


def write_blocks(path: Path, blocks: Iterable[bytes]) -> Path:
    """Write ready-encoded blocks of bytes, one after the other, atomically."""
    with atomic_path(path) as tmp, tmp.open("wb") as fh:
        for block in blocks:
            fh.write(block)
    return path


def _append(tmp: Path, lines: Iterable[str]) -> None:
    with tmp.open("a", encoding="utf-8", newline="\n") as fh:
        it = iter(lines)
        while chunk := list(islice(it, 4096)):
            fh.write("\n".join(chunk))
            fh.write("\n")
