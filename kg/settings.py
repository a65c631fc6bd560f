"""Build settings with documented defaults; the CLI fills them from flags and environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_BASE_IRI = "https://w3id.org/ukg/"
"""Base of every IRI kg mints (override with --base-iri or KG_BASE_IRI)."""

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "schema"
LEXICON_DIR = SCHEMA_DIR / "lexicon"


@dataclass(frozen=True)
class Settings:
    """Options every output writer may read."""

    out: Path
    base_iri: str = os.environ.get("KG_BASE_IRI", DEFAULT_BASE_IRI)
    strict: bool = False
    progress: bool = True
