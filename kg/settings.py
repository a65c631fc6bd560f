"""Build settings with documented defaults; the CLI fills them from flags and environment."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from kg.errors import InputError

DEFAULT_BASE_IRI = "https://w3id.org/ukg/"
"""Base of every IRI kg mints (override with --base-iri or KG_BASE_IRI)."""

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_NOT_IN_IRI = re.compile("[\x00-\x20<>\"{}|\\\\^`\x7f-\x9f\u200e\u200f\u202a-\u202e\ud800-\udfff\ufdd0-\ufdef"
                         "\ufffe\uffff]")
"""Characters RFC 3987 keeps out of an IRI: controls, space, <>"{}|\\^`, bidi marks, surrogates, non-characters."""
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def check_base_iri(iri: str, source: str = "--base-iri") -> str:
    """`iri` if every IRI kg mints can start with it: absolute (a scheme), no character RFC 3987 forbids,
    at most one #, ending with / or #, and an IRI by Oxigraph's RFC 3987 parser once a name is appended.
    Else InputError (exit 2) naming `source` and the problem."""
    import pyoxigraph as ox  # here, not at the top: kg.settings is imported everywhere

    bad = _NOT_IN_IRI.search(iri)
    if not _SCHEME.match(iri):
        problem = "no scheme such as https: at the start"
    elif bad is not None:
        problem = f"{bad.group()!r} may not appear in an IRI"
    elif _BAD_ESCAPE.search(iri):
        problem = "a % must start a %XX escape"
    elif iri.count("#") > 1:
        problem = "more than one #"
    elif not iri.endswith(("/", "#")):
        problem = "it must end with / or #"
    else:
        try:
            ox.NamedNode(iri + "x")
            return iri
        except ValueError as exc:
            problem = str(exc)
    raise InputError(f"{source} is not a usable base IRI: {iri!r} ({problem})")


def _env_base_iri() -> str:
    return os.environ.get("KG_BASE_IRI", DEFAULT_BASE_IRI)


ROOT = Path(__file__).resolve().parent.parent
"""The source checkout (or, installed from a wheel, the site-packages folder holding kg)."""


def _schema_dir() -> Path:
    """$KG_SCHEMA_DIR when set (a copy of schema/ that extends kg: see kg.ontology), else schema/ as
    shipped inside the wheel (kg/_schema), else the checkout's top-level schema/."""
    if os.environ.get("KG_SCHEMA_DIR"):
        return Path(os.environ["KG_SCHEMA_DIR"]).resolve()
    packaged = Path(__file__).resolve().parent / "_schema"
    return packaged if packaged.is_dir() else ROOT / "schema"


SCHEMA_DIR = _schema_dir()
LEXICON_DIR = SCHEMA_DIR / "lexicon"


CACHE_DIR = ".cache"
"""Folder under OUT holding the per-document extraction cache (kg.runtime.cache)."""


class Engine(StrEnum):
    """Where per-document extraction runs (kg.runtime.parallel): local processes or a Dask cluster."""

    LOCAL = "local"
    DASK = "dask"


def default_workers() -> int:
    """The machine's cores (at least 1): the default number of extraction processes."""
    return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Settings:
    """Options every stage and output writer may read.

    `workers` None means the machine's cores; 0 runs extraction in this process, 1 in one worker
    process while this one segments (in this process too on a single-core machine). `scheduler` is a
    dask.distributed address (engine dask; None starts a local cluster). `cache` keeps
    per-document extraction results under OUT/.cache/ so rebuilds only redo changed documents.
    `base_iri` (default: KG_BASE_IRI, else DEFAULT_BASE_IRI) must pass `check_base_iri` (InputError).
    `follow_links` reads symlinked folders that lead out of an input folder (by default they are skipped).
    """

    out: Path
    base_iri: str = field(default_factory=_env_base_iri)
    strict: bool = False
    progress: bool = True
    workers: int | None = None
    engine: Engine = Engine.LOCAL
    scheduler: str | None = None
    cache: bool = True
    follow_links: bool = False

    def __post_init__(self) -> None:
        from_env = os.environ.get("KG_BASE_IRI") == self.base_iri
        check_base_iri(self.base_iri, "KG_BASE_IRI" if from_env else "base IRI")

    @property
    def worker_count(self) -> int:
        """`workers`, or the machine's cores when unset."""
        return self.workers if self.workers is not None else default_workers()
