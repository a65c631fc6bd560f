"""`kg export` and `kg build --export` against a real build of the seeds: every format parses with its
reference reader and holds graph.jsonl's facts, the bytes are the build's own, the triples table is
spreadsheet-safe, and bad requests are one-line errors (exit 2)."""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from kg.export.formats import EXPORTERS, ExportFormat, parse_formats
from kg.export.jsonl import write_articles, write_graph
from kg.export.triples import COLUMNS
from kg.model import KnowledgeGraph
from kg.outputs import run_in_order
from kg.rdf.vocab import PREDICATE_IRI
from kg.runtime.lock import BuildLock
from kg.settings import DEFAULT_BASE_IRI, Settings
from tests.conftest import SEEDS, make_graph

BUILT = ["articles", "graph", "rdf", "graphml", "neo4j_csv"]
"""The build's writers whose files `kg export` makes too, and what it reads (graph.jsonl, articles.jsonl)."""
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def run_kg(*args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, env=env)


def read_only(built: Path, to: Path) -> Path:
    """A fresh OUT holding only what `kg export` reads from `built`."""
    to.mkdir(parents=True)
    for name in ("graph.jsonl", "articles.jsonl"):
        shutil.copyfile(built / name, to / name)
    return to


@pytest.fixture(scope="module")
def built(seeds_graph: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds' build: graph.jsonl, articles.jsonl and the files the exports must reproduce."""
    out = tmp_path_factory.mktemp("export") / "built"
    run_in_order(seeds_graph, Settings(out=out, progress=False), BUILT)
    return out


@pytest.fixture(scope="module")
def exported(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every format exported from graph.jsonl and articles.jsonl alone, in one command."""
    out = read_only(built, tmp_path_factory.mktemp("export") / "exported")
    result = run_kg("export", *[f.value for f in ExportFormat], "--out", str(out))
    assert result.returncode == 0, result.stderr.decode()
    return out


def graph_facts(out: Path) -> set[tuple[str, str, str]]:
    """(subject id, predicate label, object id) of every relationship line of graph.jsonl."""
    lines = (json.loads(line) for line in (out / "graph.jsonl").read_text(encoding="utf-8").splitlines())
    return {(r["start"]["id"], r["label"], r["end"]["id"]) for r in lines if r["type"] == "relationship"}


def asserted(graph: Graph) -> set[tuple[str, str, str]]:
    """The asserted ukg predicate triples of an RDF graph as (subject id, predicate label, object id)."""
    labels = {URIRef(str(iri)): p.label for p, iri in PREDICATE_IRI.items()}
    entity = f"{DEFAULT_BASE_IRI}entity/"
    return {(str(s).removeprefix(entity), labels[p], str(o).removeprefix(entity))
            for s, p, o in graph if p in labels}


def test_every_file_is_the_build_s_own(built: Path, exported: Path) -> None:
    for fmt in ExportFormat:
        default = EXPORTERS[fmt].default
        if fmt in (ExportFormat.TRIPLES_CSV, ExportFormat.TRIPLES_TSV):
            assert not (built / default).exists()  # the build does not write the table (yet)
            continue
        ours, theirs = exported / default, built / default
        if ours.is_dir():
            assert sorted(p.name for p in ours.iterdir()) == sorted(p.name for p in theirs.iterdir())
            for p in ours.iterdir():
                assert p.read_bytes() == (theirs / p.name).read_bytes(), p
        else:
            assert ours.read_bytes() == theirs.read_bytes(), fmt


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_rdf_graphs_parse_and_hold_the_facts(built: Path, exported: Path, fmt: str) -> None:
    reference = Graph().parse(built / "rdf" / "graph.nt", format="nt")
    graph = Graph().parse(exported / EXPORTERS[ExportFormat(fmt)].default,
                          format={"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt])
    assert asserted(graph) == graph_facts(exported) != set()
    assert isomorphic(graph, reference)


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_datasets_have_one_named_graph_per_article(built: Path, exported: Path, fmt: str) -> None:
    data = Dataset()
    data.parse(exported / EXPORTERS[ExportFormat(fmt)].default, format={"nq": "nquads", "trig": "trig"}[fmt])
    reference = Graph().parse(built / "rdf" / "graph.nt", format="nt")
    assert isomorphic(data.default_graph, reference)
    named = {str(g.identifier): g for g in data.graphs() if g.identifier != data.default_graph.identifier}
    assert named and all(name.startswith(f"{DEFAULT_BASE_IRI}article/") for name in named)
    jsonl = (exported / "graph.jsonl").read_text(encoding="utf-8").splitlines()
    supported = {(ev["doc"], ev["article"]) for line in jsonl for rec in [json.loads(line)]
                 if rec["type"] == "relationship" for ev in rec["properties"]["evidence"]}
    assert len(named) == len(supported)
    assert set().union(*(asserted(g) for g in named.values())) == graph_facts(exported)


def test_graphml_parses_with_networkx(exported: Path) -> None:
    g = nx.read_graphml(exported / "graph.graphml")
    edges = {(s, d["type"], t) for s, t, d in g.edges(data=True) if d["type"] != "MENTIONS"}
    assert edges == graph_facts(exported)


def test_neo4j_csvs_parse_with_csv_and_pandas(exported: Path) -> None:
    folder = exported / "neo4j-import"
    facts: set[tuple[str, str, str]] = set()
    for path in sorted(folder.glob("rels_*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        assert frame.values.tolist() == rows[1:] and list(frame.columns) == rows[0]
        if path.name != "rels_MENTIONS.csv":
            facts |= {(r[0], r[2], r[1]) for r in rows[1:]}
    assert facts == graph_facts(exported)
    assert (folder / "import.sh").stat().st_mode & 0o111


def _table(path: Path, sep: str) -> list[list[str]]:
    """The table's rows read by the csv module, checked against pandas reading it with no options but sep."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=sep))
    frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)
    assert list(frame.columns) == rows[0] == list(COLUMNS)
    assert frame.values.tolist() == rows[1:]
    return rows[1:]


@pytest.mark.parametrize("fmt", ["triples-csv", "triples-tsv"])
def test_triples_table_holds_every_fact_and_evidence(exported: Path, fmt: str) -> None:
    rows = _table(exported / EXPORTERS[ExportFormat(fmt)].default, "," if fmt == "triples-csv" else "\t")
    col = {name: i for i, name in enumerate(COLUMNS)}
    assert {(r[col["subject_id"]], r[col["predicate"]], r[col["object_id"]]) for r in rows} == graph_facts(exported)
    records = [json.loads(line) for line in (exported / "graph.jsonl").read_text(encoding="utf-8").splitlines()]
    names = {r["id"]: (r["properties"]["name"], r["labels"][0]) for r in records if r["type"] == "node"}
    evidence = [(r["id"], ev) for r in records if r["type"] == "relationship" for ev in r["properties"]["evidence"]]
    assert len(rows) == len(evidence)
    assert sorted((r[col["fact"]], r[col["article"]], int(r[col["start"]]), int(r[col["end"]])) for r in rows) == \
        sorted((fid, f"{ev['doc']}#{ev['article']}", ev["start"], ev["end"]) for fid, ev in evidence)
    for r in rows:
        assert (r[col["subject"]], r[col["subject_type"]]) == names[r[col["subject_id"]]]
        assert r[col["date"]] == ""
        assert float(r[col["confidence"]]) > 0
        assert not any(CONTROL.search(cell) for cell in r)


def test_hostile_names_survive_into_the_table_safely(tmp_path: Path) -> None:
    graph = make_graph()
    hostile = '=HYPERLINK("http://x","ok")\n"quoted",\tend'
    target = graph.relations[0].subject
    graph = dataclasses.replace(graph, entities=tuple(
        dataclasses.replace(e, name=hostile) if e.id == target else e for e in graph.entities))
    quote = graph.relations[0].evidence[0]
    graph = dataclasses.replace(graph, relations=(dataclasses.replace(graph.relations[0], evidence=(
        dataclasses.replace(quote, quote="-1+2\r\nline\u2028two\x00"),)), *graph.relations[1:]))
    out = tmp_path / "out"
    write_graph(graph, Settings(out=out))
    write_articles(graph, Settings(out=out))
    for fmt, sep in (("triples-csv", ","), ("triples-tsv", "\t")):
        result = run_kg("export", fmt, "--out", str(out))
        assert result.returncode == 0, result.stderr.decode()
        rows = _table(out / EXPORTERS[ExportFormat(fmt)].default, sep)
        assert len(rows) == len(graph.relations)
        first = next(r for r in rows if r[COLUMNS.index("fact")] == graph.relations[0].id)
        assert first[COLUMNS.index("subject")] == "'" + '=HYPERLINK("http://x","ok") "quoted", end'
        assert first[COLUMNS.index("quote")] == "'-1+2  line two "
        assert len(first[COLUMNS.index("quote")]) == len("-1+2\r\nline\u2028two\x00") + 1  # offsets still fit


@pytest.mark.parametrize("fmt", ["ttl", "nq", "jsonld", "triples-csv", "triples-tsv", "graphml"])
def test_stdout_is_the_default_file(exported: Path, fmt: str) -> None:
    result = run_kg("export", fmt, "--out", str(exported), "--file", "-")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == (exported / EXPORTERS[ExportFormat(fmt)].default).read_bytes()


def test_two_exports_are_byte_identical_and_file_goes_elsewhere(exported: Path, tmp_path: Path) -> None:
    for fmt in ("triples-csv", "trig"):
        target = tmp_path / f"again.{fmt}"
        result = run_kg("export", fmt, "--out", str(exported), "--file", str(target))
        assert result.returncode == 0, result.stderr.decode()
        assert target.read_bytes() == (exported / EXPORTERS[ExportFormat(fmt)].default).read_bytes()
    folder = tmp_path / "neo"
    assert run_kg("export", "neo4j-csv", "--out", str(exported), "--file", str(folder)).returncode == 0
    ours = exported / "neo4j-import"
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {p.name: p.read_bytes() for p in ours.iterdir()}
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".kg-")]


def _error(result: subprocess.CompletedProcess[bytes]) -> str:
    assert result.returncode == 2, result.stderr.decode()
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and result.stdout == b"", result.stderr.decode()
    return lines[0]


def test_errors_are_one_line_and_exit_2(exported: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "run `kg build" in _error(run_kg("export", "ttl", "--out", str(empty)))
    message = _error(run_kg("export", "ttl,xml", "--out", str(exported)))
    assert "'xml'" in message and all(f.value in message for f in ExportFormat)
    assert "stdout" in _error(run_kg("export", "neo4j-csv", "--out", str(exported), "--file", "-"))
    assert "one format" in _error(run_kg("export", "ttl", "nt", "--out", str(exported), "--file", "-"))
    before = {name: (exported / name).read_bytes() for name in ("graph.jsonl", "articles.jsonl")}
    for name in ("graph.jsonl", "articles.jsonl", "oxigraph/x", "rdf/graph.nt"):
        _error(run_kg("export", "ttl", "--out", str(exported), "--file", str(exported / name)))
    assert {name: (exported / name).read_bytes() for name in before} == before


def test_file_never_replaces_a_user_folder_or_file(exported: Path, tmp_path: Path) -> None:
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "thesis.txt").write_text("mine", encoding="utf-8")
    assert "thesis.txt" in _error(run_kg("export", "neo4j-csv", "--out", str(exported), "--file", str(documents)))
    assert [p.name for p in documents.iterdir()] == ["thesis.txt"]
    note = tmp_path / "note.txt"
    note.write_text("mine", encoding="utf-8")
    _error(run_kg("export", "neo4j-csv", "--out", str(exported), "--file", str(note)))
    assert "a folder" in _error(run_kg("export", "ttl", "--out", str(exported), "--file", str(documents)))
    assert note.read_text(encoding="utf-8") == "mine" and [p.name for p in documents.iterdir()] == ["thesis.txt"]
    again = tmp_path / "neo"  # a folder of a previous neo4j-csv export is replaced
    for _ in range(2):
        result = run_kg("export", "neo4j-csv", "--out", str(exported), "--file", str(again))
        assert result.returncode == 0, result.stderr.decode()


def test_a_held_lock_stops_an_export_into_out(exported: Path) -> None:
    with BuildLock(exported):
        result = run_kg("export", "triples-csv", "--out", str(exported))
    assert result.returncode == 3 and b"another kg process" in result.stderr


def test_build_export_writes_the_same_files(exported: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    message = _error(run_kg("build", str(SEEDS), "--out", str(out), "-q", "--export", "ttl,bogus"))
    assert "'bogus'" in message and "triples-csv" in message and not out.exists()
    result = run_kg("build", str(SEEDS), "--out", str(out), "-q", "-j", "0", "--only", "graph", "--only", "articles",
                    "--export", "ttl,triples-csv", "--export", "graphml")
    assert result.returncode == 0, result.stderr.decode()
    for fmt in ("ttl", "triples-csv", "graphml"):
        default = EXPORTERS[ExportFormat(fmt)].default
        assert (out / default).read_bytes() == (exported / default).read_bytes(), fmt
    assert not (out / "rdf" / "graph.nt").exists()  # --only still chooses the build's own outputs


def test_help_has_an_example() -> None:
    result = run_kg("export", "--help")
    assert result.returncode == 0 and b"Example:" in result.stdout and b"triples-csv" in result.stdout


def test_every_format_has_an_exporter_and_names_parse() -> None:
    assert set(EXPORTERS) == set(ExportFormat)
    chosen = parse_formats(["TTL,graphml", " nt ", "ttl", ""])
    assert chosen == [ExportFormat.TTL, ExportFormat.GRAPHML, ExportFormat.NT]
    with pytest.raises(ValueError, match="known: ttl, nt"):
        parse_formats(["rdfxml"])
