"""RDF files: every format parses back isomorphic to the graph written, byte-identical across runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.model import KnowledgeGraph
from kg.rdf.convert import build_rdf, default_graph, to_dataset
from kg.rdf.exports import RdfFile, rdf_path, write_rdf
from kg.settings import Settings

TRIPLE_FORMATS = {RdfFile.TURTLE: "turtle", RdfFile.NTRIPLES: "nt", RdfFile.JSONLD: "json-ld"}
QUAD_FORMATS = {RdfFile.NQUADS: "nquads", RdfFile.TRIG: "trig"}


@pytest.fixture
def written(small_graph: KnowledgeGraph, tmp_path: Path) -> Settings:
    settings = Settings(out=tmp_path, progress=False)
    write_rdf(small_graph, settings)
    return settings


@pytest.mark.parametrize("f", list(TRIPLE_FORMATS), ids=lambda f: f.value)
def test_triple_formats_round_trip(f: RdfFile, written: Settings, small_graph: KnowledgeGraph) -> None:
    expected = default_graph(build_rdf(small_graph, written.base_iri))
    parsed = Graph().parse(rdf_path(written.out, f), format=TRIPLE_FORMATS[f])
    assert len(parsed) == len(expected) > 50
    assert isomorphic(parsed, expected)


def _graphs(ds: Dataset) -> dict[str, Graph]:
    out = {}
    for g in ds.graphs():
        copy = Graph()
        for t in g:
            copy.add(t)
        if len(copy):
            out[str(g.identifier)] = copy
    return out


@pytest.mark.parametrize("f", list(QUAD_FORMATS), ids=lambda f: f.value)
def test_quad_formats_round_trip(f: RdfFile, written: Settings, small_graph: KnowledgeGraph) -> None:
    expected = _graphs(to_dataset(build_rdf(small_graph, written.base_iri)))
    parsed = Dataset()
    parsed.parse(rdf_path(written.out, f), format=QUAD_FORMATS[f])
    got = _graphs(parsed)
    assert len(expected) == 1 + len(small_graph.articles)  # the default graph plus one per article
    assert set(got) == set(expected)
    for name, graph in expected.items():
        assert isomorphic(got[name], graph), name


def test_context_file_is_the_inline_context(written: Settings) -> None:
    doc = json.loads(rdf_path(written.out, RdfFile.JSONLD).read_text(encoding="utf-8"))
    context = json.loads(rdf_path(written.out, RdfFile.CONTEXT).read_text(encoding="utf-8"))
    assert doc["@context"] == context["@context"]
    assert context["@context"]["ukg"] == "https://w3id.org/ukg/ontology#"


def test_hostile_text_survives_every_format(written: Settings) -> None:
    for f in (*TRIPLE_FORMATS, *QUAD_FORMATS):
        fmt = TRIPLE_FORMATS.get(f) or QUAD_FORMATS[f]
        ds = Dataset()
        ds.parse(rdf_path(written.out, f), format=fmt)
        labels = {str(o) for _, _, o, _ in ds.quads((None, None, None, None))}
        assert "张三\"}; DROP ALL <script>alert(1)</script> ' OR 1=1 //" in labels, f


_WRITE = """
import sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from conftest import make_graph
from kg.rdf.exports import write_rdf
from kg.settings import Settings
write_rdf(make_graph(), Settings(out=Path(sys.argv[1]), progress=False))
"""


def test_byte_identical_across_processes(tmp_path: Path) -> None:
    tests = str(Path(__file__).resolve().parent.parent)
    digests = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", _WRITE.format(tests=tests), str(out)], check=True, env=env)
        digests.append({f: rdf_path(out, f).read_bytes() for f in RdfFile})
    assert digests[0] == digests[1]


def test_rewrite_leaves_no_temporary_files(written: Settings, small_graph: KnowledgeGraph) -> None:
    write_rdf(small_graph, written)
    assert sorted(p.name for p in (written.out / "rdf").iterdir()) == sorted(f.value for f in RdfFile)


@pytest.mark.parametrize("value, expected", [
    ("https://w3id.org/ukg/entity/ub-1", "entity:ub-1"),
    ("https://w3id.org/ukg/document/pages/p1.txt#char=3,9", "document:pages/p1.txt#char=3,9"),
    ("https://w3id.org/ukg/ontology#runs", "ukg:runs"),
    ("https://w3id.org/ukg/entity/", "https://w3id.org/ukg/entity/"),  # a namespace alone has no rest
    ("https://w3id.org/ukg/entity//x", "entity:/x"),
    ("http://example.org/other#x", "http://example.org/other#x"),
    ("urn:x", "urn:x"),
])
def test_json_iri_takes_the_longest_namespace_that_leaves_a_rest(value: str, expected: str) -> None:
    from kg.rdf.exports import Compactor

    assert Compactor("https://w3id.org/ukg/").json_iri(value) == expected
