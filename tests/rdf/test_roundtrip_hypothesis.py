"""Any text in names, quotes and roles survives every RDF format (hypothesis)."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.model import EntityType, KnowledgeGraph
from kg.rdf.convert import build_rdf, default_graph
from kg.rdf.exports import RdfFile, rdf_path, write_rdf
from kg.settings import Settings

FORMATS = {RdfFile.TURTLE: "turtle", RdfFile.NTRIPLES: "nt", RdfFile.JSONLD: "json-ld", RdfFile.TRIG: "trig"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=40), quote=st.text(min_size=1, max_size=80),
       role=st.text(min_size=1, max_size=20))
def test_any_text_round_trips(small_graph: KnowledgeGraph, name: str, quote: str, role: str) -> None:
    entities = tuple(replace(e, name=name) if e.type is EntityType.PERSON else e for e in small_graph.entities)
    relations = tuple(replace(r, attrs=(("role", role),) if r.attrs else (),
                              evidence=tuple(replace(ev, quote=quote) for ev in r.evidence))
                      for r in small_graph.relations)
    graph = replace(small_graph, entities=entities, relations=relations)
    expected = default_graph(build_rdf(graph, "https://w3id.org/ukg/"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        write_rdf(graph, Settings(out=out, progress=False))
        for f, fmt in FORMATS.items():
            if f is RdfFile.TRIG:
                ds = Dataset()
                ds.parse(rdf_path(out, f), format=fmt)
                parsed = Graph()
                for t in ds.default_graph:
                    parsed.add(t)
            else:
                parsed = Graph().parse(rdf_path(out, f), format=fmt)
            assert isomorphic(parsed, expected), f
