"""The division table: short forms, parent chains, and disambiguation by context."""

from __future__ import annotations

import pytest

from kg.divisions import Division, divisions, parse, strip_suffix


@pytest.fixture(scope="module")
def table():
    return divisions()


@pytest.mark.parametrize(
    ("surface", "name", "level"),
    [
        ("甘肃", "甘肃省", "province"),
        ("宁夏", "宁夏回族自治区", "province"),
        ("新疆", "新疆维吾尔自治区", "province"),
        ("广西", "广西壮族自治区", "province"),
        ("内蒙古", "内蒙古自治区", "province"),
        ("黔南", "黔南布依族苗族自治州", "city"),
        ("兰州", "兰州市", "city"),
        ("浦东", "浦东新区", "county"),
        ("民乐县", "民乐县", "county"),
        ("陵水县", "陵水黎族自治县", "county"),
        ("黔南州", "黔南布依族苗族自治州", "city"),
        ("长沙", "长沙市", "city"),
    ],
)
def test_short_and_full_forms_resolve(table, surface, name, level):
    d = table.resolve(surface)
    assert d is not None and (d.name, d.level) == (name, level)


def test_chain_of_lanzhou(table):
    lz = table.resolve("兰州")
    assert [d.name for d in table.chain(lz.code)] == ["兰州市", "甘肃省"]
    assert table.chain(lz.code)[-1].parent is None


def test_pudong_hangs_off_shanghai_directly(table):
    (pd,) = table.lookup("浦东新区")
    assert [d.name for d in table.chain(pd.code)] == ["浦东新区", "上海市"]
    street = table.resolve("陆家嘴街道", [pd.code])
    assert street is not None and street.level == "town" and street.parent == pd.code


def test_duplicate_district_needs_context(table):
    found = table.lookup("朝阳区")
    assert len(found) >= 2
    assert table.resolve("朝阳区") is None
    beijing = table.resolve("北京")
    changchun = table.resolve("长春")
    assert [d.name for d in table.chain(table.resolve("朝阳区", [beijing.code]).code)][-1] == "北京市"
    assert table.resolve("朝阳区", [changchun.code]).parent == changchun.code


def test_context_below_also_supports(table):
    # a town of one 朝阳区 (Changchun's) in context picks that district
    town = [d for d in table.lookup("乐山镇") if d.parent and table.get(d.parent).name == "朝阳区"]
    assert len(town) == 1
    assert table.resolve("朝阳区", [town[0].code]).code == town[0].parent


def test_bare_short_form_prefers_unique_higher_level(table):
    d = table.resolve("朝阳")
    assert d is not None and d.level == "city" and d.name == "朝阳市"


def test_short_forms_never_single_char_or_common_words(table):
    all_surfaces = set(table.surfaces())
    assert all(len(s) >= 2 for s in all_surfaces)
    for word in ("和平", "合作", "南部", "光明", "资源", "城关"):
        assert word not in all_surfaces, word
    assert "莒县" in all_surfaces and "莒" not in all_surfaces


def test_unknown_surface(table):
    assert table.resolve("不存在的地方") is None
    assert table.lookup("全国") == []
    assert table.chain("999999") == []


def test_strip_suffix():
    assert strip_suffix("广西壮族自治区") == "广西"
    assert strip_suffix("黔南布依族苗族自治州") == "黔南"
    assert strip_suffix("宁夏回族自治区") == "宁夏"
    assert strip_suffix("兴安盟") == "兴安"


def test_parse_small_table():
    lines = [
        "某某省\t990000\t某某\n",
        "\t甲乙市\t990100\t甲乙\n",
        "\t\t丙丁县\t990101\t丙丁\n",
        "\t\t\t戊己镇\n",
        "\t\t\t工业园\n",
        "\t\t\t\t某村\n",
        "某直辖市\t980000\t某直辖\n",
        "\t某直辖市\t980000\t某直辖\n",
        "\t\t庚辛区\t980101\t庚辛\n",
    ]
    got = {d.name: d for d in parse(lines, frozenset(), frozenset(), frozenset())}
    assert set(got) == {"某某省", "甲乙市", "丙丁县", "戊己镇", "某直辖市", "庚辛区"}
    assert got["丙丁县"] == Division("990101", "丙丁县", "county", "990100", ("丙丁",))
    assert got["戊己镇"].parent == "990101" and got["戊己镇"].level == "town"
    assert got["庚辛区"].parent == "980000"
    assert got["某直辖市"].short == ("某直辖",)


def test_table_is_a_tree(table):
    items = [table.get(c) for c in table._by_code]
    assert all(d.parent is None or table.get(d.parent) is not None for d in items)
    assert all(len(table.chain(d.code)) <= 4 and table.chain(d.code)[-1].level == "province" for d in items)
    dg = table.resolve("东莞")  # a city without counties: its repeated county-level row must not loop
    assert [d.name for d in table.chain(dg.code)] == ["东莞市", "广东省"]


def test_table_reads_from_jionlp_zip_as_shipped() -> None:
    """A fresh install has only dictionary/china_location.zip until jionlp is imported once."""
    from kg import divisions as regions

    zipped = regions._source().with_name("china_location.zip")
    items = regions._build(zipped)
    names = {d.name for d in items}
    assert len(items) > 40000
    assert {"甘肃省", "浦东新区"} <= names
