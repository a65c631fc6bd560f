"""queries/*.rq: each example query runs on a store built from the hand-made graph and from the seeds.

Where a query has a plain-Python twin below (computed from the KnowledgeGraph, not from RDF), the
SPARQL answer must equal it; the others are checked for shape and, on the hand-made graph, content.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import pytest

from kg.ids import entity_id, relation_id
from kg.model import Entity, EntityType, Evidence, KnowledgeGraph, Predicate, Relation
from kg.settings import Settings
from kg.stores.oxigraph_store import run_query, write_store

ROOT = Path(__file__).resolve().parent.parent.parent
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
NAMES = [q.stem for q in QUERIES]
T, P = EntityType, Predicate

# the example parameters written in the queries, and their stand-ins in the hand-made graph
PARAMETERS = {"甘肃省": "某省", "兰州市总工会": "某市总工会", "民乐县": "某市"}


def _text(stem: str, small: bool) -> str:
    text = (ROOT / "queries" / f"{stem}.rq").read_text(encoding="utf-8")
    if small:
        for real, stand_in in PARAMETERS.items():
            text = text.replace(f'"{real}"', f'"{stand_in}"')
    return text


# ------------------------------------------------------------------ plain-Python twins

def _ancestors(graph: KnowledgeGraph) -> dict[str, set[str]]:
    parents: dict[str, set[str]] = defaultdict(set)
    for r in graph.relations:
        if r.predicate is P.LOCATED_IN:
            parents[r.subject].add(r.object)
    out: dict[str, set[str]] = {}
    for start in {e.id for e in graph.entities}:
        seen, todo = set(), list(parents[start])
        while todo:
            x = todo.pop()
            if x not in seen:
                seen.add(x)
                todo.extend(parents[x])
        out[start] = seen
    return out


def _types(graph: KnowledgeGraph) -> dict[str, EntityType]:
    return {e.id: e.type for e in graph.entities}


def _runs(graph: KnowledgeGraph) -> list[tuple[str, str]]:
    types = _types(graph)
    return [(r.subject, r.object) for r in graph.relations
            if r.predicate is P.RUNS and types[r.object] is T.INITIATIVE]


def twin_q01(graph: KnowledgeGraph, province: str) -> set[tuple]:
    name, anc = {e.id: e.name for e in graph.entities}, _ancestors(graph)
    ids = {e.id for e in graph.entities if e.type is T.REGION and e.name == province}
    return {(name[i], name[b]) for b, i in _runs(graph) if anc[b] & ids}


def twin_q02(graph: KnowledgeGraph, _param: str) -> set[tuple]:
    name, types = {e.id: e.name for e in graph.entities}, _types(graph)
    served: dict[str, set[str]] = defaultdict(set)
    for r in graph.relations:
        if r.predicate is P.SERVES and types[r.subject] is T.INITIATIVE and types[r.object] is T.WORKER_GROUP:
            served[name[r.object]].add(r.subject)
    return {(g, len(i)) for g, i in served.items()}


def twin_q06(graph: KnowledgeGraph, _param: str) -> set[tuple]:
    name, types = {e.id: e.name for e in graph.entities}, _types(graph)
    return {(name[r.subject], name[r.object]) for r in graph.relations if r.predicate is P.GUIDES
            and types[r.subject] is types[r.object] is T.UNION_BODY}


def twin_q09(graph: KnowledgeGraph, _param: str) -> set[tuple]:
    return set(Counter(e.type.value for e in graph.entities).items())


def twin_q10(graph: KnowledgeGraph, _param: str) -> set[tuple]:
    anc = _ancestors(graph)
    provinces = {e.id: e.name for e in graph.entities if e.type is T.REGION and e.attr("level") == "province"}
    found: dict[str, set[str]] = defaultdict(set)
    for b, i in _runs(graph):
        for p in anc[b] & set(provinces):
            found[provinces[p]].add(i)
    return {(p, len(i)) for p, i in found.items()}


TWINS = {
    "q01_initiatives_in_province": twin_q01,
    "q02_worker_groups_ranked": twin_q02,
    "q06_guidance_links": twin_q06,
    "q09_counts_per_type": twin_q09,
    "q10_initiatives_per_province": twin_q10,
}
COLUMNS = {
    "q01_initiatives_in_province": ["initiative", "body"],
    "q02_worker_groups_ranked": ["group", "n"],
    "q03_bodies_partnering_government": ["body", "organization"],
    "q04_facts_about_body": ["body", "predicate", "other", "quote"],
    "q05_county_unions_for_truck_drivers": ["body", "initiative"],
    "q06_guidance_links": ["guide", "guided"],
    "q07_people_and_roles": ["person", "role", "org"],
    "q08_region_ancestors": ["region", "ancestor", "level"],
    "q09_counts_per_type": ["type", "n"],
    "q10_initiatives_per_province": ["province", "n"],
}


def test_ten_queries_each_with_its_question() -> None:
    assert NAMES == sorted(COLUMNS)
    for q in QUERIES:
        first = q.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith(f"# {q.stem[:3]}:") and "?" in first, q.name


# ------------------------------------------------------------------ the hand-made graph

def _variant(graph: KnowledgeGraph) -> KnowledgeGraph:
    """The fixture plus a county union that the city union guides, running a truck-driver initiative."""
    county = Entity(entity_id(T.REGION, "某县"), T.REGION, "某县", (), (("level", "county"),))
    body = Entity(entity_id(T.UNION_BODY, "某县总工会"), T.UNION_BODY, "某县总工会")
    station = Entity(entity_id(T.INITIATIVE, "司机之家"), T.INITIATIVE, "司机之家")
    drivers = Entity(entity_id(T.WORKER_GROUP, "货车司机"), T.WORKER_GROUP, "货车司机")
    city = entity_id(T.REGION, "某市")
    city_union = entity_id(T.UNION_BODY, "某市总工会")
    ev = Evidence("fixture2.txt", 0, 0, 20, "某县总工会在某市总工会指导下建设司机之家。", "test", 0.8)
    facts = [(county.id, P.LOCATED_IN, city), (body.id, P.LOCATED_IN, county.id),
             (body.id, P.RUNS, station.id), (station.id, P.SERVES, drivers.id),
             (city_union, P.GUIDES, body.id)]
    rels = [Relation(relation_id(s, p, o), s, p, o, (ev,), 0.8) for s, p, o in facts]
    return replace(graph, entities=tuple(sorted((*graph.entities, county, body, station, drivers),
                                                key=lambda e: e.id)),
                   relations=tuple(sorted((*graph.relations, *rels), key=lambda r: r.id)))


HOSTILE = "张三\"}; DROP ALL <script>alert(1)</script> ' OR 1=1 //"
EXPECTED_SMALL = {
    "q01_initiatives_in_province": [["司机之家", "某县总工会"], ["暖心驿站项目", "某市总工会"]],
    "q02_worker_groups_ranked": [["外卖配送员", 1], ["货车司机", 1]],
    "q03_bodies_partnering_government": [["某市总工会", "某市人社局"]],
    "q05_county_unions_for_truck_drivers": [["某县总工会", "司机之家"]],
    "q06_guidance_links": [["某市总工会", "某县总工会"]],
    "q07_people_and_roles": [[HOSTILE, "主席'\"<b>", "某市总工会"]],
    "q08_region_ancestors": [["某市", "某省", "province"]],
    "q10_initiatives_per_province": [["某省", 2]],
}


@pytest.fixture
def small_out(small_graph: KnowledgeGraph, tmp_path: Path) -> tuple[KnowledgeGraph, Path]:
    graph = _variant(small_graph)
    write_store(graph, Settings(out=tmp_path, progress=False))
    return graph, tmp_path


@pytest.mark.parametrize("stem", NAMES)
def test_query_on_the_hand_made_graph(stem: str, small_out: tuple[KnowledgeGraph, Path]) -> None:
    graph, out = small_out
    columns, rows = run_query(out, _text(stem, small=True))
    assert columns == COLUMNS[stem]
    assert rows, stem
    if stem in EXPECTED_SMALL:
        assert rows == EXPECTED_SMALL[stem]
    if stem in TWINS:
        assert {tuple(r) for r in rows} == TWINS[stem](graph, "某省")


def test_facts_about_body_on_the_hand_made_graph(small_out: tuple[KnowledgeGraph, Path]) -> None:
    _, out = small_out
    _, rows = run_query(out, _text("q04_facts_about_body", small=True))
    assert {(p, o) for _, p, o, _ in rows} == {
        ("RUNS", "暖心驿站项目"), ("LOCATED_IN", "某市"), ("PARTNERS_WITH", "某市人社局"),
        ("HAS_ROLE", HOSTILE), ("GUIDES", "某县总工会")}
    assert all(body == "某市总工会" and quote for body, _, _, quote in rows)


def test_facts_about_body_falls_back_to_the_most_connected(small_out: tuple[KnowledgeGraph, Path]) -> None:
    _, out = small_out
    text = _text("q04_facts_about_body", small=True).replace('"某市总工会"', '"没有这个工会"')
    _, rows = run_query(out, text)
    assert {body for body, *_ in rows} == {"某市总工会"}  # 5 facts against 3 for 某县总工会


# ------------------------------------------------------------------ the gold facts of the seeds

GOLD = ROOT.parent / "shared" / "gold" / "seeds"
LEVELS = (("自治区", "province"), ("省", "province"), ("州", "city"), ("市", "city"), ("区", "county"),
          ("县", "county"), ("旗", "county"), ("街道", "town"), ("镇", "town"), ("乡", "town"), ("村", "village"),
          ("社区", "village"))
MUNICIPALITIES = {"北京市", "上海市", "天津市", "重庆市"}


def _level(name: str) -> str:
    if name in MUNICIPALITIES:
        return "province"
    return next((level for suffix, level in LEVELS if name.endswith(suffix)), "unknown")


def gold_graph() -> KnowledgeGraph:
    """A KnowledgeGraph made from the hand-annotated gold facts (levels from the name's suffix)."""
    entities: dict[tuple[EntityType, str], Entity] = {}
    relations: dict[str, Relation] = {}
    for path in sorted(GOLD.glob("*.jsonl")):
        doc = path.stem + ".txt"
        text = (ROOT / "seeds" / doc).read_text(encoding="utf-8")
        for index, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            record = json.loads(line)
            types = {}
            for e in record["entities"]:
                t = EntityType(e["type"])
                types[e["name"]] = t
                attrs = (("level", _level(e["name"])),) if t is T.REGION else ()
                entities.setdefault((t, e["name"]), Entity(entity_id(t, e["name"]), t, e["name"],
                                                           tuple(e["aliases"]), attrs))
            for r in record["relations"]:
                s = entity_id(types[r["subject"]], r["subject"])
                o = entity_id(types[r["object"]], r["object"])
                p = Predicate(r["predicate"])
                start = max(text.find(r["evidence"]), 0)
                ev = Evidence(doc, index, start, start + len(r["evidence"]), r["evidence"], "gold", 1.0)
                rid = relation_id(s, p, o)
                old = relations.get(rid)
                attrs = (("role", r["role"]),) if r.get("role") else ()
                relations[rid] = Relation(rid, s, p, o, (*(old.evidence if old else ()), ev), 1.0, attrs)
    return KnowledgeGraph(tuple(sorted(entities.values(), key=lambda e: e.id)),
                          tuple(sorted(relations.values(), key=lambda r: r.id)))


@pytest.fixture(scope="module")
def gold_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[KnowledgeGraph, Path]:
    if not GOLD.is_dir():
        pytest.skip(f"no gold facts at {GOLD}")
    graph = gold_graph()
    out = tmp_path_factory.mktemp("gold-store")
    write_store(graph, Settings(out=out, progress=False))
    return graph, out


@pytest.mark.parametrize("stem", NAMES)
def test_query_on_the_gold_facts(stem: str, gold_out: tuple[KnowledgeGraph, Path]) -> None:
    graph, out = gold_out
    columns, rows = run_query(out, _text(stem, small=False))
    assert columns == COLUMNS[stem]
    assert rows, f"{stem} is empty on the gold facts"
    if stem in TWINS:
        assert {tuple(r) for r in rows} == TWINS[stem](graph, "甘肃省")


def test_gold_answers_make_sense(gold_out: tuple[KnowledgeGraph, Path]) -> None:
    _, out = gold_out
    _, ancestors = run_query(out, _text("q08_region_ancestors", small=False))
    assert [level for *_, level in ancestors][-1] == "province"
    _, facts = run_query(out, _text("q04_facts_about_body", small=False))
    assert {body for body, *_ in facts} == {"兰州市总工会"}
    assert all(quote for *_, quote in facts)
    _, ranked = run_query(out, _text("q02_worker_groups_ranked", small=False))
    assert [n for _, n in ranked] == sorted((n for _, n in ranked), reverse=True)


# ------------------------------------------------------------------ the seeds

@pytest.fixture(scope="module")
def seeds_out(seeds_graph: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> tuple[KnowledgeGraph, Path]:
    graph = seeds_graph
    out = tmp_path_factory.mktemp("seeds-store")
    write_store(graph, Settings(out=out, progress=False))
    return graph, out


def _has(graph: KnowledgeGraph, predicate: Predicate) -> bool:
    return any(r.predicate is predicate for r in graph.relations)


@pytest.mark.parametrize("stem", NAMES)
def test_query_on_the_seeds(stem: str, seeds_out: tuple[KnowledgeGraph, Path]) -> None:
    graph, out = seeds_out
    columns, rows = run_query(out, _text(stem, small=False))
    assert columns == COLUMNS[stem]
    assert all(None not in row[:1] for row in rows)
    if stem in TWINS:
        assert {tuple(r) for r in rows} == TWINS[stem](graph, "甘肃省")
    needs = {"q03_bodies_partnering_government": P.PARTNERS_WITH, "q06_guidance_links": P.GUIDES,
             "q07_people_and_roles": P.HAS_ROLE}
    if stem == "q05_county_unions_for_truck_drivers":
        return  # depends on what extraction finds; shape checked above
    if stem in needs and not _has(graph, needs[stem]):
        pytest.skip(f"the seeds graph has no {needs[stem].value} facts")
    assert rows, f"{stem} is empty on the seeds"
