"""The embedded LadybugDB store: bulk load, exact values back, Cypher answers, errors in one line."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError, QueryError, StoreError
from kg.ids import entity_id, relation_id
from kg.model import Entity, EntityType, Evidence, KnowledgeGraph, Predicate, Relation
from kg.outputs import OUTPUTS, get_writer
from kg.pgraph import ARTICLE, MENTIONS, NODE_LABELS, to_property_graph
from kg.settings import Settings
from kg.stores.ladybug_store import (
    ARROW_PARAM,
    arrow_copies,
    load_database,
    run_query,
    schema_statements,
    store_path,
    write_store,
)
from tests.conftest import make_graph


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lb")
    write_store(make_graph(), Settings(out=out, progress=False))
    return out


def _dump(out: Path) -> list:
    """Every node and relationship with its properties, sorted: the logical content of a store."""
    _, nodes = run_query(out, "MATCH (n) RETURN n ORDER BY n.id")
    _, rels = run_query(out, "MATCH (a)-[r]->(b) RETURN a.id, r, b.id ORDER BY r.id")
    return [nodes, rels]


def test_registered_as_output_writer() -> None:
    assert OUTPUTS["ladybug"] == "kg.stores.ladybug_store:write_store"
    assert get_writer("ladybug") is write_store


def test_counts_per_label_and_type_match_the_rows(built: Path) -> None:
    pg = to_property_graph(make_graph())
    for label in NODE_LABELS:
        _, rows = run_query(built, f"MATCH (n:{label}) RETURN count(n)")
        assert rows == [[len(pg.nodes_of(label))]], label
    for type_ in Counter(r.type for r in pg.rels):
        _, rows = run_query(built, f"MATCH ()-[r:{type_}]->() RETURN count(r)")
        assert rows == [[len(pg.rels_of(type_))]], type_


def test_hostile_text_and_lists_come_back_exactly(built: Path) -> None:
    graph = make_graph()
    person = next(e for e in graph.entities if e.type is EntityType.PERSON)
    role = next(r for r in graph.relations if r.predicate is Predicate.HAS_ROLE)
    returned = ["p.name", "p.aliases", "r.role", "r.quotes", "r.sources", "r.evidence_count", "r.confidence"]
    cols, rows = run_query(built, "MATCH (p:Person)-[r:HAS_ROLE]->(o) RETURN " + ", ".join(returned))
    assert cols == returned
    assert rows == [[person.name, [], dict(role.attrs)["role"], [ev.quote for ev in role.evidence],
                     [f"{ev.doc}#{ev.article}" for ev in role.evidence], len(role.evidence),
                     pytest.approx(role.confidence)]]
    body = next(e for e in graph.entities if e.type is EntityType.UNION_BODY)
    _, rows = run_query(built, f"MATCH (u:UnionBody {{id: '{body.id}'}}) RETURN u.aliases, u.articles")
    assert rows == [[list(body.aliases), list(body.articles)]]


def test_region_properties_and_variable_length_paths(built: Path) -> None:
    graph = make_graph()
    body = next(e for e in graph.entities if e.type is EntityType.UNION_BODY)
    located = {r.subject: r.object for r in graph.relations if r.predicate is Predicate.LOCATED_IN}
    chain, node = [], located.get(body.id)
    while node:
        chain.append(graph.entity(node))
        node = located.get(node)
    _, rows = run_query(built, f"MATCH (b:UnionBody {{id: '{body.id}'}})-[:LOCATED_IN*1..6]->(r:Region) "
                               "RETURN r.name, r.level, r.code ORDER BY r.name")
    assert rows == sorted([e.name, e.attr("level"), e.attr("code")] for e in chain)


def test_articles_mention_entities(built: Path) -> None:
    graph = make_graph()
    _, rows = run_query(built, f"MATCH (a:{ARTICLE})-[m:{MENTIONS}]->(e) RETURN a.doc, a.position, count(e)")
    expected = Counter(k for e in graph.entities for k in e.articles)
    assert {f"{d}#{i}": n for d, i, n in rows} == dict(expected)


def test_bad_query_is_one_line_query_error(built: Path) -> None:
    with pytest.raises(QueryError) as err:
        run_query(built, "MATCH (n:UnionBody RETURN n")
    assert "\n" not in str(err.value) and "Parser exception" in str(err.value)
    with pytest.raises(QueryError, match="NoSuchLabel|not exist|Binder"):
        run_query(built, "MATCH (n:NoSuchLabel) RETURN n")


def test_store_is_opened_read_only(built: Path) -> None:
    before = _dump(built)
    with pytest.raises(QueryError):
        run_query(built, "CREATE (n:Person {id: 'per-new', name: 'x'})")
    assert _dump(built) == before


def test_missing_store_says_to_build(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="kg build"):
        run_query(tmp_path, "MATCH (n) RETURN n")


def test_rebuild_replaces_store_atomically_and_same_content(tmp_path: Path) -> None:
    settings = Settings(out=tmp_path, progress=False)
    first = write_store(make_graph(), settings)
    content = _dump(tmp_path)
    assert first == [tmp_path / "ladybug"] and store_path(tmp_path).is_file()
    write_store(make_graph(), settings)
    assert _dump(tmp_path) == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ladybug"]  # no temporary folders left


def test_statements_hold_no_article_text(tmp_path: Path) -> None:
    graph = make_graph()
    pg = to_property_graph(graph)
    statements = schema_statements(pg) + [s for s, _ in arrow_copies(pg)]
    texts = [e.name for e in graph.entities] + [ev.quote for r in graph.relations for ev in r.evidence]
    assert not [t for t in texts for s in statements if t in s]
    assert all(s.startswith(("CREATE NODE TABLE", "CREATE REL TABLE", "COPY")) for s in statements)


@settings(max_examples=5, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(st.characters(codec="utf-8"), min_size=1, max_size=30),
                min_size=1, max_size=12, unique=True))
def test_any_text_survives_the_bulk_load(tmp_path: Path, names: list[str]) -> None:
    aliases = ("", "\x1e3", "\r", "a\x1fb")  # an empty alias, a lone CR, control separators
    ents = [Entity(entity_id(EntityType.ORGANIZATION, n), EntityType.ORGANIZATION, n, (n, *aliases))
            for n in names]
    hub = Entity(entity_id(EntityType.UNION_BODY, "甲工会"), EntityType.UNION_BODY, "甲工会")
    p = Predicate.PARTNERS_WITH
    rels = [Relation(relation_id(hub.id, p, e.id), hub.id, p, e.id,
                     (Evidence("d", 0, 0, 1, e.name, "t"),), 0.5) for e in ents]
    graph = KnowledgeGraph(tuple(sorted(ents + [hub], key=lambda e: e.id)),
                           tuple(sorted(rels, key=lambda r: r.id)))
    out = tmp_path / f"h{abs(hash(tuple(names)))}"
    write_store(graph, Settings(out=out, progress=False))
    _, rows = run_query(out, "MATCH (:UnionBody)-[r:PARTNERS_WITH]->(o:Organization) "
                             "RETURN o.name, o.aliases, r.quotes")
    assert sorted(map(tuple, [[a, tuple(b), tuple(c)] for a, b, c in rows])) == sorted(
        (n, (n, *aliases), (n,)) for n in names)


HOSTILE = ("a\rb", "c\nd", "e\r\nf", '"q"', "'", "back\\slash", "x\x1fy", "\x1e3", "\x1e", "", "nul\x00x", "中文")
"""Control characters, quotes, backslashes, separators a CSV would split at, NUL and an empty string."""


def _hostile_graph() -> KnowledgeGraph:
    """Hostile names, aliases, attributes and quotes; empty lists; absent (None) properties."""
    t = EntityType
    r1 = Entity(entity_id(t.REGION, "甲省"), t.REGION, "甲\r\n省\"'\\", HOSTILE,
                (("level", "province"), ("code", "\x1e0\x1f")), ("d.txt#0", "odd-key"))
    r2 = Entity(entity_id(t.REGION, "乙"), t.REGION, "乙")
    body = Entity(entity_id(t.UNION_BODY, "丙工会"), t.UNION_BODY, "丙工会\x00", ("",), (), ("d.txt#0",))
    person = Entity(entity_id(t.PERSON, "丁"), t.PERSON, "\x1e3", ("\x1f",))
    quotes = tuple(Evidence("d.txt", 0, i, i + 1, q, "r") for i, q in enumerate(HOSTILE))
    rels = [Relation(relation_id(body.id, Predicate.LOCATED_IN, r1.id), body.id, Predicate.LOCATED_IN, r1.id,
                     quotes, 0.25),
            Relation(relation_id(r1.id, Predicate.LOCATED_IN, r2.id), r1.id, Predicate.LOCATED_IN, r2.id, (), 1.0),
            Relation(relation_id(person.id, Predicate.HAS_ROLE, body.id), person.id, Predicate.HAS_ROLE, body.id,
                     (Evidence("d.txt", 1, 0, 0, "", "r"),), 0.5, (("role", "主席\r"),))]
    return KnowledgeGraph(tuple(sorted([r1, r2, body, person], key=lambda e: e.id)),
                          tuple(sorted(rels, key=lambda r: r.id)))


def _load(graph: KnowledgeGraph, out: Path) -> Path:
    store_path(out).parent.mkdir(parents=True)
    load_database(to_property_graph(graph), store_path(out))
    return out


def test_the_load_stores_hostile_text_empty_lists_and_none_exactly(tmp_path: Path) -> None:
    graph = _hostile_graph()
    out = _load(graph, tmp_path)
    _, regions = run_query(out, "MATCH (r:Region) RETURN r.id, r.name, r.aliases, r.level, r.code, r.articles "
                                "ORDER BY r.id")
    assert regions == [[e.id, e.name, list(e.aliases), e.attr("level") or None, e.attr("code") or None,
                        list(e.articles)] for e in graph.entities if e.type is EntityType.REGION]
    _, others = run_query(out, "MATCH (n) WHERE NOT label(n) IN ['Region', 'Article'] RETURN n.id, n.name, n.aliases "
                               "ORDER BY n.id")
    assert others == [[e.id, e.name, list(e.aliases)] for e in graph.entities if e.type is not EntityType.REGION]
    _, rels = run_query(out, "MATCH ()-[r]->() WHERE label(r) <> 'MENTIONS' "
                             "RETURN r.id, r.quotes, r.sources, r.evidence_count, r.confidence ORDER BY r.id")
    assert rels == [[r.id, [ev.quote for ev in r.evidence], [f"{ev.doc}#{ev.article}" for ev in r.evidence],
                     len(r.evidence), r.confidence] for r in graph.relations]
    _, roles = run_query(out, "MATCH ()-[r:HAS_ROLE]->() RETURN r.role")
    assert roles == [["主席\r"]]
    _, articles = run_query(out, f"MATCH (a:{ARTICLE}) RETURN a.name, a.doc, a.position, a.kind, a.byline "
                                 "ORDER BY a.name")
    assert articles == [["d.txt#0", "d.txt", 0, None, None], ["odd-key", None, None, None, None]]


def test_one_arrow_copy_per_group_with_every_row(tmp_path: Path) -> None:
    graph = make_graph()
    pg = to_property_graph(graph)
    copies = list(arrow_copies(pg))
    assert all(s.split(" FROM ")[1].startswith(f"${ARROW_PARAM}") for s, _ in copies)
    assert sum(p[ARROW_PARAM].num_rows for _, p in copies) == len(pg.nodes) + len(pg.rels)
    nodes = [s for s, _ in copies if "(from=" not in s]
    assert len(nodes) == len({n.label for n in pg.nodes})
    assert re.fullmatch(r"COPY `\w+` FROM \$rows \(from='\w+', to='\w+'\)", copies[-1][0])


def test_store_folder_holds_only_the_checkpointed_database(tmp_path: Path) -> None:
    write_store(_hostile_graph(), Settings(out=tmp_path, progress=False))
    assert sorted(p.name for p in (tmp_path / "ladybug").iterdir()) == ["graph.lbug"]


def test_a_failing_copy_is_a_one_line_store_error(tmp_path: Path) -> None:
    pg = to_property_graph(make_graph())
    twice = replace(pg, nodes=pg.nodes + pg.nodes[:1], _by_label={})  # a duplicated primary key
    (tmp_path / "ladybug").mkdir()
    with pytest.raises(StoreError, match="LadybugDB load failed") as err:
        load_database(twice, store_path(tmp_path))
    assert "\n" not in str(err.value)


def test_an_empty_graph_loads_an_empty_store_with_every_table(tmp_path: Path) -> None:
    write_store(KnowledgeGraph((), ()), Settings(out=tmp_path, progress=False))
    for label in NODE_LABELS:
        assert run_query(tmp_path, f"MATCH (n:{label}) RETURN count(n)")[1] == [[0]], label


@settings(max_examples=5, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(st.characters(codec="utf-8"), max_size=20), min_size=1, max_size=6))
def test_any_text_loads_exactly(tmp_path: Path, texts: list[str]) -> None:
    t = EntityType
    ents = [Entity(entity_id(t.ORGANIZATION, f"{i}{s}"), t.ORGANIZATION, s or "-", tuple(texts[:i]))
            for i, s in enumerate(texts)]
    graph = KnowledgeGraph(tuple(sorted(ents, key=lambda e: e.id)), ())
    run = tmp_path / f"h{abs(hash(tuple(texts)))}"
    out = _load(graph, run)
    _, rows = run_query(out, "MATCH (o:Organization) RETURN o.name, o.aliases")
    assert sorted(map(repr, rows)) == sorted(repr([e.name, list(e.aliases)]) for e in ents)
