"""Property-graph rows as in-memory Arrow tables, the fast LadybugDB bulk-load source.

`COPY … FROM $table` scans the table in place: typed columns and native string lists, so no
text is escaped, staged in a file or decoded by the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter, itemgetter

import pyarrow as pa

from kg.pgraph import Columns, NodeRow, PropType, RelRow

REL_ENDS: Columns = (("_from", PropType.STRING), ("_to", PropType.STRING))
"""The leading key columns of a relationship COPY source: start and end node ids."""

_TYPES: dict[PropType, pa.DataType] = {
    PropType.STRING: pa.string(), PropType.INT: pa.int64(), PropType.FLOAT: pa.float64(),
    PropType.STRING_LIST: pa.list_(pa.string()),
}
"""The Arrow type of each column type (the engine casts nothing: these are the table's own types)."""


def _normal(value: object, type_: PropType) -> object:
    """A value as its column stores it: text by str(), numbers by int()/float(), a missing list as []."""
    if type_ is PropType.STRING_LIST:
        return [] if value is None else [str(v) for v in value]  # type: ignore[attr-defined]
    if value is None:
        return None
    if type_ is PropType.STRING:
        return str(value)
    return float(value) if type_ is PropType.FLOAT else int(value)  # type: ignore[call-overload]


def column(values: list[object], type_: PropType) -> pa.Array | pa.ChunkedArray:
    """One typed column; values Arrow cannot take as they are (rare) are normalised first."""
    if type_ is PropType.STRING_LIST and None in values:
        values = [_normal(v, type_) for v in values]
    try:
        return pa.array(values, _TYPES[type_])
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([_normal(v, type_) for v in values], _TYPES[type_])


def _columns_of(rows: Sequence[NodeRow | RelRow], width: int) -> list[list[object]]:
    """The property values of `rows`, column by column (transposed once, in C)."""
    if not rows:
        return [[] for _ in range(width)]
    value = itemgetter(1)
    return [list(map(value, cells)) for cells in zip(*[r.props for r in rows], strict=True)]


def node_table(columns: Columns, rows: Sequence[NodeRow]) -> pa.Table:
    """The Arrow table `COPY label FROM` reads: one column per property, in schema order."""
    arrays = [column(values, t) for values, (_, t) in zip(_columns_of(rows, len(columns)), columns, strict=True)]
    return pa.Table.from_arrays(arrays, names=[k for k, _ in columns])


def rel_table(columns: Columns, rows: Sequence[RelRow]) -> pa.Table:
    """The Arrow table `COPY type FROM` reads: start id, end id, then the properties in schema order."""
    ends = [column(list(map(attrgetter(k), rows)), PropType.STRING) for k in ("start", "end")]
    props = [column(values, t) for values, (_, t) in zip(_columns_of(rows, len(columns)), columns, strict=True)]
    return pa.Table.from_arrays(ends + props, names=[k for k, _ in REL_ENDS + columns])
