"""Any text in names, aliases, quotes, roles, headlines, bylines and file names survives every RDF format
(hypothesis): each file parses to a graph isomorphic to the one built, holding the text verbatim."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.model import EntityType, KnowledgeGraph
from kg.rdf.convert import build_rdf, default_graph
from kg.rdf.exports import RdfFile, rdf_path, write_rdf
from kg.settings import Settings
from tests.hostile import rdflib_fields, text_fields

BASE = "https://w3id.org/ukg/"
FORMATS = {RdfFile.TURTLE: "turtle", RdfFile.NTRIPLES: "nt", RdfFile.JSONLD: "json-ld",
           RdfFile.TRIG: "trig", RdfFile.NQUADS: "nquads"}
DATASETS = {RdfFile.TRIG: ox.RdfFormat.TRIG, RdfFile.NQUADS: ox.RdfFormat.N_QUADS}
DETERMINISTIC = settings(deadline=None, derandomize=True, database=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
"""Same examples every run (CI stays deterministic); no example database."""

TEXT = st.text(min_size=1, max_size=40)
SEGMENT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="/\x00"),
                  min_size=1, max_size=12).filter(lambda s: s not in (".", ".."))
DOC_ID = st.lists(SEGMENT, min_size=1, max_size=3).map("/".join)
"""A document id as kg makes them: a relative POSIX path (no empty, `.` or `..` segment, no NUL)."""


def _with_texts(graph: KnowledgeGraph, texts: dict[str, str], doc: str) -> KnowledgeGraph:
    """The fixture graph with the person's name and alias, every quote, the role, the headline,
    the byline and the document id replaced by generated text (ids kept)."""
    old = graph.articles[0]
    article = replace(old, doc_id=doc, headline=texts["headline"], byline=texts["byline"])
    key = {old.key: article.key}
    entities = tuple(
        replace(e, name=texts["name"], aliases=(texts["alias"],)) if e.type is EntityType.PERSON else e
        for e in graph.entities)
    entities = tuple(replace(e, articles=tuple(key.get(k, k) for k in e.articles)) for e in entities)
    relations = tuple(replace(r, attrs=(("role", texts["role"]),) if r.attrs else (),
                              evidence=tuple(replace(ev, quote=texts["quote"], doc=doc) for ev in r.evidence))
                      for r in graph.relations)
    return KnowledgeGraph(entities, relations, (article,))


def _default_graph(path: Path, f: RdfFile) -> Graph:
    if f in DATASETS:
        ds = Dataset()
        ds.parse(path, format=FORMATS[f])
        parsed = Graph()
        for t in ds.default_graph:
            parsed.add(t)
        return parsed
    return Graph().parse(path, format=FORMATS[f])


@settings(DETERMINISTIC, max_examples=25)
@given(texts=st.fixed_dictionaries({k: TEXT for k in ("name", "alias", "quote", "role", "headline", "byline")}),
       doc=DOC_ID)
def test_any_text_round_trips(small_graph: KnowledgeGraph, texts: dict[str, str], doc: str) -> None:
    graph = _with_texts(small_graph, texts, doc)
    expected = default_graph(build_rdf(graph, BASE))
    fields = text_fields(graph, rdf=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        write_rdf(graph, Settings(out=out, progress=False, base_iri=BASE))
        for f in FORMATS:
            parsed = _default_graph(rdf_path(out, f), f)
            assert isomorphic(parsed, expected), f
            assert rdflib_fields(parsed) == fields, f  # the text itself, not only the same graph
        trig, nquads = (set(ox.parse(path=str(rdf_path(out, f)), format=fmt)) for f, fmt in DATASETS.items())
        assert trig == nquads  # the per-article named graphs too
        assert len({q.graph_name for q in nquads}) == 2  # the default graph and the article's graph
