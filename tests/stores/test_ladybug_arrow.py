"""Arrow tables for the LadybugDB load: schema order, engine types, values kept exactly, odd values as the CSV path."""

from __future__ import annotations

import pyarrow as pa
import pytest

from kg.pgraph import ARTICLE, MENTIONS, NodeRow, PropType, RelRow, to_property_graph
from kg.stores.ladybug_arrow import column, node_table, rel_table
from tests.conftest import make_graph

HOSTILE = ["a\rb", "c\nd", "e\r\nf", '"q"', "'", "back\\slash", "x\x1fy", "\x1e3", "\x1e", "", "nul\x00x", "中文"]


def test_node_table_has_the_schema_columns_with_engine_types() -> None:
    pg = to_property_graph(make_graph())
    for label, columns in pg.node_schema.items():
        table = node_table(columns, pg.nodes_of(label))
        assert table.column_names == [k for k, _ in columns], label
        assert table.num_rows == len(pg.nodes_of(label))
        expected = {PropType.STRING: pa.string(), PropType.INT: pa.int64(), PropType.FLOAT: pa.float64(),
                    PropType.STRING_LIST: pa.list_(pa.string())}
        assert [f.type for f in table.schema] == [expected[t] for _, t in columns], label
    articles = node_table(pg.node_schema[ARTICLE], pg.nodes_of(ARTICLE))
    assert articles.to_pylist() == [dict(r.props) for r in pg.nodes_of(ARTICLE)]


def test_rel_table_leads_with_start_and_end_ids_then_properties() -> None:
    pg = to_property_graph(make_graph())
    rows = pg.rels_of(MENTIONS)
    table = rel_table(pg.rel_schema[MENTIONS], rows)
    assert table.column_names[:2] == ["_from", "_to"]
    assert table.to_pylist() == [{"_from": r.start, "_to": r.end, **dict(r.props)} for r in rows]


def test_hostile_text_none_and_empty_lists_are_kept_exactly() -> None:
    strings = [*HOSTILE, None]
    assert column(strings, PropType.STRING).to_pylist() == strings
    lists = [HOSTILE, [], [""], ["\x1f"]]
    assert column(lists, PropType.STRING_LIST).to_pylist() == lists
    assert column([0.5, None, 1e-300], PropType.FLOAT).to_pylist() == [0.5, None, 1e-300]
    assert column([3, None, -1], PropType.INT).to_pylist() == [3, None, -1]


@pytest.mark.parametrize(("values", "type_", "expected"), [
    ([1, None, "x"], PropType.STRING, ["1", None, "x"]),
    ([None, ["a"]], PropType.STRING_LIST, [[], ["a"]]),
    ([None, ("a", 2), []], PropType.STRING_LIST, [[], ["a", "2"], []]),
    (["1.5", 2, None], PropType.FLOAT, [1.5, 2.0, None]),
    (["7", None], PropType.INT, [7, None]),
])
def test_values_arrow_cannot_take_are_stored_as_the_csv_path_stores_them(
        values: list[object], type_: PropType, expected: list[object]) -> None:
    assert column(values, type_).to_pylist() == expected


def test_an_empty_group_gives_an_empty_table_of_the_right_shape() -> None:
    pg = to_property_graph(make_graph())
    columns = pg.node_schema[ARTICLE]
    empty: list[NodeRow] = []
    no_rels: list[RelRow] = []
    assert node_table(columns, empty).num_rows == 0
    assert node_table(columns, empty).column_names == [k for k, _ in columns]
    assert rel_table(pg.rel_schema[MENTIONS], no_rels).num_columns == 2 + len(pg.rel_schema[MENTIONS])
