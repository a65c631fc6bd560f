"""queries/*.cypher: each runs on LadybugDB, answers what the graph says, and agrees with its SPARQL twin."""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from kg.export.jsonl import write_articles, write_graph
from kg.model import EntityType, KnowledgeGraph, Predicate
from kg.settings import Settings
from kg.stores.ladybug_store import run_query, write_store
from tests.conftest import ROOT, make_graph

QUERIES = sorted((ROOT / "queries").glob("*.cypher"))
HAS_OXIGRAPH = importlib.util.find_spec("kg.stores.oxigraph_store") is not None
WRITES = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE|DROP|COPY|LOAD)\b", re.I)


def _build(graph: KnowledgeGraph, out: Path) -> Path:
    """The outputs the queries read: graph.jsonl, the LadybugDB store and (when present) the SPARQL store."""
    settings = Settings(out=out, progress=False)
    write_graph(graph, settings)
    write_articles(graph, settings)
    write_store(graph, settings)
    if HAS_OXIGRAPH:
        from kg.stores.oxigraph_store import write_store as write_sparql_store

        write_sparql_store(graph, settings)
    return out


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(make_graph(), tmp_path_factory.mktemp("small"))


@pytest.fixture(scope="module")
def seeds(seeds_graph: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(seeds_graph, tmp_path_factory.mktemp("seeds"))


def _rows(out: Path, query: Path) -> tuple[list[str], list[list[object]]]:
    return run_query(out, query.read_text(encoding="utf-8"))


def _as_set(columns: list[str], rows: list[list[object]]) -> set[tuple]:
    """Rows as a set keyed by column name (column order may differ between engines)."""
    order = sorted(range(len(columns)), key=columns.__getitem__)
    return {tuple(json.dumps(row[i], ensure_ascii=False) for i in order) for row in rows}


def test_there_are_ten_read_only_queries_with_a_header() -> None:
    assert len(QUERIES) == 10
    for path in QUERIES:
        text = path.read_text(encoding="utf-8")
        assert text.startswith(f"// {path.stem[:3]}:"), path.name
        body = "\n".join(line for line in text.splitlines() if not line.startswith("//"))
        assert not WRITES.search(body), path.name


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.stem)
def test_runs_on_the_small_graph(small: Path, query: Path) -> None:
    columns, rows = _rows(small, query)
    assert columns and all(re.fullmatch(r"[a-z_]+", c) for c in columns)
    assert all(len(row) == len(columns) for row in rows)
    again = _rows(small, query)
    if "ORDER BY" in query.read_text(encoding="utf-8"):
        assert again == (columns, rows)  # ORDER BY makes the answer deterministic
    else:  # a UNION cannot be ordered portably (LadybugDB has no CALL subqueries): same rows, any order
        assert again[0] == columns and sorted(map(str, again[1])) == sorted(map(str, rows))


def test_small_graph_answers_match_the_model(small: Path) -> None:
    graph = make_graph()
    by_id = {e.id: e for e in graph.entities}
    q = {p.stem[:3]: p for p in QUERIES}
    _, counts = _rows(small, q["q09"])
    assert dict(map(tuple, counts)) == dict(Counter(e.type.value for e in graph.entities))
    serves = Counter(by_id[r.object].name for r in graph.relations if r.predicate is Predicate.SERVES)
    _, ranked = _rows(small, q["q02"])
    assert dict(map(tuple, ranked)) == dict(serves)
    roles = {(by_id[r.subject].name, dict(r.attrs).get("role"), by_id[r.object].name)
             for r in graph.relations if r.predicate is Predicate.HAS_ROLE}
    _, people = _rows(small, q["q07"])
    assert set(map(tuple, people)) == roles
    parents = {r.subject: r.object for r in graph.relations if r.predicate is Predicate.LOCATED_IN}

    def ancestors(node: str) -> list[str]:
        out = []
        while node in parents:
            node = parents[node]
            out.append(node)
        return out

    provinces = Counter()
    for r in {(r.subject, r.object) for r in graph.relations if r.predicate is Predicate.RUNS}:
        for a in ancestors(r[0]):
            if by_id[a].attr("level") == "province":
                provinces[by_id[a].name] += 1
    _, per_province = _rows(small, q["q10"])
    assert dict(map(tuple, per_province)) == dict(provinces)
    _, facts = _rows(small, q["q04"])
    body = next(e for e in graph.entities if e.type is EntityType.UNION_BODY)
    touching = [r for r in graph.relations if body.id in (r.subject, r.object)]
    assert {f[1] for f in facts} == {r.predicate.label for r in touching}
    assert {f[3] for f in facts} == {ev.quote for r in touching for ev in r.evidence}


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.stem)
def test_agrees_with_sparql_twin_on_small_graph(small: Path, query: Path) -> None:
    _compare_with_twin(small, query)


@pytest.mark.slow
@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.stem)
def test_agrees_with_sparql_twin_on_seeds(seeds: Path, query: Path) -> None:
    _compare_with_twin(seeds, query)


def _compare_with_twin(out: Path, query: Path) -> None:
    twin = query.with_suffix(".rq")
    if not twin.exists() or not HAS_OXIGRAPH:
        pytest.skip(f"no SPARQL twin {twin.name} or no Oxigraph store module")
    from kg.stores.oxigraph_store import run_query as run_sparql

    columns, rows = _rows(out, query)
    s_columns, s_rows = run_sparql(out, twin.read_text(encoding="utf-8"))
    assert sorted(columns) == sorted(s_columns)
    assert _as_set(columns, rows) == _as_set(s_columns, s_rows)


@pytest.mark.slow
def test_seeds_counts_agree_with_graph_jsonl(seeds: Path) -> None:
    lines = [json.loads(x) for x in (seeds / "graph.jsonl").read_text(encoding="utf-8").splitlines() if x]
    nodes = Counter(x["labels"][0] for x in lines if x["type"] == "node")
    rels = Counter(x["label"] for x in lines if x["type"] == "relationship")
    for label, n in nodes.items():
        assert run_query(seeds, f"MATCH (n:{label}) RETURN count(n)")[1] == [[n]], label
    for p in Predicate:
        got = run_query(seeds, f"MATCH ()-[r:{p.label}]->() RETURN count(r)")[1]
        assert got == [[rels.get(p.label, 0)]], p.label


@pytest.mark.slow
@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.stem)
def test_runs_on_the_seeds_graph(seeds: Path, query: Path) -> None:
    columns, rows = _rows(seeds, query)
    assert columns
    if query.stem.startswith(("q09", "q08")):
        assert rows, f"{query.stem} gave no rows on the seeds"
