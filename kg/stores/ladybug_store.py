"""The embedded Cypher store: the property graph bulk-loaded into LadybugDB (Kùzu fork) under OUT/ladybug/.

Loading runs one `COPY … FROM` per node label and per (type, start, end) triple: no row-by-row
CREATE. The source is an in-memory Arrow table (kg.stores.ladybug_arrow: typed columns, native
lists, nothing escaped) when pyarrow is installed. Otherwise each COPY reads a staging CSV: list
properties travel as one field joined by U+001F and are split back by the engine, and the few
characters the CSV reader cannot carry are escaped in the files and decoded inside the COPY.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import ladybug as lb

from kg.errors import InputError, QueryError, StoreError
from kg.export.atomic import atomic_dir
from kg.model import KnowledgeGraph
from kg.pgraph import Columns, NodeRow, PropertyGraph, PropType, RelRow, to_property_graph
from kg.settings import Settings
from kg.stores import ladybug_arrow
from kg.stores.cypher_guard import check_read_only
from kg.stores.ladybug_arrow import REL_ENDS

STORE_DIR = "ladybug"
DB_FILE = "graph.lbug"
LIST_SEP = "\x1f"
ESC = "\x1e"
_ESCAPES = (("\x1e", "0"), ("\r", "1"), ("\x1f", "2"), ("\x00", "4"))  # the escape mark first
_EMPTY = "3"
_CSV_OPTIONS = "(HEADER=true, QUOTE='\"', ESCAPE='\"', PARALLEL=false)"


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


_NEEDS_ESCAPE = re.compile("[" + re.escape("".join(char for char, _ in _ESCAPES)) + "]")


def _escape(text: str) -> str:
    """Staging form of a string: the engine's CSV reader splits records at a lone CR, and lists are
    joined with LIST_SEP, so those characters (and the escape mark itself) travel as ESC + code."""
    if _NEEDS_ESCAPE.search(text) is not None:
        for char, code in _ESCAPES:
            text = text.replace(char, ESC + code)
    return text or ESC + _EMPTY


def _lit(text: str) -> str:
    """A Cypher string literal for control text, spelled with \\u escapes."""
    return "'" + "".join(c if c.isalnum() else f"\\u{ord(c):04x}" for c in text) + "'"


def _unescape_expr(expr: str) -> str:
    """The Cypher expression that undoes `_escape` (decoding the escape mark itself last)."""
    expr = f"replace({expr}, {_lit(ESC + _EMPTY)}, '')"
    for char, code in reversed(_ESCAPES):
        expr = f"replace({expr}, {_lit(ESC + code)}, {_lit(char)})"
    return expr


def _string(value: object) -> str:
    return "" if value is None else _escape(str(value))


_NEEDS_ESCAPE_IN_LIST = re.compile("[" + re.escape("".join(char for char, _ in _ESCAPES if char != LIST_SEP)) + "]")
"""The characters _escape codes, but LIST_SEP: a joined list holds that between its elements."""


def _string_list(value: object) -> str:
    """Escaped elements joined by LIST_SEP (joined first: most lists need no escape at all)."""
    if value is None:
        return ""
    items: list[str] = list(value)  # type: ignore[call-overload]
    try:
        joined = LIST_SEP.join(items)
        plain = (joined.count(LIST_SEP) == len(items) - 1 and "" not in items
                 and _NEEDS_ESCAPE_IN_LIST.search(joined) is None)
        if plain:
            return joined
    except TypeError:  # an element that is not a string
        pass
    return LIST_SEP.join([_escape(str(v)) for v in items])


def _float(value: object) -> str:
    return "" if value is None else repr(float(value))  # type: ignore[arg-type]


def _plain(value: object) -> str:
    return "" if value is None else str(value)


_ENCODERS: dict[PropType, Callable[[object], str]] = {
    PropType.STRING: _string, PropType.STRING_LIST: _string_list, PropType.FLOAT: _float, PropType.INT: _plain,
}
"""The staging CSV field of a property value, by column type."""


def _write_csv(path: Path, header: Sequence[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows(rows)


def _load_clause(path: Path, columns: Sequence[tuple[str, PropType]], escaped: Collection[str]) -> str:
    """`LOAD WITH HEADERS (…) FROM 'file' … RETURN …` turning joined list fields back into lists; the
    `escaped` columns (those where some field carries ESC) are decoded, the others read as they are."""
    typed = ", ".join(f"{_q(k)} {'STRING' if t is PropType.STRING_LIST else t.value}" for k, t in columns)

    def decode(k: str, t: PropType) -> str:
        if t is PropType.STRING_LIST:
            items = f"list_filter(string_split(coalesce({_q(k)}, ''), {_lit(LIST_SEP)}), x -> x <> '')"
            return f"list_transform({items}, x -> {_unescape_expr('x')})" if k in escaped else items
        return _unescape_expr(_q(k)) if t is PropType.STRING and k in escaped else _q(k)

    ret = ", ".join(decode(k, t) for k, t in columns)
    where = path.as_posix().replace("\\", "\\\\").replace("'", "\\'")
    return f"LOAD WITH HEADERS ({typed}) FROM '{where}' {_CSV_OPTIONS} RETURN {ret}"


def _cells(rows: Sequence[NodeRow | RelRow], columns: Columns) -> list[list[str]]:
    """The staging fields of each row's properties, encoded by column type."""
    encoders = [_ENCODERS[t] for _, t in columns]
    return [[enc(v) for enc, (_, v) in zip(encoders, r.props, strict=True)] for r in rows]


def _stage(path: Path, columns: Columns, rows: list[list[str]]) -> str:
    """Write one staging CSV and return the LOAD clause that reads it back."""
    names = [k for k, _ in columns]
    _write_csv(path, names, rows)
    escaped = {k for j, k in enumerate(names) if ESC in "".join([row[j] for row in rows])}
    return _load_clause(path, columns, escaped)


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


def _staged_copy(folder: Path, group: CopyGroup) -> str:
    """Write one group's staging CSV into `folder` and return the COPY that loads it."""
    if group.pair is None:
        load = _stage(folder / f"nodes_{group.table}.csv", group.columns, _cells(group.rows, group.columns))
        return _copy(group, f"({load})")
    rows: list[RelRow] = group.rows  # type: ignore[assignment]
    cells = [[r.start, r.end, *row] for r, row in zip(rows, _cells(rows, group.columns), strict=True)]
    load = _stage(folder / f"rels_{group.table}_{group.pair[0]}_{group.pair[1]}.csv", REL_ENDS + group.columns, cells)
    return _copy(group, f"({load})")


def copy_statements(pg: PropertyGraph, folder: Path) -> list[str]:
    """Write the staging CSVs into `folder` and return the COPY statements that load them, nodes first."""
    return [_staged_copy(folder, group) for group in copy_groups(pg)]


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


def arrow_available() -> bool:
    """Whether pyarrow is installed (the Arrow load path; else the staging-CSV one)."""
    return importlib.util.find_spec("pyarrow") is not None


def _each(db: lb.Database, statements: Iterable[tuple[str, dict[str, object]]]) -> None:
    """Run each statement on a connection of its own: a connection keeps every statement it prepared
    (for an Arrow COPY, the scanned table with it) until it closes, ~20 MB per COPY at 10 MB of text."""
    for statement, parameters in statements:
        with lb.Connection(db) as conn:
            conn.execute(statement, parameters)


def _run_copies(db: lb.Database, pg: PropertyGraph, arrow: bool) -> None:
    """Every COPY of `pg`, from Arrow tables or from staging CSVs in a temporary folder."""
    if arrow:
        _each(db, arrow_copies(pg))
        return
    with tempfile.TemporaryDirectory(prefix="kg-ladybug-") as tmp:
        _each(db, ((statement, {}) for statement in copy_statements(pg, Path(tmp))))


def load_database(pg: PropertyGraph, db_path: Path, arrow: bool | None = None) -> None:
    """Create a new database at `db_path` and bulk-load every row into it (from Arrow tables when
    `arrow`, by default whenever pyarrow is installed; else from staging CSVs)."""
    try:  # one checkpoint at the end, not one per COPY
        db = lb.Database(str(db_path), auto_checkpoint=False)
    except RuntimeError as exc:  # e.g. a `ulimit -v` below the engine's address-space reservation
        raise StoreError(f"cannot create LadybugDB store {db_path}: {_one_line(exc)}") from exc
    try:
        _each(db, ((statement, {}) for statement in schema_statements(pg)))
        _run_copies(db, pg, arrow_available() if arrow is None else arrow)
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
