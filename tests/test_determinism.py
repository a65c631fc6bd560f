"""Same input, same OUT: two clean builds of the seeds agree, and a rebuild into the same OUT changes nothing.

Every file is compared byte for byte (JSON lines, RDF, SHACL report, CSV, GraphML, HTML, the lock
file). The two store folders are the exception: OUT/oxigraph (RocksDB) and OUT/ladybug/graph.lbug
are not byte-identical between two builds of the same input (the engines write ids and timestamps
into their files), so they are compared by canonical dumps of everything they hold.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.build_trees import (
    STORES,
    clean_build,
    fingerprint,
    kg_build,
    ladybug_dump,
    oxigraph_dump,
    temporaries,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return clean_build(tmp_path_factory)


@pytest.fixture(scope="module")
def second(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("second") / "out"
    result = kg_build(out, "--no-cache")
    assert result.returncode == 0, result.stderr
    return out


def _stats(out: Path) -> dict[str, tuple[int, int, int]]:
    """inode, mtime and size of every file under OUT."""
    found = {}
    for path in sorted(out.rglob("*")):
        if path.is_file():
            st = path.stat()
            found[path.relative_to(out).as_posix()] = (st.st_ino, st.st_mtime_ns, st.st_size)
    return found


def test_two_clean_builds_are_identical(first: Path, second: Path) -> None:
    assert temporaries(first) == temporaries(second) == []
    a, b = fingerprint(first), fingerprint(second)
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []
    for name in ("graph.html", "graph.jsonl", "articles.jsonl", "rdf/graph.ttl", "rdf/graph.nq",
                 "graph.graphml", "shacl-report.ttl", "oxigraph/ (dump)", "ladybug/ (dump)"):
        assert name in a, f"{name} was not compared"
    assert any(name.startswith("neo4j-import/") for name in a)


def test_store_dumps_hold_the_graph(first: Path) -> None:
    """The store comparison means something: each dump holds every node, relationship and quad."""
    entities = sum(1 for _ in (first / "graph.jsonl").open(encoding="utf-8"))
    assert oxigraph_dump(first).count(b"\n") > entities
    assert ladybug_dump(first).count(b"\n") > entities


def test_rebuild_into_the_same_out_changes_nothing(second: Path) -> None:
    """Checked by inode, mtime and size: files whose bytes would not change are not rewritten at all.

    Exceptions, by design: the lock file (it holds the running build's pid, emptied at the end) and
    the store folders (rebuilt and swapped in; equal by dump, see the module docstring).
    """
    before_prints, before_stats = fingerprint(second), _stats(second)
    result = kg_build(second, "--no-cache")
    assert result.returncode == 0, result.stderr
    after_stats = _stats(second)
    assert fingerprint(second) == before_prints
    changed = {name for name in before_stats.keys() | after_stats.keys()
               if before_stats.get(name) != after_stats.get(name)}
    assert {name for name in changed if name.split("/")[0] not in STORES} <= {".kg.lock"}
    assert (second / ".kg.lock").read_bytes() == b""
    assert not (second / ".kg-incomplete").exists()
    assert temporaries(second) == []
