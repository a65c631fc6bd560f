"""Push a build into Neo4j with the official driver: constraints, then batched `UNWIND … MERGE`.

Labels and relationship types come only from the fixed model (kg.pgraph), and
every value travels as a parameter, so no article text is ever spliced into
Cypher. MERGE on `id` makes a second push create nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from kg.errors import InputError, StoreError
from kg.pgraph import NODE_LABELS, REL_TYPES, PropertyGraph, load_graph, to_property_graph
from kg.runtime.progress import Bar
from kg.stores.urls import redact

CONSTRAINT = "CREATE CONSTRAINT kg_{label}_id IF NOT EXISTS FOR (n:`{label}`) REQUIRE n.id IS UNIQUE"
NODE_MERGE = "UNWIND $rows AS row MERGE (n:`{label}` {{id: row.id}}) SET n += row.props"
REL_MERGE = (
    "UNWIND $rows AS row MATCH (a:`{start}` {{id: row.start}}) MATCH (b:`{end}` {{id: row.end}}) "
    "MERGE (a)-[r:`{type}` {{id: row.id}}]->(b) SET r += row.props"
)


@dataclass(frozen=True)
class Batch:
    """One parameterised statement and the rows it unwinds."""

    kind: str  # "nodes" or "relationships"
    statement: str
    rows: tuple[dict[str, object], ...]


def _label(name: str) -> str:
    if name not in NODE_LABELS:
        raise ValueError(f"not a node label of the model: {name!r}")
    return name


def _type(name: str) -> str:
    if name not in REL_TYPES:
        raise ValueError(f"not a relationship type of the model: {name!r}")
    return name


def constraint_statements() -> list[str]:
    """One uniqueness constraint on `id` per node label (created before any MERGE)."""
    return [CONSTRAINT.format(label=_label(label)) for label in NODE_LABELS]


def _chunks(rows: list[dict[str, object]], size: int) -> Iterator[tuple[dict[str, object], ...]]:
    for i in range(0, len(rows), size):
        yield tuple(rows[i : i + size])


def plan_batches(pg: PropertyGraph, batch_size: int = 500) -> list[Batch]:
    """Every batch to run, nodes first (per label), then relationships (per type and end labels)."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    batches: list[Batch] = []
    for label in pg.node_schema:
        rows = [{"id": n.id, "props": n.prop_dict(drop_empty=True)} for n in pg.nodes_of(label)]
        statement = NODE_MERGE.format(label=_label(label))
        batches += [Batch("nodes", statement, chunk) for chunk in _chunks(rows, batch_size)]
    for type_ in pg.rel_schema:
        rels = pg.rels_of(type_)
        for start, end in sorted({(r.start_label, r.end_label) for r in rels}):
            rows = [{"id": r.id, "start": r.start, "end": r.end, "props": r.prop_dict(drop_empty=True)}
                    for r in rels if (r.start_label, r.end_label) == (start, end)]
            statement = REL_MERGE.format(start=_label(start), end=_label(end), type=_type(type_))
            batches += [Batch("relationships", statement, chunk) for chunk in _chunks(rows, batch_size)]
    return batches


BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def check_uri(uri: str) -> str:
    """The URI if it names a Bolt server (bolt:// or neo4j://, optionally +s/+ssc, a host, a valid port),
    else an InputError (exit 2) that shows the URI without its credentials."""
    scheme, sep, rest = uri.partition("://")
    if not sep or scheme.lower() not in BOLT_SCHEMES or not rest.strip("/"):
        raise InputError(f"not a Neo4j Bolt URI: {redact(uri)!r} (expected e.g. bolt://localhost:7687)")
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError as exc:
        raise InputError(f"not a Neo4j Bolt URI: {redact(uri)!r} ({exc})") from exc
    if not parts.hostname:
        raise InputError(f"not a Neo4j Bolt URI: {redact(uri)!r} (no host)")
    return uri


def _one_line(exc: BaseException) -> str:
    text = redact(" ".join(str(exc).split()))
    return text or type(exc).__name__


def push(out_dir: Path, uri: str, user: str, password: str, database: str | None = None,
         batch_size: int = 500, progress: bool = True) -> dict[str, int]:
    """Load OUT/graph.jsonl into Neo4j idempotently: rows pushed, nodes/relationships created."""
    check_uri(uri)
    if batch_size < 1:
        raise InputError(f"batch size must be at least 1, got {batch_size}")
    batches = plan_batches(to_property_graph(load_graph(out_dir)), batch_size)
    with _quiet_driver_log():
        return _run(batches, uri, user, password, database, progress)


@contextmanager
def _quiet_driver_log() -> Iterator[None]:
    """The driver logs routing failures itself; the StoreError already says it in one line."""
    logger = logging.getLogger("neo4j")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _run(batches: list[Batch], uri: str, user: str, password: str, database: str | None,
         progress: bool) -> dict[str, int]:
    import neo4j
    from neo4j.exceptions import AuthError, ConfigurationError, DriverError, Neo4jError, ServiceUnavailable

    counts = {"nodes": 0, "relationships": 0, "nodes_created": 0, "relationships_created": 0}
    shown = redact(uri)
    try:
        with neo4j.GraphDatabase.driver(uri, auth=(user, password), connection_timeout=10) as driver:
            driver.verify_connectivity()
            with driver.session(database=database) as session:
                for statement in constraint_statements():
                    session.run(statement).consume()
                total = sum(len(b.rows) for b in batches)
                with Bar(total=total, desc="neo4j", unit="row", disable=not progress) as bar:
                    for batch in batches:
                        summary = session.execute_write(
                            lambda tx, b=batch: tx.run(b.statement, rows=list(b.rows)).consume())
                        counts[batch.kind] += len(batch.rows)
                        counts["nodes_created"] += summary.counters.nodes_created
                        counts["relationships_created"] += summary.counters.relationships_created
                        bar.update(len(batch.rows))
    except AuthError as exc:
        raise StoreError(f"Neo4j at {shown} refused the credentials of {user!r}: {_one_line(exc)}") from exc
    except ServiceUnavailable as exc:
        raise StoreError(f"cannot reach Neo4j at {shown}: {_one_line(exc)}") from exc
    except (ConfigurationError, ValueError) as exc:
        raise StoreError(f"bad Neo4j URI {shown!r}: {_one_line(exc)}") from exc
    except (Neo4jError, DriverError) as exc:
        raise StoreError(f"Neo4j push failed: {_one_line(exc)}") from exc
    return counts
