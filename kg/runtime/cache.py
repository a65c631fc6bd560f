"""Per-document extraction cache under OUT/.cache/: results keyed by document content and extractor version.

Key = sha256(version key, document id, document text). The version key hashes the kg version, every
lexicon file's name and bytes, schema/ontology.ttl, the source of the per-document work (kg.document
and every kg module it imports, found by kg.code: no hand-kept list) and the versions of the libraries
they read (jieba, jionlp), so a change to any of them starts a fresh cache (older versions are pruned).
Entries are pickles written by this program into the user's own output folder: trusted like any
file there; an unreadable entry is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import shutil
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from kg import __version__
from kg.code import PACKAGE, closure
from kg.model import Document
from kg.runtime.atomic import atomic_path
from kg.settings import CACHE_DIR, LEXICON_DIR, SCHEMA_DIR

log = logging.getLogger(__name__)

WORK = "kg.document"
"""The module of the per-document work: its source and that of everything it imports is hashed."""
LIBRARIES = ("jieba", "jionlp", "opencc", "pyahocorasick")
ONTOLOGY = SCHEMA_DIR / "ontology.ttl"


def _files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        out += sorted(f for f in p.rglob("*") if f.is_file() and "__pycache__" not in f.parts) if p.is_dir() else [p]
    return [f for f in out if f.exists()]


def _lib_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def version_key(lexicon_dir: Path | None = None) -> str:
    """A short hash of everything per-document results depend on besides the document itself."""
    return _version_key((lexicon_dir or LEXICON_DIR).resolve(), _stamp(lexicon_dir or LEXICON_DIR))


def _stamp(lexicon_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and mtimes of the lexicon files and the ontology (its declared types and predicates
    are extracted too): a cheap look whether the full hash must be redone."""
    return tuple((f.name, (st := f.stat()).st_size, st.st_mtime_ns) for f in _files([lexicon_dir, ONTOLOGY]))


@lru_cache(maxsize=8)
def _version_key(lexicon_dir: Path, stamp: tuple[tuple[str, int, int], ...]) -> str:
    h = hashlib.sha256()
    h.update(f"kg {__version__} py {sys.version_info[:2]}\n".encode())
    for lib in LIBRARIES:
        h.update(f"{lib} {_lib_version(lib)}\n".encode())
    for base, files in ((lexicon_dir, _files([lexicon_dir])), (ONTOLOGY.parent, [ONTOLOGY]),
                        (PACKAGE.parent, [*closure(WORK), Path(__file__)])):
        for f in files:
            h.update(f.relative_to(base).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()[:16]


class ExtractionCache:
    """Results per document under `<out>/.cache/extract/<version>/`, written atomically."""

    def __init__(self, out: Path, version: str | None = None):
        self.version = version or version_key()
        self.base = out / CACHE_DIR / "extract"
        self.root = self.base / self.version
        self.hits = 0
        self.misses = 0
        self.writable = True

    def key(self, doc: Document) -> str:
        """The entry name of `doc`: its id and text under this version (ids appear in the results)."""
        h = hashlib.sha256(self.version.encode())
        h.update(b"\0" + doc.id.encode("utf-8", "surrogatepass") + b"\0")
        h.update(doc.text.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> Any | None:
        """The cached result, or None (counted as a miss) when absent or unreadable."""
        try:
            value = pickle.loads(self._path(key).read_bytes())
        except FileNotFoundError:
            value = None
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError) as exc:
            log.debug("cache entry %s unreadable: %s", key, exc)
            value = None
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def put(self, key: str, value: Any) -> None:
        """Store `value` for `key`; a full or read-only disk only loses the cache, not the build
        (one warning, then no more attempts in this build)."""
        if not self.writable:
            return
        try:
            with atomic_path(self._path(key)) as tmp:
                tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as exc:
            self.writable = False
            log.warning("cannot write the extraction cache under %s (%s); caching is off for this build",
                        self.root, exc.strerror or exc)

    def prune(self) -> None:
        """Remove entries of other versions (they can never hit again)."""
        if not self.base.is_dir():
            return
        for old in self.base.iterdir():
            if old.name != self.version:
                shutil.rmtree(old, ignore_errors=True)
