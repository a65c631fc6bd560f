"""The Neo4j push: batches, parameter-only statements, clear errors; a live server only with NEO4J_URI."""

from __future__ import annotations

import math
import os
import re
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from kg.errors import InputError, StoreError
from kg.export.jsonl import write_articles, write_graph
from kg.model import KnowledgeGraph
from kg.pgraph import NODE_LABELS, REL_TYPES, to_property_graph
from kg.settings import Settings
from kg.stores.neo4j_store import check_uri, constraint_statements, plan_batches, push


def _article_texts(graph: KnowledgeGraph) -> list[str]:
    texts = [e.name for e in graph.entities] + [a for e in graph.entities for a in e.aliases]
    texts += [ev.quote for r in graph.relations for ev in r.evidence]
    texts += [v for r in graph.relations for _, v in r.attrs]
    texts += [a.headline for a in graph.articles]
    return [t for t in texts if t]


def test_constraints_first_one_per_label() -> None:
    statements = constraint_statements()
    assert len(statements) == len(NODE_LABELS)
    for label, statement in zip(NODE_LABELS, statements, strict=True):
        assert statement == (f"CREATE CONSTRAINT kg_{label}_id IF NOT EXISTS "
                             f"FOR (n:`{label}`) REQUIRE n.id IS UNIQUE")


@pytest.mark.parametrize("size", [1, 2, 3, 500])
def test_batches_cover_every_row_once(small_graph: KnowledgeGraph, size: int) -> None:
    pg = to_property_graph(small_graph)
    batches = plan_batches(pg, size)
    assert all(1 <= len(b.rows) <= size for b in batches)
    node_ids = [row["id"] for b in batches if b.kind == "nodes" for row in b.rows]
    rel_ids = [row["id"] for b in batches if b.kind == "relationships" for row in b.rows]
    assert sorted(node_ids) == sorted(n.id for n in pg.nodes)
    assert sorted(rel_ids) == sorted(r.id for r in pg.rels)
    groups = Counter(b.statement for b in batches)
    sizes = Counter()
    for b in batches:
        sizes[b.statement] += len(b.rows)
    assert all(groups[s] == math.ceil(sizes[s] / size) for s in groups)
    kinds = [b.kind for b in batches]
    assert kinds == sorted(kinds, key=["nodes", "relationships"].index)  # every node before any relationship


def test_statements_hold_no_article_text_and_take_values_as_parameters(small_graph: KnowledgeGraph) -> None:
    batches = plan_batches(to_property_graph(small_graph), 2)
    statements = {b.statement for b in batches} | set(constraint_statements())
    texts = _article_texts(small_graph)
    assert not [t for t in texts for s in statements if t in s]
    for b in batches:
        assert b.statement.startswith("UNWIND $rows AS row ")
        assert "MERGE" in b.statement and "SET" in b.statement and "+= row.props" in b.statement
        names = re.findall(r":`([^`]*)`", b.statement)
        assert names and set(names) <= set(NODE_LABELS) | set(REL_TYPES)
    rows_text = repr([b.rows for b in batches])
    assert all(repr(t)[1:-1] in rows_text for t in texts)  # the text is there, as parameter values


def test_relationship_statements_match_labelled_ends(small_graph: KnowledgeGraph) -> None:
    batches = [b for b in plan_batches(to_property_graph(small_graph)) if b.kind == "relationships"]
    has_role = next(b for b in batches if "HAS_ROLE" in b.statement)
    assert has_role.statement == (
        "UNWIND $rows AS row MATCH (a:`Person` {id: row.start}) MATCH (b:`UnionBody` {id: row.end}) "
        "MERGE (a)-[r:`HAS_ROLE` {id: row.id}]->(b) SET r += row.props"
    )
    row = has_role.rows[0]
    assert set(row) == {"id", "start", "end", "props"}
    assert row["props"]["role"] == dict(next(r for r in small_graph.relations if r.attrs).attrs)["role"]
    assert None not in [v for b in batches for r in b.rows for v in r["props"].values()]


def test_batch_size_must_be_positive(small_graph: KnowledgeGraph) -> None:
    with pytest.raises(ValueError):
        plan_batches(to_property_graph(small_graph), 0)


@pytest.mark.parametrize("uri", ["http://localhost:7474", "localhost:7687", "bolt://", "ftp://x", "bolt://[::1",
                                 "bolt://host:99999", "bolt://u:s3cret@[::1", "bolt://:7687"])
def test_non_bolt_uris_are_refused_as_bad_input_without_credentials(uri: str) -> None:
    with pytest.raises(InputError, match="not a Neo4j Bolt URI") as err:
        check_uri(uri)
    assert "s3cret" not in str(err.value) and "\n" not in str(err.value)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def built(small_graph: KnowledgeGraph, tmp_path: Path) -> Path:
    settings = Settings(out=tmp_path, progress=False)
    write_graph(small_graph, settings)
    write_articles(small_graph, settings)
    return tmp_path


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_unreachable_server_is_one_line_store_error(built: Path, scheme: str) -> None:
    uri = f"{scheme}://127.0.0.1:{_closed_port()}"
    with pytest.raises(StoreError) as err:
        push(built, uri, "neo4j", "secret", progress=False)
    message = str(err.value)
    assert "\n" not in message and message.startswith(f"cannot reach Neo4j at {uri}")


def test_credentials_in_the_uri_are_never_shown(built: Path) -> None:
    uri = f"bolt://u:s3cret@127.0.0.1:{_closed_port()}"
    with pytest.raises(StoreError) as err:
        push(built, uri, "neo4j", "secret", progress=False)
    assert "s3cret" not in str(err.value) and "bolt://***@127.0.0.1" in str(err.value)


def test_cli_batch_size_zero_is_a_one_line_usage_error(built: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run([sys.executable, "-m", "kg", "push", "neo4j", "--out", str(built), "--batch-size", "0",
                             "--uri", "bolt://127.0.0.1:1", "--password", "x"], capture_output=True, text=True, env=env)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().count("\n") == 0 and "--batch-size" in result.stderr
    assert "Traceback" not in result.stderr
    with pytest.raises(InputError, match="at least 1"):
        push(built, "bolt://127.0.0.1:1", "neo4j", "x", batch_size=0, progress=False)


def test_missing_build_is_reported_before_connecting(tmp_path: Path) -> None:
    from kg.errors import InputError

    with pytest.raises(InputError, match="kg build"):
        push(tmp_path, "bolt://127.0.0.1:1", "neo4j", "secret", progress=False)


# --- live server (opt-in) --------------------------------------------------------------------------

NEO4J = {k: os.environ.get(k) for k in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")}
live = pytest.mark.skipif(not NEO4J["NEO4J_URI"], reason="set NEO4J_URI (+ NEO4J_USER/NEO4J_PASSWORD) to run")


def _session_run(query: str, **params: object) -> list:
    import neo4j

    auth = (NEO4J["NEO4J_USER"] or "neo4j", NEO4J["NEO4J_PASSWORD"] or "")
    with neo4j.GraphDatabase.driver(NEO4J["NEO4J_URI"], auth=auth) as driver:
        records, _, _ = driver.execute_query(query, params, database_=NEO4J["NEO4J_DATABASE"])
        return [r.values() for r in records]


@pytest.mark.neo4j
@live
def test_push_is_idempotent_and_counts_agree(built: Path, small_graph: KnowledgeGraph) -> None:
    pg = to_property_graph(small_graph)
    _session_run("MATCH (n) WHERE n.id IN $ids DETACH DELETE n", ids=[n.id for n in pg.nodes])
    args = (built, NEO4J["NEO4J_URI"], NEO4J["NEO4J_USER"] or "neo4j", NEO4J["NEO4J_PASSWORD"] or "")
    first = push(*args, database=NEO4J["NEO4J_DATABASE"], batch_size=3, progress=False)
    assert first["nodes"] == len(pg.nodes) and first["relationships"] == len(pg.rels)
    assert first["nodes_created"] == len(pg.nodes) and first["relationships_created"] == len(pg.rels)
    second = push(*args, database=NEO4J["NEO4J_DATABASE"], batch_size=3, progress=False)
    assert second["nodes_created"] == 0 and second["relationships_created"] == 0
    person = next(n for n in pg.nodes if n.label == "Person")
    got = _session_run("MATCH (p:Person {id: $id}) RETURN p.name", id=person.id)
    assert got == [[person.prop_dict()["name"]]]
    for type_ in Counter(r.type for r in pg.rels):
        ids = [r.id for r in pg.rels_of(type_)]
        got = _session_run(f"MATCH ()-[r:`{type_}`]->() WHERE r.id IN $ids RETURN count(r)", ids=ids)
        assert got == [[len(ids)]]


@pytest.mark.neo4j
@live
def test_wrong_password_is_one_line_store_error(built: Path) -> None:
    with pytest.raises(StoreError) as err:
        push(built, NEO4J["NEO4J_URI"], NEO4J["NEO4J_USER"] or "neo4j", "definitely-wrong", progress=False)
    assert "\n" not in str(err.value) and "credentials" in str(err.value)
