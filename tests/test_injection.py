"""Injection: names, quotes, roles, headlines and file names holding quotes, braces, backslashes, markup
and SPARQL/Cypher fragments come back verbatim from every store and export and never change a query.

Two graphs go through every output: one hand-made with the model dataclasses (tests/hostile.py), and
one from a real `kg build` of a fixture article written to carry the payloads into extracted names
and evidence quotes. Each output is read back with an independent reader and compared with the
KnowledgeGraph field by field (`text_fields`).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.export.html import MAX_QUOTES, render_html
from kg.export.jsonl import read_graph
from kg.export.neo4j_csv import ARRAY_DELIMITER
from kg.ids import article_id, entity_id
from kg.model import EntityType, KnowledgeGraph, Predicate
from kg.pgraph import MENTIONS, NODE_LABELS, REL_TYPES, to_property_graph
from kg.rdf.exports import RdfFile, rdf_path
from kg.rdf.vocab import ONTOLOGY_IRI
from kg.stores import ladybug_store, oxigraph_store
from kg.stores.neo4j_store import NODE_MERGE, REL_MERGE, constraint_statements, plan_batches
from kg.stores.sparql_endpoint import push
from tests.conftest import ROOT
from tests.hostile import (
    ARTICLE_PAYLOADS,
    FILE_NAME,
    FIXTURE,
    KINDS,
    Field,
    build_fixture,
    fields_query,
    hostile_graph,
    payload_texts,
    rdf_fields,
    rdflib_fields,
    text_fields,
    with_carriage_returns,
    write_all,
)
from tests.stores.oxigraph_server import graph_triples, oxigraph_serve, select

CASES = ["model", "articles", "carriage-return"]
ENTITY_LABELS = tuple(t.value for t in EntityType)
REL_LABELS = tuple(p.label for p in Predicate)
PG_KINDS = KINDS  # the property graph carries every kind of text


@pytest.fixture(scope="module", params=CASES)
def case(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[KnowledgeGraph, Path]:
    """(graph, OUT with every output written): the hand-made graph, a real build of the fixture
    article, or the hand-made graph with a lone CR in every text."""
    tmp = tmp_path_factory.mktemp(request.param)
    if request.param == "articles":
        return build_fixture(tmp)
    graph = hostile_graph() if request.param == "model" else with_carriage_returns(hostile_graph())
    return graph, write_all(graph, tmp / "out")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    with oxigraph_serve(tmp_path_factory.mktemp("oxigraph-serve")) as url:
        yield url


# ------------------------------------------------------------------ the fixture build really carries them


def test_fixture_build_carries_payloads_into_names_and_quotes(tmp_path: Path) -> None:
    graph, _ = build_fixture(tmp_path, ["graph"])
    original = FIXTURE.read_text(encoding="utf-8")
    names = [e.name for e in graph.entities]
    quotes = [ev.quote for r in graph.relations for ev in r.evidence]
    for payload in ("<script>alert(1)</script>", "' OR 1=1 //", "MATCH (n) DETACH DELETE n", "'}$`\\\\"):
        assert any(payload in n for n in names if n), payload  # extracted initiative names
    texts = names + quotes + [a.headline for a in graph.articles]
    assert [p for p in ARTICLE_PAYLOADS if not any(p in t for t in texts)] == []
    person = next(e for e in graph.entities if e.type is EntityType.PERSON)
    role = next(r for r in graph.relations if r.predicate is Predicate.HAS_ROLE and r.subject == person.id)
    assert all(p in role.evidence[0].quote for p in ("' OR 1=1 //", "MATCH (n) DETACH DELETE n", "${x}", "}}"))
    assert {a.doc_id for a in graph.articles} == {FILE_NAME}
    for r in graph.relations:
        for ev in r.evidence:
            assert ev.doc == FILE_NAME and original[ev.start : ev.end] == ev.quote


def test_file_name_that_is_not_utf8_builds_or_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(FIXTURE, os.fsencode(folder) + b"/" + "九江市总工会.txt".encode("gbk"))
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run([sys.executable, "-m", "kg", "build", str(folder), "--out", str(out), "-q", "-j", "1"],
                            capture_output=True, text=True, env=env, timeout=300)
    assert "Traceback" not in result.stderr and result.returncode in (0, 2), result.stderr[-300:]
    if result.returncode == 0:
        docs = [json.loads(line)["doc"] for line in (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
        assert len(docs) == 1 and docs[0].endswith(".txt")
    else:
        assert result.stderr.strip().count("\n") == 0


# ------------------------------------------------------------------ SPARQL: Oxigraph, the endpoint, RDF files

def _parse_ox(out: Path, f: RdfFile) -> set[ox.Quad]:
    """One RDF file of a build parsed by pyoxigraph (a strict parser)."""
    fmt = {RdfFile.TURTLE: ox.RdfFormat.TURTLE, RdfFile.NTRIPLES: ox.RdfFormat.N_TRIPLES,
           RdfFile.NQUADS: ox.RdfFormat.N_QUADS, RdfFile.TRIG: ox.RdfFormat.TRIG}[f]
    return set(ox.parse(path=str(rdf_path(out, f)), format=fmt))


def test_oxigraph_store_gives_every_text_back(case: tuple[KnowledgeGraph, Path]) -> None:
    graph, out = case
    _, rows = oxigraph_store.run_query(out, fields_query())
    assert rdf_fields(rows) == text_fields(graph, rdf=True)


def _store_quads(out: Path) -> set[ox.Quad]:
    store = oxigraph_store.open_store(out)
    return {q for q in store if q.graph_name != ox.NamedNode(str(ONTOLOGY_IRI))}


def test_oxigraph_store_holds_exactly_the_rdf_files_quads(case: tuple[KnowledgeGraph, Path]) -> None:
    _, out = case
    assert _store_quads(out) == _parse_ox(out, RdfFile.NQUADS)


QUERIES = sorted((ROOT / "queries").glob("q*.rq")) + sorted((ROOT / "queries").glob("q*.cypher"))


def test_running_the_project_queries_never_changes_the_stores(case: tuple[KnowledgeGraph, Path]) -> None:
    _, out = case
    quads = _store_quads(out)
    _, nodes = ladybug_store.run_query(out, "MATCH (n) RETURN n ORDER BY n.id")
    _, rels = ladybug_store.run_query(out, "MATCH ()-[r]->() RETURN r ORDER BY r.id")
    answered = set()
    for query in QUERIES:
        runner = oxigraph_store.run_query if query.suffix == ".rq" else ladybug_store.run_query
        _, rows = runner(out, query.read_text(encoding="utf-8"))
        if rows:
            answered.add(query.name)
    for stem in ("q02_worker_groups_ranked", "q04_facts_about_body", "q07_people_and_roles",
                 "q09_counts_per_type", "q10_initiatives_per_province"):
        assert {f"{stem}.rq", f"{stem}.cypher"} <= answered, stem
    assert _store_quads(out) == quads and len(quads) > 100
    assert ladybug_store.run_query(out, "MATCH (n) RETURN n ORDER BY n.id")[1] == nodes
    assert ladybug_store.run_query(out, "MATCH ()-[r]->() RETURN r ORDER BY r.id")[1] == rels


def _q04_twin(graph: KnowledgeGraph) -> list[tuple[str, str, str, str]]:
    """q04 in plain Python: every fact about the union body with the most facts, with its quotes."""
    degree = Counter()
    for r in graph.relations:
        degree[r.subject] += 1
        degree[r.object] += 1
    bodies = [e for e in graph.entities if e.type is EntityType.UNION_BODY]
    body = min(bodies, key=lambda e: (-degree[e.id], e.name))
    rows = {(body.name, r.predicate.label, graph.entity(r.object if r.subject == body.id else r.subject).name,
             ev.quote) for r in graph.relations if body.id in (r.subject, r.object) for ev in r.evidence}
    return sorted(rows)


def _q07_twin(graph: KnowledgeGraph) -> list[tuple[str, str, str]]:
    return sorted((graph.entity(r.subject).name, dict(r.attrs).get("role"), graph.entity(r.object).name)
                  for r in graph.relations if r.predicate is Predicate.HAS_ROLE)


@pytest.mark.parametrize("suffix", [".rq", ".cypher"])
def test_queries_answer_with_the_payloads_verbatim(case: tuple[KnowledgeGraph, Path], suffix: str) -> None:
    graph, out = case
    runner = oxigraph_store.run_query if suffix == ".rq" else ladybug_store.run_query

    def answer(stem: str) -> list[tuple]:
        _, rows = runner(out, (ROOT / "queries" / f"{stem}{suffix}").read_text(encoding="utf-8"))
        return sorted(tuple(r) for r in rows)

    assert answer("q04_facts_about_body") == _q04_twin(graph)
    assert answer("q07_people_and_roles") == _q07_twin(graph)
    assert answer("q09_counts_per_type") == sorted(Counter(e.type.value for e in graph.entities).items())


def test_sparql_push_gives_every_text_back_and_twice_is_the_same(case: tuple[KnowledgeGraph, Path],
                                                                  server: str) -> None:
    graph, out = case
    target = f"https://w3id.org/ukg/graph/injection-{graph.entities[0].id}"
    built = {q.triple for q in ox.parse(path=str(rdf_path(out, RdfFile.NTRIPLES)), format=ox.RdfFormat.N_TRIPLES)}
    first = push(out, server, graph_iri=target, batch_size=50)
    after_first = graph_triples(server, target)
    assert first.default == len(built) and after_first == built
    assert rdf_fields(select(server, fields_query(target))) == text_fields(graph, rdf=True)
    assert push(out, server, graph_iri=target).default == first.default
    assert graph_triples(server, target) == after_first


_RDFLIB_FORMATS = {RdfFile.TURTLE: "turtle", RdfFile.NTRIPLES: "nt", RdfFile.JSONLD: "json-ld",
                   RdfFile.NQUADS: "nquads", RdfFile.TRIG: "trig"}


def _rdflib_default_graph(out: Path, f: RdfFile) -> Graph:
    """The default graph of one RDF file of a build, parsed by rdflib."""
    if f in (RdfFile.NQUADS, RdfFile.TRIG):
        ds = Dataset()
        ds.parse(rdf_path(out, f), format=_RDFLIB_FORMATS[f])
        parsed = Graph()
        for t in ds.default_graph:
            parsed.add(t)
        return parsed
    return Graph().parse(rdf_path(out, f), format=_RDFLIB_FORMATS[f])


@pytest.mark.parametrize("f", list(_RDFLIB_FORMATS), ids=lambda f: f.value)
def test_rdf_files_give_every_text_back(case: tuple[KnowledgeGraph, Path], f: RdfFile) -> None:
    """Each file parsed by rdflib holds every text verbatim and the same graph as graph.nt; the
    files pyoxigraph reads hold the same triples (N-Quads and TriG: the same named graphs too)."""
    graph, out = case
    parsed = _rdflib_default_graph(out, f)
    assert isomorphic(parsed, _rdflib_default_graph(out, RdfFile.NTRIPLES))
    assert rdflib_fields(parsed) == text_fields(graph, rdf=True)
    if f is RdfFile.JSONLD:
        return
    quads = _parse_ox(out, f)
    default = {q.triple for q in quads if q.graph_name == ox.DefaultGraph()}
    assert default == {q.triple for q in _parse_ox(out, RdfFile.NTRIPLES)}
    if f is RdfFile.TRIG:
        assert quads == _parse_ox(out, RdfFile.NQUADS)


# ------------------------------------------------------------------ property graph: LadybugDB, Neo4j, CSV, GraphML


def _pg_fields(nodes: list[tuple[str, str, str, list[str]]], arts: list[tuple[str, str, str, str]],
               rels: list[tuple[str, list[str], str | None]]) -> set[Field]:
    """Fields from (id, label, name, aliases) node rows, (id, headline, byline, doc) article rows and
    (id, quotes, role) relationship rows."""
    out: set[Field] = set()
    for node_id, _, name, aliases in nodes:
        out.add(("name", node_id, name))
        out |= {("alias", node_id, a) for a in aliases}
    for node_id, headline, byline, doc in arts:
        out |= {(k, node_id, v) for k, v in (("headline", headline), ("byline", byline), ("doc", doc)) if v}
    for rel_id, quotes, role in rels:
        out |= {("quote", rel_id, q) for q in quotes}
        if role:
            out.add(("role", rel_id, role))
    return out


def _pg_expected(graph: KnowledgeGraph) -> set[Field]:
    """text_fields as the property graph holds them (an Article node's name is its headline)."""
    return text_fields(graph, PG_KINDS)


def test_ladybug_store_gives_every_text_back(case: tuple[KnowledgeGraph, Path]) -> None:
    graph, out = case
    run = ladybug_store.run_query
    nodes = [(i, label, n, a) for label in ENTITY_LABELS
             for i, n, a in run(out, f"MATCH (n:{label}) RETURN n.id, n.name, n.aliases")[1]]
    arts = [tuple(r) for r in run(out, "MATCH (a:Article) RETURN a.id, a.name, a.byline, a.doc")[1]]
    rels = []
    for type_ in REL_LABELS:
        role = "r.role" if type_ == Predicate.HAS_ROLE.label else "NULL"
        rels += [tuple(r) for r in run(out, f"MATCH ()-[r:{type_}]->() RETURN r.id, r.quotes, {role}")[1]]
    assert _pg_fields(nodes, arts, rels) == _pg_expected(graph)  # type: ignore[arg-type]


def test_statements_hold_no_text_and_values_travel_as_parameters(case: tuple[KnowledgeGraph, Path],
                                                                 tmp_path: Path) -> None:
    graph, _ = case
    pg = to_property_graph(graph)
    texts = payload_texts(graph)
    batches = plan_batches(pg, 3)
    allowed = {NODE_MERGE.format(label=label) for label in NODE_LABELS} | {
        REL_MERGE.format(start=a, end=b, type=t) for t in REL_TYPES for a in NODE_LABELS for b in NODE_LABELS}
    neo4j = {b.statement for b in batches} | set(constraint_statements())
    assert {b.statement for b in batches} <= allowed  # fixed text from the model's labels only
    lady = ladybug_store.schema_statements(pg) + [s for s, _ in ladybug_store.arrow_copies(pg)]
    assert [(t, s) for t in texts for s in [*neo4j, *lady] if t in s] == []
    nodes = [(r["id"], "", r["props"]["name"], r["props"].get("aliases", []))
             for b in batches if b.kind == "nodes" for r in b.rows if not r["id"].startswith("art-")]
    arts = [(r["id"], r["props"].get("name"), r["props"].get("byline"), r["props"].get("doc"))
            for b in batches if b.kind == "nodes" for r in b.rows if r["id"].startswith("art-")]
    rels = [(r["id"], r["props"].get("quotes", []), r["props"].get("role"))
            for b in batches if b.kind == "relationships" for r in b.rows if MENTIONS not in b.statement]
    assert _pg_fields(nodes, arts, rels) == _pg_expected(graph)  # type: ignore[arg-type]


def _read_csv(path: Path) -> list[dict[str, str]]:
    """A neo4j-admin CSV read the way the tool reads it: RFC 4180 quotes, no backslash escapes."""
    with path.open(encoding="utf-8", newline="") as fh:
        text = fh.read()
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True, doublequote=True, escapechar=None))
    assert all(len(r) == len(rows[0]) for r in rows), path.name
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def _split(cell: str) -> list[str]:
    return cell.split(ARRAY_DELIMITER) if cell else []


def test_neo4j_csv_gives_every_text_back(case: tuple[KnowledgeGraph, Path]) -> None:
    graph, out = case
    folder = out / "neo4j-import"
    nodes, arts, rels = [], [], []
    for path in sorted(folder.glob("nodes_*.csv")):
        for row in _read_csv(path):
            node = row["id:ID(Entity)"]
            if row[":LABEL"] == "Article":
                arts.append((node, row["name"], row["byline"], row["doc"]))
            else:
                nodes.append((node, row[":LABEL"], row["name"], _split(row["aliases:string[]"])))
    for path in sorted(folder.glob("rels_*.csv")):
        if path.name != f"rels_{MENTIONS}.csv":
            rels += [(r["id"], _split(r["quotes:string[]"]), r.get("role")) for r in _read_csv(path)]
    assert _pg_fields(nodes, arts, rels) == _pg_expected(graph)


def test_neo4j_csv_quoting_follows_the_admin_rules(case: tuple[KnowledgeGraph, Path]) -> None:
    """A field holding a quote, comma or line break is quoted with its quotes doubled; nothing relies
    on a backslash escape (neo4j-admin reads `\\"` as a backslash and a closing quote)."""
    _, out = case
    for path in sorted((out / "neo4j-import").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            text = fh.read()
        for field in _raw_fields(text):
            if field.startswith('"'):
                inner = field[1:-1]
                assert field.endswith('"') and '"' not in inner.replace('""', ""), field
            else:
                assert not set(field) & set('",\r\n'), field


def _raw_fields(text: str) -> list[str]:
    """The fields of a CSV text exactly as written (quotes kept), split by a tiny RFC 4180 scanner."""
    fields, i = [], 0
    while i < len(text):
        if text[i] == '"':
            m = re.compile(r'"(?:[^"]|"")*"').match(text, i)
            assert m, text[i : i + 40]
            end = m.end()
        else:
            end = min((j for j in (text.find(",", i), text.find("\n", i)) if j >= 0), default=len(text))
        fields.append(text[i:end])
        assert end == len(text) or text[end] in ",\n", text[i : end + 5]
        i = end + 1
    return fields


def test_graphml_gives_every_text_back(case: tuple[KnowledgeGraph, Path]) -> None:
    graph, out = case
    g = nx.read_graphml(out / "graph.graphml", force_multigraph=True)
    nodes = [(n, d["type"], d["name"], json.loads(d.get("aliases", "[]")))
             for n, d in g.nodes(data=True) if d["type"] != "Article"]
    arts = [(n, d.get("name"), d.get("byline"), d.get("doc")) for n, d in g.nodes(data=True) if d["type"] == "Article"]
    rels = [(k, json.loads(d.get("quotes", "[]")), d.get("role"))
            for _, _, k, d in g.edges(keys=True, data=True) if d["type"] != MENTIONS]
    assert len(g) == len(to_property_graph(graph).nodes)
    assert _pg_fields(nodes, arts, rels) == _pg_expected(graph)


# ------------------------------------------------------------------ JSON lines and HTML


def test_jsonl_gives_every_text_back_one_record_per_line(case: tuple[KnowledgeGraph, Path]) -> None:
    graph, out = case
    """Every record is one line for any line splitter (str.splitlines also breaks at U+2028 and U+0085)."""
    lines = (out / "graph.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(graph.entities) + len(graph.relations)
    assert all(json.loads(line)["type"] in ("node", "relationship") for line in lines)
    assert text_fields(read_graph(out)) == text_fields(graph)
    articles = [json.loads(line) for line in (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(a["doc"], a["headline"], a["byline"], a["body"]) for a in articles] == [
        (a.doc_id, a.headline, a.byline, a.body.text) for a in graph.articles]


_DATA = re.compile(r'<script type="application/json" id="kg-data">(.*?)</script>', re.S)


def test_html_holds_the_text_only_as_escaped_data(case: tuple[KnowledgeGraph, Path]) -> None:
    graph, out = case
    html = (out / "graph.html").read_text(encoding="utf-8")
    [block] = _DATA.findall(html)
    assert not set(block) & set("<>&")  # nothing in the data can close the element or open markup
    data = json.loads(block)
    found: set[Field] = set()
    for n in data["nodes"]:
        found |= {("name", n["id"], n["label"])} | {("alias", n["id"], a) for a in n["kgAliases"]}
    for e in data["edges"]:
        found |= {("quote", e["id"], q) for _, q in e["kgEvidence"]}
        found |= {(k, e["id"], v) for k, v in e["kgAttrs"]}
    for key, headline in data["articles"].items():
        doc, _, index = key.rpartition("#")
        found.add(("headline", article_id(doc, int(index)), headline))
    shown = replace(graph, relations=tuple(replace(r, evidence=r.evidence[:MAX_QUOTES]) for r in graph.relations))
    assert found == text_fields(shown, ("name", "alias", "quote", "role", "headline"))
    benign = render_html(_renamed(graph))
    assert _DATA.sub("", html) == _DATA.sub("", benign)  # outside the data block the page is the same


def _renamed(graph: KnowledgeGraph) -> KnowledgeGraph:
    """The same graph shape with plain names and quotes (for comparing page structure)."""
    ents = tuple(replace(e, name=f"实体{i}", aliases=()) for i, e in enumerate(graph.entities))
    rels = tuple(replace(r, evidence=tuple(replace(ev, quote="句子") for ev in r.evidence), attrs=())
                 for r in graph.relations)
    arts = tuple(replace(a, headline="标题", byline="") for a in graph.articles)
    return KnowledgeGraph(ents, rels, arts)


def test_hand_made_graph_has_every_payload_in_every_field_kind() -> None:
    """Guard on the fixture itself: each kind of field holds hostile text, ids are what the model mints."""
    graph = hostile_graph()
    fields = text_fields(graph)
    assert {k for k, _, _ in fields} == set(KINDS)
    assert all(e.id == entity_id(e.type, e.name) for e in graph.entities)
    for kind in KINDS:
        texts = [t for k, _, t in fields if k == kind]
        assert any(set(t) & set("'\"`\\{}$<;") for t in texts), kind
