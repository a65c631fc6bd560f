"""graph.html without a browser: self-contained, deterministic, escaped, capped; focus and reading back."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.export.html import (
    MAX_QUOTES,
    PREDICATE_STYLE,
    TYPE_STYLE,
    degrees,
    find_entity,
    layout,
    most_connected,
    neighbourhood,
    only_types,
    page_data,
    render_html,
    script_json,
    vis_network,
    write_html,
)
from kg.export.jsonl import read_graph, write_articles, write_graph
from kg.ids import entity_id, relation_id
from kg.model import Entity, EntityType, Evidence, KnowledgeGraph, Predicate, Relation
from kg.outputs import OUTPUTS, get_writer
from kg.settings import Settings

DATA = re.compile(r'<script type="application/json" id="kg-data">(.*?)</script>', re.S)


def data_of(html: str) -> dict:
    return json.loads(DATA.search(html).group(1))


def chain_graph(n: int) -> KnowledgeGraph:
    """A generated graph: a hub region with `n - 1` union bodies located in it, plus a chain between them."""
    hub = Entity(entity_id(EntityType.REGION, "甲省"), EntityType.REGION, "甲省")
    bodies = [Entity(entity_id(EntityType.UNION_BODY, f"乙{i}工会"), EntityType.UNION_BODY, f"乙{i}工会")
              for i in range(n - 1)]
    ev = Evidence("gen.txt", 0, 0, 4, "生成的句子", "test")

    def rel(a: Entity, p: Predicate, b: Entity, confidence: float) -> Relation:
        return Relation(relation_id(a.id, p, b.id), a.id, p, b.id, (ev,), confidence)

    rels = [rel(b, Predicate.LOCATED_IN, hub, 1.0) for b in bodies]
    pairs = zip(bodies[: n // 4], bodies[1:], strict=False)
    rels += [rel(a, Predicate.PARTNERS_WITH, b, 0.5) for a, b in pairs]
    ents = tuple(sorted([hub, *bodies], key=lambda e: e.id))
    return KnowledgeGraph(ents, tuple(sorted(rels, key=lambda r: r.id)))


def test_registered_as_an_output() -> None:
    assert "html" in OUTPUTS
    assert get_writer("html") is write_html


def test_writes_graph_html_deterministically(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    (path,) = write_html(small_graph, Settings(out=tmp_path))
    assert path == tmp_path / "graph.html"
    first = path.read_bytes()
    write_html(small_graph, Settings(out=tmp_path))
    assert path.read_bytes() == first
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]  # no temporary files left behind


def test_self_contained(small_graph: KnowledgeGraph) -> None:
    html = render_html(small_graph)
    lib = vis_network().read_text(encoding="utf-8")
    assert html.count(lib) == 1
    outside = html.replace(lib, "")
    assert not re.search(r"""(?:src|href|url)\s*[=(]\s*["']?\s*(?:https?:)?//""", outside, re.I)
    assert "http://" not in outside and "https://" not in outside
    assert not re.search(r"<(?:link|iframe|img|object|embed)\b", outside, re.I)
    assert re.findall(r"<script\b[^>]*\bsrc=", html, re.I) == []
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1)
    assert "default-src 'none'" in csp  # the page may not fetch anything even if something slipped in
    assert "unsafe-inline" not in csp.split("style-src")[0]  # only the two hashed scripts may run
    assert len(re.findall(r"'sha256-[A-Za-z0-9+/]+=*'", csp)) == 2


def test_article_text_never_becomes_markup(small_graph: KnowledgeGraph) -> None:
    html = render_html(small_graph, title="<img src=x onerror=alert(1)>")
    outside = html.replace(vis_network().read_text(encoding="utf-8"), "")
    assert "<script>alert(1)" not in html
    assert "<b>" not in outside
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert len(re.findall(r"<script\b", outside)) == 3 == len(re.findall(r"</script>", html))
    data = data_of(html)
    names = {n["label"] for n in data["nodes"]}
    assert {e.name for e in small_graph.entities} == names  # the raw text survives inside the JSON block


def test_script_json_cannot_close_the_element() -> None:
    text = script_json({"q": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"q": "</script><!-- & \u2028"}


def test_page_data_encodes_type_degree_and_evidence(small_graph: KnowledgeGraph) -> None:
    data = page_data(small_graph)
    assert (len(data["nodes"]), len(data["edges"])) == (len(small_graph.entities), len(small_graph.relations))
    union = next(n for n in data["nodes"] if n["label"] == "某市总工会")
    assert (union["kgType"], union["shape"], union["value"]) == ("UnionBody", "dot", 4)
    assert union["kgAliases"] == ["某市总", "市总"]
    assert len({(n["shape"], n["color"]) for n in data["nodes"]}) == 6  # one style per type
    role = next(e for e in data["edges"] if e["kgPredicate"] == "has_role")
    assert role["label"] == "has_role" and role["kgConfidence"] == 0.9
    assert role["kgAttrs"] == [["role", "主席'\"<b>"]]
    assert role["kgEvidence"] == [["fixture.txt#0", "某市总工会与某市人社局合作。"]]
    assert data["articles"] == {"fixture.txt#0": "某市总工会推出暖心驿站"}
    assert data["physics"] is True and data["note"] == ""


def test_large_graph_gets_fixed_deterministic_layout() -> None:
    graph = chain_graph(40)
    data = page_data(graph, physics_limit=30)
    assert data["physics"] is False and data["options"]["physics"]["enabled"] is False
    positions = {n["id"]: (n["x"], n["y"]) for n in data["nodes"]}
    assert len(positions) == 40 and len(set(positions.values())) == 40
    assert page_data(graph, physics_limit=30) == data
    assert "x" not in page_data(graph)["nodes"][0]  # under the limit the browser lays it out


def test_cap_keeps_most_connected_and_says_so() -> None:
    graph = chain_graph(40)
    kept, note = most_connected(graph, cap=10)
    assert len(kept.entities) == 10
    hub = entity_id(EntityType.REGION, "甲省")
    assert hub in {e.id for e in kept.entities}
    assert all(r.subject in {e.id for e in kept.entities} for r in kept.relations)
    assert "10 most connected of 40" in note and "30 UnionBody" in note and "kg viz --focus" in note
    assert most_connected(graph, cap=40) == (graph, "")
    lonely = next(e for e in graph.entities if e.id not in {k.id for k in kept.entities})
    assert lonely.id in {e.id for e in most_connected(graph, cap=10, pinned=lonely.id)[0].entities}
    html = render_html(graph, cap=10)
    assert data_of(html)["note"] == note and len(data_of(html)["nodes"]) == 10


@pytest.mark.parametrize(
    ("query", "name"),
    [("某市总工会", "某市总工会"), ("市总", "某市总工会"), ("骑手", "外卖配送员"), (" 某市 ", "某市")],
)
def test_find_entity_by_name_or_alias(small_graph: KnowledgeGraph, query: str, name: str) -> None:
    assert find_entity(small_graph, query).name == name


def test_unknown_name_lists_close_matches(small_graph: KnowledgeGraph) -> None:
    with pytest.raises(InputError, match="no entity named '某市总工委'.*close matches: .*某市总工会"):
        find_entity(small_graph, "某市总工委")


def test_ambiguous_alias_is_an_error(small_graph: KnowledgeGraph) -> None:
    t = EntityType.UNION_BODY
    twin = Entity(entity_id(t, "另一市总工会"), t, "另一市总工会", ("市总",))
    graph = KnowledgeGraph((*small_graph.entities, twin), small_graph.relations)
    with pytest.raises(InputError, match="several entities"):
        find_entity(graph, "市总")


def test_neighbourhood_depth_and_types(small_graph: KnowledgeGraph) -> None:
    union = find_entity(small_graph, "某市总工会").id
    names = lambda g: {e.name for e in g.entities}  # noqa: E731
    one = neighbourhood(small_graph, union, 1)
    person = next(e.name for e in small_graph.entities if e.type is EntityType.PERSON)
    assert names(one) == {"某市总工会", "暖心驿站项目", "某市", "某市人社局", person}
    assert len(one.relations) == 4
    two = neighbourhood(small_graph, union, 2)
    assert {"某省", "外卖配送员"} <= names(two) and "新就业形态劳动者" not in names(two)
    regions = neighbourhood(small_graph, union, 3, [EntityType.REGION])
    assert names(regions) == {"某市总工会", "某市", "某省"}
    assert names(only_types(small_graph, [EntityType.REGION])) == {"某市", "某省"}


def test_read_graph_round_trips_jsonl(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    settings = Settings(out=tmp_path)
    write_graph(small_graph, settings)
    write_articles(small_graph, settings)
    back = read_graph(tmp_path)
    assert back.entities == small_graph.entities and back.relations == small_graph.relations
    assert [a.headline for a in back.articles] == [a.headline for a in small_graph.articles]
    assert render_html(back) == render_html(small_graph)


def test_read_graph_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_graph(tmp_path)
    (tmp_path / "graph.jsonl").write_text('{"type":"node","id":"n1","labels":["Region"],"properties":{}}\n')
    with pytest.raises(InputError, match="graph.jsonl:1"):
        read_graph(tmp_path)
    (tmp_path / "graph.jsonl").write_text("{not json\n")
    with pytest.raises(InputError, match="graph.jsonl:1: not valid JSON"):
        read_graph(tmp_path)


def _pyvis_data(graph: KnowledgeGraph, physics: bool) -> tuple[list, list]:
    """Nodes and edges as pyvis's Network makes them for the same calls (the oracle the page data follows)."""
    from pyvis.network import Network

    pos, deg = ({} if physics else layout(graph)), degrees(graph)
    net = Network(directed=True, cdn_resources="in_line", height="100%", width="100%")
    for e in graph.entities:
        style = TYPE_STYLE[e.type]
        extra = {"x": pos[e.id][0], "y": pos[e.id][1]} if e.id in pos else {}
        net.add_node(e.id, label=e.name, shape=style.shape, color=style.color, value=deg[e.id],
                     kgType=e.type.value, kgAliases=list(e.aliases), kgAttrs=[list(a) for a in e.attrs],
                     kgArticles=list(e.articles), **extra)
    for r in graph.relations:
        evidence = [[f"{ev.doc}#{ev.article}", ev.quote] for ev in r.evidence[:MAX_QUOTES]]
        net.add_edge(r.subject, r.object, id=r.id, label=r.predicate.value, color=PREDICATE_STYLE[r.predicate].color,
                     kgPredicate=r.predicate.value, kgConfidence=round(r.confidence, 3),
                     kgAttrs=[list(a) for a in r.attrs], kgEvidence=evidence, kgEvidenceTotal=len(r.evidence))
    nodes, edges, *_ = net.get_network_data()
    return nodes, edges


def test_page_nodes_and_edges_are_the_ones_pyvis_makes(small_graph: KnowledgeGraph) -> None:
    unnamed = replace(small_graph, entities=(replace(small_graph.entities[0], name=""), *small_graph.entities[1:]))
    for graph, limit in ((small_graph, 300), (unnamed, 300), (chain_graph(40), 30)):
        data = page_data(graph, physics_limit=limit)
        nodes, edges = _pyvis_data(graph, physics=data["physics"])
        assert script_json([data["nodes"], data["edges"]]) == script_json([nodes, edges])
