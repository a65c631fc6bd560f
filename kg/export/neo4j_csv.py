"""`neo4j-admin database import` CSVs under OUT/neo4j-import/, plus the command line that loads them.

One file per node label (nodes_<Label>.csv) and per relationship type
(rels_<TYPE>.csv) with the tool's header conventions: `id:ID(Entity)`, `:LABEL`,
typed columns (`aliases:string[]`, `confidence:double`), `:START_ID(Entity)`,
`:END_ID(Entity)`, `:TYPE`. Arrays use ARRAY_DELIMITER, the control character U+001F that article
text never holds (an ASCII `;` would corrupt every quote that contains one); the tool has no escape
for it, so a delimiter inside an element is written as its visible symbol U+241F. Fields are quoted
the RFC 4180 way neo4j-admin reads (inner quotes doubled, backslashes plain text), a lone CR included.

These files are made for neo4j-admin, which must get every value exactly: a value starting with
= + - @ is written as it is, not made spreadsheet-safe (`kg query --format csv` is the spreadsheet-safe
CSV, as is `kg export triples-csv`). IMPORT.md tells the reader not to open them in a
spreadsheet program.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path

from kg.model import KnowledgeGraph
from kg.pgraph import Columns, PropertyGraph, PropType, to_property_graph
from kg.runtime.atomic import atomic_dir
from kg.settings import Settings

FOLDER = "neo4j-import"
ID_SPACE = "Entity"
ARRAY_DELIMITER = "\x1f"  # UNIT SEPARATOR
ARRAY_DELIMITER_FLAG = "U+001F"
"""How neo4j-admin's --array-delimiter names ARRAY_DELIMITER."""
ARRAY_DELIMITER_SUBSTITUTE = "\u241f"  # SYMBOL FOR UNIT SEPARATOR
HEADER_TYPES: dict[PropType, str] = {
    PropType.STRING: "",
    PropType.INT: ":long",
    PropType.FLOAT: ":double",
    PropType.STRING_LIST: ":string[]",
}
"""neo4j-admin header suffix for each property type."""


def _header(columns: Columns) -> list[str]:
    return [f"{k}{HEADER_TYPES[t]}" for k, t in columns]


def _quoted(text: str) -> str:
    """One CSV field: quoted (inner quotes doubled) when it holds a quote, comma, CR or LF.
    Python's csv writer leaves a lone CR unquoted, which splits the record for every reader."""
    return '"' + text.replace('"', '""') + '"' if _NEEDS_QUOTES.search(text) else text


def _line(fields: list[str]) -> str:
    """One CSV record; fields are quoted one by one only when some field holds a character that needs it
    (a comma inside a field shows as one more comma in the record than the separators)."""
    line = ",".join(fields)
    if line.count(",") != len(fields) - 1 or _QUOTE_OR_BREAK.search(line):
        line = ",".join(map(_quoted, fields))
    return line + "\n"


def _string(value: object) -> str:
    return "" if value is None else str(value)


def _string_list(value: object) -> str:
    """Elements joined by ARRAY_DELIMITER (one inside an element becomes its visible symbol)."""
    if not value:
        return ""
    items: list[str] = list(value)  # type: ignore[call-overload]
    try:
        joined = ARRAY_DELIMITER.join(items)
        if joined.count(ARRAY_DELIMITER) == len(items) - 1:  # no element holds the delimiter
            return joined
    except TypeError:  # an element that is not a string
        pass
    return ARRAY_DELIMITER.join([str(v).replace(ARRAY_DELIMITER, ARRAY_DELIMITER_SUBSTITUTE) for v in items])


def _float(value: object) -> str:
    return "" if value is None else repr(float(value))  # type: ignore[arg-type]


_NEEDS_QUOTES = re.compile('[",\r\n]')
_QUOTE_OR_BREAK = re.compile('["\r\n]')
_ENCODERS: dict[PropType, Callable[[object], str]] = {
    PropType.STRING: _string, PropType.STRING_LIST: _string_list, PropType.FLOAT: _float, PropType.INT: _string,
}
"""The CSV field (before quoting) of a property value, by type."""


def _rows(fixed: list[tuple[str, ...]], props: list[tuple[tuple[str, object], ...]], columns: Columns) -> list[str]:
    """CSV lines: the leading fields of each row (ids, label) then its properties encoded by column type."""
    encoders = [_ENCODERS[t] for _, t in columns]
    return [_line([*lead, *[enc(v) for enc, (_, v) in zip(encoders, cells, strict=True)]])
            for lead, cells in zip(fixed, props, strict=True)]


def _csv_text(header: list[str], lines: list[str]) -> str:
    return _line(header) + "".join(lines)


def node_files(pg: PropertyGraph) -> dict[str, str]:
    """nodes_<Label>.csv name -> text, for every label that has nodes."""
    out = {}
    for label, columns in pg.node_schema.items():
        rows = pg.nodes_of(label)
        if not rows:
            continue
        header = [f"id:ID({ID_SPACE})", ":LABEL"] + _header(columns[1:])
        lines = _rows([(n.id, label) for n in rows], [n.props[1:] for n in rows], columns[1:])
        out[f"nodes_{label}.csv"] = _csv_text(header, lines)
    return out


def rel_files(pg: PropertyGraph) -> dict[str, str]:
    """rels_<TYPE>.csv name -> text, for every relationship type that has relationships."""
    out = {}
    for type_, columns in pg.rel_schema.items():
        rows = pg.rels_of(type_)
        if not rows:
            continue
        header = [f":START_ID({ID_SPACE})", f":END_ID({ID_SPACE})", ":TYPE"] + _header(columns)
        lines = _rows([(r.start, r.end, type_) for r in rows], [r.props for r in rows], columns)
        out[f"rels_{type_}.csv"] = _csv_text(header, lines)
    return out


def import_command(node_names: list[str], rel_names: list[str], database: str = "neo4j") -> list[str]:
    """The argv of `neo4j-admin database import full` for these files (run from the CSV folder)."""
    return [
        "neo4j-admin", "database", "import", "full",
        "--overwrite-destination",
        "--id-type=string",
        f"--array-delimiter={ARRAY_DELIMITER_FLAG}",
        "--multiline-fields=true",
        *[f"--nodes={name}" for name in node_names],
        *[f"--relationships={name}" for name in rel_names],
        database,
    ]


def _script(argv: list[str]) -> str:
    command = " ".join(argv[:4]) + " \\\n  " + " \\\n  ".join(shlex.quote(a) for a in argv[4:-1])
    return (
        "#!/bin/sh\n"
        "# Load these CSVs into a stopped Neo4j 5 database (replaces its contents).\n"
        "# Usage: sh import.sh [database]   (default: neo4j; neo4j-admin must be on PATH)\n"
        "set -eu\n"
        'cd "$(dirname "$0")"\n'
        f'{command} \\\n  "${{1:-{argv[-1]}}}"\n'
    )


def _readme(argv: list[str], names: list[str]) -> str:
    files = "\n".join(f"- `{n}`" for n in names)
    return (
        "# Neo4j bulk import\n\n"
        "Files written by `kg build` (or `kg export neo4j-csv`) for `neo4j-admin database import full` (Neo4j 5).\n"
        "Stop the database, then run `sh import.sh [database]` from anywhere, or from this folder:\n\n"
        "```sh\n" + " ".join(shlex.quote(a) for a in argv) + "\n```\n\n"
        "Every node shares the ID space `Entity` (ids are the graph.jsonl ids). Array elements are "
        f"separated by the control character {ARRAY_DELIMITER_FLAG} (`--array-delimiter={ARRAY_DELIMITER_FLAG}`); "
        f"that character inside an element is written as `{ARRAY_DELIMITER_SUBSTITUTE}`. Fields are quoted "
        "with doubled inner quotes (RFC 4180; backslashes are plain text) and may span lines, hence "
        "`--multiline-fields=true`. For an incremental load into a running server use `kg push neo4j`.\n\n"
        "Values are written exactly as neo4j-admin must read them, so a cell may start with `=`, `+`, `-` "
        "or `@`: do not open these files in a spreadsheet program, which could run such a cell as a formula "
        "(use `kg query cypher … --format csv` for a table to open in one).\n\n"
        "## Files\n\n" + files + "\n"
    )


def write_csv(graph: KnowledgeGraph, settings: Settings) -> list[Path]:
    """Output writer: OUT/neo4j-import/ with one CSV per label and type, import.sh and IMPORT.md."""
    return write_folder(graph, settings.out / FOLDER)


def write_folder(graph: KnowledgeGraph, target: Path) -> list[Path]:
    """The CSVs, import.sh and IMPORT.md in folder `target`, swapped in as one (`kg export neo4j-csv`
    writes them anywhere); the paths written."""
    pg = to_property_graph(graph)
    nodes, rels = node_files(pg), rel_files(pg)
    argv = import_command(sorted(nodes), sorted(rels))
    readme = _readme(argv, sorted(nodes) + sorted(rels))
    files = {**nodes, **rels, "import.sh": _script(argv), "IMPORT.md": readme}
    with atomic_dir(target) as tmp:
        tmp.chmod(0o755)
        for name, text in sorted(files.items()):
            (tmp / name).write_text(text, encoding="utf-8", newline="\n")
        (tmp / "import.sh").chmod(0o755)
    return [target / name for name in sorted(files)]
