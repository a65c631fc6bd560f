"""The embedded Cypher store: the property graph bulk-loaded into LadybugDB (Kùzu fork) under OUT/ladybug/.

Loading runs one `COPY … FROM` per node label and per (type, start, end) triple: no row-by-row
CREATE. The source is an in-memory Arrow table (kg.stores.ladybug_arrow: typed columns, native
lists, nothing escaped or staged in a file).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import ladybug as lb

from kg.errors import InputError, QueryError, StoreError
from kg.model import KnowledgeGraph
from kg.pgraph import Columns, NodeRow, PropertyGraph, RelRow, to_property_graph
from kg.runtime.atomic import atomic_dir
from kg.settings import Settings
from kg.stores import ladybug_arrow
from kg.stores.cypher_guard import check_read_only

STORE_DIR = "ladybug"
DB_FILE = "graph.lbug"


def store_path(out_dir: Path) -> Path:
    """Where the database file of a build lives."""
    return out_dir / STORE_DIR / DB_FILE


def _q(name: str) -> str:
    """A backtick-quoted identifier (names come from the fixed schema, never from article text)."""
    return "`" + name.replace("`", "") + "`"


def _columns_ddl(columns: Columns) -> str:
    return ", ".join(f"{_q(k)} {t.value}" for k, t in columns)


def schema_statements(pg: PropertyGraph) -> list[str]:
    """CREATE NODE/REL TABLE statements for every label and type of the model (empty ones too)."""
    out = [f"CREATE NODE TABLE {_q(label)}({_columns_ddl(cols)}, PRIMARY KEY(id))"
           for label, cols in pg.node_schema.items()]
    for type_, cols in pg.rel_schema.items():
        pairs = ", ".join(f"FROM {_q(a)} TO {_q(b)}" for a, b in pg.endpoints[type_])
        out.append(f"CREATE REL TABLE {_q(type_)}({pairs}, {_columns_ddl(cols)})")
    return out


class CopyGroup(NamedTuple):
    """The rows one COPY loads: a node label's (pair None) or a relationship type's between one label pair."""

    table: str
    pair: tuple[str, str] | None
    columns: Columns
    rows: list[NodeRow] | list[RelRow]


def copy_groups(pg: PropertyGraph) -> Iterator[CopyGroup]:
    """Every non-empty group of rows, nodes first (a relationship's ends must exist when it loads)."""
    for label, columns in pg.node_schema.items():
        nodes = pg.nodes_of(label)
        if nodes:
            yield CopyGroup(label, None, columns, nodes)
    for type_, columns in pg.rel_schema.items():
        by_pair: dict[tuple[str, str], list[RelRow]] = defaultdict(list)
        for r in pg.rels_of(type_):
            by_pair[(r.start_label, r.end_label)].append(r)
        for pair in pg.endpoints[type_]:
            if by_pair.get(pair):
                yield CopyGroup(type_, pair, columns, by_pair[pair])


def _copy(group: CopyGroup, source: str) -> str:
    """`COPY table FROM source`, naming the label pair of a relationship group."""
    statement = f"COPY {_q(group.table)} FROM {source}"
    return statement if group.pair is None else f"{statement} (from='{group.pair[0]}', to='{group.pair[1]}')"


ARROW_PARAM = "rows"
"""The query parameter an Arrow-sourced COPY reads its table from."""


def arrow_copies(pg: PropertyGraph) -> Iterator[tuple[str, dict[str, object]]]:
    """(COPY statement, parameters) per group with the rows as an Arrow table, built one group at a time."""

    for group in copy_groups(pg):
        if group.pair is None:
            table = ladybug_arrow.node_table(group.columns, group.rows)  # type: ignore[arg-type]
        else:
            table = ladybug_arrow.rel_table(group.columns, group.rows)  # type: ignore[arg-type]
        yield _copy(group, f"${ARROW_PARAM}"), {ARROW_PARAM: table}


def _each(db: lb.Database, statements: Iterable[tuple[str, dict[str, object]]]) -> None:
    """Run each statement on a connection of its own: a connection keeps every statement it prepared
    (for an Arrow COPY, the scanned table with it) until it closes (bench/README gives the memory)."""
    for statement, parameters in statements:
        with lb.Connection(db) as conn:
            conn.execute(statement, parameters)


def load_database(pg: PropertyGraph, db_path: Path) -> None:
    """Create a new database at `db_path` and bulk-load every row into it from Arrow tables."""
    try:  # one checkpoint at the end, not one per COPY
        db = lb.Database(str(db_path), auto_checkpoint=False)
    except RuntimeError as exc:  # e.g. a `ulimit -v` below the engine's address-space reservation
        raise StoreError(f"cannot create LadybugDB store {db_path}: {_one_line(exc)}") from exc
    try:
        _each(db, ((statement, {}) for statement in schema_statements(pg)))
        _each(db, arrow_copies(pg))
        _each(db, [("CHECKPOINT", {})])
    except RuntimeError as exc:
        raise StoreError(f"LadybugDB load failed: {_one_line(exc)}") from exc
    finally:
        db.close()


def write_store(graph: KnowledgeGraph, settings: Settings) -> list[Path]:
    """Output writer: build OUT/ladybug/graph.lbug in a temporary folder and swap it into place."""
    pg = to_property_graph(graph)
    target = settings.out / STORE_DIR
    with atomic_dir(target) as tmp:
        tmp.chmod(0o755)
        load_database(pg, tmp / DB_FILE)
    return [target]


def _one_line(exc: BaseException) -> str:
    lines = [s.strip() for s in str(exc).splitlines() if s.strip()]
    return lines[0] if lines else type(exc).__name__


def _plain(value: object) -> object:
    """Engine values as plain Python: nodes/relationships become dicts of their properties."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k not in ("_ID", "_SRC", "_DST")}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def run_query(out_dir: Path, query: str) -> tuple[list[str], list[list[object]]]:
    """Run one read query on the store of a build: (column names, rows). The statement must pass
    `check_read_only` (QueryError otherwise), and the database is opened read-only besides."""
    check_read_only(query)
    path = store_path(out_dir)
    if not path.exists():
        raise InputError(f"no LadybugDB store at {path}; run `kg build --out {out_dir}` first")
    try:
        db = lb.Database(str(path), read_only=True)
    except RuntimeError as exc:
        raise StoreError(f"cannot open LadybugDB store {path}: {_one_line(exc)}") from exc
    conn = lb.Connection(db)
    try:
        result = conn.execute(query)
        if isinstance(result, list):  # several statements: answer with the last one
            result = result[-1]
        columns = list(result.get_column_names())
        rows = [[_plain(v) for v in row] for row in result.get_all()]
    except RuntimeError as exc:
        raise QueryError(_one_line(exc)) from exc
    finally:
        conn.close()
        db.close()
    return columns, rows
