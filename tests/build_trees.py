"""Helpers for whole-build tests: run `kg build` in a subprocess and fingerprint an output folder.

The two embedded stores are binary databases that are not byte-identical between two builds of the
same input (RocksDB and LadybugDB write ids and timestamps into their files), so a fingerprint holds
a canonical dump of each store instead of its bytes; every other file is fingerprinted by its bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.runtime.atomic import is_temp
from kg.stores.ladybug_store import run_query

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
STORES = ("oxigraph", "ladybug")
SKIP = (".cache",)
"""Not compared: the extraction cache is keyed by content and only ever reused, never read as output."""

_clean: dict[str, Path] = {}


def kg_build(out: Path, *args: str, inputs: tuple[Path, ...] = (SEEDS,), env: dict[str, str] | None = None,
             ) -> subprocess.CompletedProcess[str]:
    """`kg build INPUTS --out OUT -q ARGS…` in a fresh interpreter."""
    cmd = [sys.executable, "-m", "kg", "build", *map(str, inputs), "--out", str(out), "-q", *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})},
                          timeout=600)


def clean_build(factory: pytest.TempPathFactory) -> Path:
    """One clean build of the seeds per test session (no cache), shared by the modules that compare to it."""
    if "seeds" not in _clean:
        out = factory.mktemp("clean") / "out"
        result = kg_build(out, "--no-cache")
        assert result.returncode == 0, result.stderr
        _clean["seeds"] = out
    return _clean["seeds"]


def oxigraph_dump(out: Path) -> bytes:
    """Every quad of OUT/oxigraph as sorted N-Quads, blank nodes canonically relabelled."""
    store = ox.Store.read_only(str(out / "oxigraph"))
    dataset = ox.Dataset(store)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return b"\n".join(sorted(ox.serialize(dataset, format=ox.RdfFormat.N_QUADS).splitlines()))


def ladybug_dump(out: Path) -> bytes:
    """The tables of OUT/ladybug, then every node and every relationship with its ends, as sorted JSON lines."""
    lines = []
    for query in ("CALL show_tables() RETURN name, type", "MATCH (n) RETURN n",
                  "MATCH (a)-[r]->(b) RETURN a.id, b.id, r"):
        _, rows = run_query(out, query)
        lines += sorted(json.dumps(row, ensure_ascii=False, sort_keys=True) for row in rows)
    return "\n".join(lines).encode()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fingerprint(out: Path) -> dict[str, str]:
    """relative path → sha256 for every file under OUT (not the cache, not temporaries), each store
    folder by its dump."""
    prints: dict[str, str] = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if rel.parts[0] in SKIP or rel.parts[0] in STORES or any(map(is_temp, rel.parts)) or not path.is_file():
            continue
        prints[rel.as_posix()] = _sha(path.read_bytes())
    if (out / "oxigraph").is_dir():
        prints["oxigraph/ (dump)"] = _sha(oxigraph_dump(out))
    if (out / "ladybug").is_dir():
        prints["ladybug/ (dump)"] = _sha(ladybug_dump(out))
    return prints


def raw_fingerprint(out: Path, folder: str) -> dict[str, str]:
    """relative path → sha256 of the raw bytes of every file in one folder of OUT."""
    return {p.relative_to(out).as_posix(): _sha(p.read_bytes())
            for p in sorted((out / folder).rglob("*")) if p.is_file()}


def temporaries(out: Path) -> list[Path]:
    """Leftover work in progress under OUT (names kg.runtime.atomic gives its temporaries)."""
    return sorted(p for p in out.rglob(".*") if is_temp(p.name))
