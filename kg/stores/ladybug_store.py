"""The embedded Cypher store: the property graph bulk-loaded into LadybugDB (Kùzu fork) under OUT/ladybug/.

Loading writes one staging CSV per node label and per (type, start, end) triple
and runs `COPY … FROM` on each: no row-by-row CREATE. List properties travel
as one field joined by U+001F and are split back by the engine; the few characters the
CSV reader cannot carry are escaped in the staging files and decoded inside the COPY.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Sequence
from pathlib import Path

import ladybug as lb

from kg.errors import InputError, QueryError, StoreError
from kg.export.atomic import atomic_dir
from kg.model import KnowledgeGraph
from kg.pgraph import Columns, NodeRow, PropertyGraph, PropType, RelRow, to_property_graph
from kg.settings import Settings

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


def _escape(text: str) -> str:
    """Staging form of a string: the engine's CSV reader splits records at a lone CR, and lists are
    joined with LIST_SEP, so those characters (and the escape mark itself) travel as ESC + code."""
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


def _cell(value: object, type_: PropType) -> str:
    if value is None:
        return ""
    if type_ is PropType.STRING_LIST:
        return LIST_SEP.join(_escape(str(v)) for v in value)  # type: ignore[union-attr]
    if type_ is PropType.FLOAT:
        return repr(float(value))  # type: ignore[arg-type]
    if type_ is PropType.STRING:
        return _escape(str(value))
    return str(value)


def _write_csv(path: Path, header: Sequence[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows(rows)


def _load_clause(path: Path, columns: Sequence[tuple[str, PropType]]) -> str:
    """`LOAD WITH HEADERS (…) FROM 'file' … RETURN …` turning joined list fields back into lists."""
    typed = ", ".join(f"{_q(k)} {'STRING' if t is PropType.STRING_LIST else t.value}" for k, t in columns)
    decode = {
        PropType.STRING_LIST: lambda k: f"list_transform(list_filter(string_split(coalesce({k}, ''), "
                                        f"{_lit(LIST_SEP)}), x -> x <> ''), x -> {_unescape_expr('x')})",
        PropType.STRING: _unescape_expr,
    }
    ret = ", ".join(decode.get(t, str)(_q(k)) for k, t in columns)
    where = path.as_posix().replace("\\", "\\\\").replace("'", "\\'")
    return f"LOAD WITH HEADERS ({typed}) FROM '{where}' {_CSV_OPTIONS} RETURN {ret}"


def _cells(props: tuple[tuple[str, object], ...], columns: Columns) -> list[str]:
    return [_cell(v, t) for (_, v), (_, t) in zip(props, columns, strict=True)]


def _node_copy(folder: Path, label: str, columns: Columns, rows: list[NodeRow]) -> str:
    path = folder / f"nodes_{label}.csv"
    _write_csv(path, [k for k, _ in columns], [_cells(n.props, columns) for n in rows])
    return f"COPY {_q(label)} FROM ({_load_clause(path, columns)})"


def _rel_copy(folder: Path, type_: str, pair: tuple[str, str], columns: Columns, rows: list[RelRow]) -> str:
    path = folder / f"rels_{type_}_{pair[0]}_{pair[1]}.csv"
    ends: Columns = (("_from", PropType.STRING), ("_to", PropType.STRING))
    _write_csv(path, ["_from", "_to"] + [k for k, _ in columns],
               [[r.start, r.end] + _cells(r.props, columns) for r in rows])
    return f"COPY {_q(type_)} FROM ({_load_clause(path, ends + columns)}) (from='{pair[0]}', to='{pair[1]}')"


def copy_statements(pg: PropertyGraph, folder: Path) -> list[str]:
    """Write the staging CSVs into `folder` and return the COPY statements that load them, nodes first."""
    out = []
    for label, columns in pg.node_schema.items():
        rows = pg.nodes_of(label)
        if rows:
            out.append(_node_copy(folder, label, columns, rows))
    for type_, columns in pg.rel_schema.items():
        rels = pg.rels_of(type_)
        for pair in pg.endpoints[type_]:
            rows = [r for r in rels if (r.start_label, r.end_label) == pair]
            if rows:
                out.append(_rel_copy(folder, type_, pair, columns, rows))
    return out


def load_database(pg: PropertyGraph, db_path: Path) -> None:
    """Create a new database at `db_path` and bulk-load every row into it."""
    try:
        db = lb.Database(str(db_path))
    except RuntimeError as exc:  # e.g. a `ulimit -v` below the engine's address-space reservation
        raise StoreError(f"cannot create LadybugDB store {db_path}: {_one_line(exc)}") from exc
    conn = lb.Connection(db)
    try:
        with tempfile.TemporaryDirectory(prefix="kg-ladybug-") as tmp:
            for statement in schema_statements(pg) + copy_statements(pg, Path(tmp)):
                conn.execute(statement)
    except RuntimeError as exc:
        raise StoreError(f"LadybugDB load failed: {_one_line(exc)}") from exc
    finally:
        conn.close()
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
    """Run one Cypher query read-only on the store of a build: (column names, rows)."""
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
