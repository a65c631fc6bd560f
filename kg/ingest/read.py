"""Input paths → decoded Documents, in a deterministic order; unusable files become `Skipped`."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from kg.ingest.decode import NotText, decode_bytes
from kg.ingest.html import html_to_text
from kg.model import Document, Skipped

log = logging.getLogger(__name__)

_IDENTITY: Callable[[str], str] = str
#: Readers by file extension: how decoded text becomes the document text.
READERS: dict[str, Callable[[str], str]] = {
    ".txt": _IDENTITY,
    ".md": _IDENTITY,
    ".html": html_to_text,
    ".htm": html_to_text,
}


def _walk(root: Path, skipped: list[Skipped]) -> list[Path]:
    """Every readable-extension file under `root`, sorted; symlinked folders followed once."""
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()

    def onerror(exc: OSError) -> None:
        _skip(skipped, Path(exc.filename or root), exc.strerror or str(exc))

    for folder, dirs, files in os.walk(root, followlinks=True, onerror=onerror):
        st = os.stat(folder)
        if (st.st_dev, st.st_ino) in seen:
            _skip(skipped, Path(folder), "symlink loop (folder already read)")
            dirs.clear()
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs.sort()
        found.extend(Path(folder) / f for f in files if Path(f).suffix.lower() in READERS)
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _skip(skipped: list[Skipped], path: Path, reason: str) -> None:
    log.warning("skipping %s: %s", path, reason)
    skipped.append(Skipped(str(path), reason))


def _load(path: Path, doc_id: str, skipped: list[Skipped]) -> Document | None:
    """Read and decode one file, or record why not."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = "symlink loop" if exc.errno == 40 else (exc.strerror or str(exc))
        _skip(skipped, path, reason)
        return None
    try:
        text, encoding = decode_bytes(data)
    except NotText as exc:
        _skip(skipped, path, str(exc))
        return None
    text = READERS.get(path.suffix.lower(), _IDENTITY)(text)
    if not text.strip():
        _skip(skipped, path, "no text")
        return None
    return Document(id=doc_id, path=str(path), text=text, encoding=encoding)


def _targets(paths: Sequence[Path], skipped: list[Skipped]) -> Iterator[tuple[Path, str]]:
    """(file, document id) pairs: ids relative to the folder given, or the file name."""
    for given in map(Path, paths):
        if given.is_dir():
            for f in _walk(given, skipped):
                yield f, f.relative_to(given).as_posix()
        elif given.exists() or given.is_symlink():
            yield given, given.name
        else:
            _skip(skipped, given, "not found")


def read_documents(paths: Sequence[Path], skipped: list[Skipped]) -> Iterator[Document]:
    """Yield a Document per text file under `paths` (folders recursively, sorted)."""
    used: set[str] = set()
    for path, doc_id in _targets(paths, skipped):
        if doc_id in used:
            doc_id = path.as_posix()
        doc = _load(path, doc_id, skipped)
        if doc is not None:
            used.add(doc.id)
            yield doc
