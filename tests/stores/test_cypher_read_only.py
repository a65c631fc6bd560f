"""`kg query cypher` runs reads only: statements that write, read files, download or checkpoint are refused
before they reach LadybugDB, and the store and every file stay as they were."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import QueryError
from kg.settings import Settings
from kg.stores.cypher_guard import check_read_only, tokens
from kg.stores.ladybug_store import STORE_DIR, run_query, write_store
from tests.conftest import ROOT, make_graph


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lb-read-only")
    write_store(make_graph(), Settings(out=out, progress=False))
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _kg(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, env=env, timeout=120)


REFUSED = [
    "CHECKPOINT",
    "checkpoint;",
    "MATCH (n) RETURN count(n); CHECKPOINT",
    "MATCH (n) RETURN count(n);CHECKPOINT;",
    "COPY (MATCH (n:Region) RETURN n.name) TO '{target}'",
    "LOAD FROM '/etc/passwd' (file_format='csv', header=false, delim=':') RETURN *",
    "LOAD WITH HEADERS (a STRING) FROM '/etc/passwd' (file_format='csv') RETURN a",
    "WITH 1 AS x LOAD FROM '/etc/passwd' (file_format='csv') RETURN *",
    "ATTACH '{target}.lbug' AS other (dbtype lbug)",
    "INSTALL json",
    "FORCE INSTALL json",
    "LOAD EXTENSION json",
    "LOAD json",
    "CREATE (n:Region {id: 'reg-new', name: 'x'})",
    "MATCH (n:Region) CREATE (m:Region {id: 'reg-new2', name: 'y'})",
    "WITH 1CREATE (n:Region {id: 'reg-q'}) RETURN 1",  # a number then a keyword, no space: LadybugDB parses it
    "MERGE (n:Region {id: 'reg-new'})",
    "MATCH (n:Region) SET n.name = 'x'",
    "MATCH (n:Region) DELETE n",
    "MATCH (n:Region) DETACH DELETE n",
    "MATCH (n:Region) REMOVE n.name",
    "CALL threads=1",
    "CALL clear_warnings() RETURN *",
    "CALL { MATCH (n) RETURN n }",
    "EXPLAIN MATCH (n) RETURN n",
    "PROFILE MATCH (n) RETURN n",
    "BEGIN TRANSACTION",
    "EXPORT DATABASE '{target}.export'",
    "IMPORT DATABASE '{target}.export'",
    "DROP TABLE Region",
    "ALTER TABLE Region ADD x STRING",
    "USE other",
    "DETACH other",
    "/* a read */ CHECKPOINT",
    "// a read\nCHECKPOINT",
    "RETURN 1 // comment\rCHECKPOINT",
    "  \t\n",
    "RETURN 'unterminated",
    "RETURN `unterminated",
    "RETURN 1 /* unterminated",
]


@pytest.mark.parametrize("statement", REFUSED)
def test_writes_file_access_and_checkpoints_are_refused_and_change_nothing(built: Path, tmp_path: Path,
                                                                             statement: str) -> None:
    target = tmp_path / "nodes_Region.csv"  # a CSV the statement would overwrite
    target.write_text("id:ID(Entity),:LABEL\nkept,Region\n", encoding="utf-8")
    store = _files(built / STORE_DIR)
    with pytest.raises(QueryError) as info:
        run_query(built, statement.replace("{target}", str(target)))
    message = str(info.value)
    assert "\n" not in message
    assert any(reason in message for reason in ("only reads", "one statement", "unterminated", "empty")), message
    assert _files(built / STORE_DIR) == store
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nodes_Region.csv"]
    assert target.read_text(encoding="utf-8") == "id:ID(Entity),:LABEL\nkept,Region\n"
    assert run_query(built, "MATCH (n:Region) RETURN count(n)")[1] == [[2]]


ALLOWED = [
    "MATCH (n:Region) RETURN n.name ORDER BY n.name",
    "match (n:Region) where n.name <> 'CREATE (x)' return n.name order by n.name desc skip 0 limit 5",
    "OPTIONAL MATCH (n:Region)-[:LOCATED_IN]->(m) RETURN n.name, m.name ORDER BY n.name",
    "UNWIND ['SET', 'DELETE'] AS word RETURN word",
    "WITH 1 AS x RETURN x UNION ALL RETURN 2 AS x",
    "MATCH (n:Region) RETURN n.name AS `set`, n.level AS load ORDER BY `set`",
    "MATCH (n:Region) RETURN {load: n.name, `delete`: 1} AS m ORDER BY n.name",
    "RETURN \"a \\\" CHECKPOINT\" AS s // CHECKPOINT\n",
    "/* COPY (x) TO 'y' */ RETURN 1 AS one;",
    "CALL show_tables() RETURN name ORDER BY name",
    "CALL table_info('Region') RETURN *",
    "MATCH (n:Region) WHERE EXISTS { MATCH (n)-[:LOCATED_IN]->() } RETURN count(n)",
    "MATCH (n:Region) RETURN CASE WHEN n.level = 'city' THEN 1 ELSE 0 END AS c ORDER BY c",
    "MATCH (n:Region) WITH n.name STARTS WITH '某' AS s RETURN count(s)",
]


@pytest.mark.parametrize("statement", ALLOWED)
def test_read_queries_pass_and_run(built: Path, statement: str) -> None:
    check_read_only(statement)
    run_query(built, statement)


@pytest.mark.parametrize("path", sorted((ROOT / "queries").glob("*.cypher")), ids=lambda p: p.name)
def test_the_shipped_queries_pass_the_check(path: Path) -> None:
    check_read_only(path.read_text(encoding="utf-8"))


def test_the_lexer_cuts_numbers_names_strings_and_comments_apart() -> None:
    kinds = [(t.kind, t.text) for t in tokens("WITH 1CREATE `a``b` 'it\\'s' /* x */ n.set $p 1.5e-3x")]
    assert kinds == [("word", "WITH"), ("number", "1"), ("word", "CREATE"), ("name", "`a``b`"),
                     ("string", "'it\\'s'"), ("word", "n"), ("punct", "."), ("word", "set"), ("punct", "$"),
                     ("word", "p"), ("number", "1.5e-3"), ("word", "x")]


def test_cli_checkpoint_is_refused_and_the_store_keeps_answering(tmp_path: Path) -> None:
    """The probe's case: CHECKPOINT on the read-only store left .wal/.shadow files and every later query
    failed (exit 5) until a rebuild. Now it exits 4, the folder is untouched and the next query answers."""
    write_store(make_graph(), Settings(out=tmp_path, progress=False))
    before = _files(tmp_path / STORE_DIR)
    refused = _kg("query", "cypher", "CHECKPOINT", "--out", str(tmp_path))
    assert refused.returncode == 4, refused.stderr
    assert refused.stderr.strip().count("\n") == 0 and "only reads" in refused.stderr
    assert _files(tmp_path / STORE_DIR) == before
    after = _kg("query", "cypher", "MATCH (n:Region) RETURN count(n) AS n", "--out", str(tmp_path), "--format", "csv")
    assert after.returncode == 0, after.stderr
    assert after.stdout.split() == ["n", "2"]


def test_cli_copy_to_cannot_overwrite_an_output(tmp_path: Path) -> None:
    write_store(make_graph(), Settings(out=tmp_path, progress=False))
    own = tmp_path / "neo4j-import" / "nodes_Region.csv"
    own.parent.mkdir()
    own.write_text("id:ID(Entity)\nkept\n", encoding="utf-8")
    result = _kg("query", "cypher", f"COPY (MATCH (n:Region) RETURN n.name) TO '{own}'", "--out", str(tmp_path))
    assert result.returncode == 4 and "'COPY' is not allowed" in result.stderr
    assert own.read_text(encoding="utf-8") == "id:ID(Entity)\nkept\n"
