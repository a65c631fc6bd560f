"""Build settings with documented defaults; the CLI fills them from flags and environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

DEFAULT_BASE_IRI = "https://w3id.org/ukg/"
"""Base of every IRI kg mints (override with --base-iri or KG_BASE_IRI)."""

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "schema"
LEXICON_DIR = SCHEMA_DIR / "lexicon"


CACHE_DIR = ".cache"
"""Folder under OUT holding the per-document extraction cache (kg.cache)."""


class Engine(StrEnum):
    """Where per-document extraction runs (kg.parallel): local processes or a Dask cluster."""

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
    `follow_links` reads symlinked folders that lead out of an input folder (by default they are skipped).
    """

    out: Path
    base_iri: str = os.environ.get("KG_BASE_IRI", DEFAULT_BASE_IRI)
    strict: bool = False
    progress: bool = True
    workers: int | None = None
    engine: Engine = Engine.LOCAL
    scheduler: str | None = None
    cache: bool = True
    follow_links: bool = False

    @property
    def worker_count(self) -> int:
        """`workers`, or the machine's cores when unset."""
        return self.workers if self.workers is not None else default_workers()
