"""The SHACL engine (core checks in Python, sh:sparql on Oxigraph): same results as pyshacl (the reference)
and loud on unsupported shapes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pyoxigraph as ox
import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import RDF, Graph, Literal
from rdflib.namespace import RDFS, SH, SKOS, XSD

from kg.model import KnowledgeGraph
from kg.rdf.convert import build_rdf, default_graph
from kg.rdf.shacl import ShapeError, compile_shapes
from kg.rdf.validate import report_lines, validate_graph, validate_store
from kg.rdf.vocab import UKG, load_shapes

BASE = "https://w3id.org/ukg/"


def _reference(data: Graph) -> set[tuple[str, str]]:
    """(focus node, constraint component) of every violation pyshacl finds."""
    _, report, _ = pyshacl_validate(data, shacl_graph=load_shapes(), inference="none", advanced=True)
    return {(f"<{report.value(r, SH.focusNode)}>", f"<{report.value(r, SH.sourceConstraintComponent)}>")
            for r in report.subjects(RDF.type, SH.ValidationResult)}


def _ours(data: Graph) -> set[tuple[str, str]]:
    return {(v.focus, v.component) for v in validate_graph(data).results}


def _no_change(g: Graph) -> None:
    return None


def _drop_evidence(g: Graph) -> None:
    g.remove((None, UKG.hasEvidence, None))


def _second_label_and_no_level(g: Graph) -> None:
    node = next(g.subjects(UKG.level, None))
    g.add((node, SKOS.prefLabel, Literal("另一个名字", lang="zh")))
    g.remove((node, UKG.level, None))


def _bad_values(g: Graph) -> None:
    evidence = next(g.subjects(UKG.quote, None))
    g.set((evidence, UKG.startOffset, Literal(10_000)))
    g.set((evidence, UKG.quote, Literal("")))
    fact = next(g.subjects(RDF.type, UKG.Fact))
    g.set((fact, UKG.confidence, Literal("1.5", datatype=XSD.decimal)))
    g.set((fact, RDF.predicate, SKOS.related))


def _untyped_evidence(g: Graph) -> None:
    """Evidence that is not typed ukg:Evidence does not cover its facts (FactCoverageShape's FILTER EXISTS)."""
    for evidence in list(g.subjects(RDF.type, UKG.Evidence))[::2]:
        g.remove((evidence, RDF.type, UKG.Evidence))


def _wrong_types(g: Graph) -> None:
    runs = next(g.subject_objects(UKG.runs))
    g.remove((runs[1], RDF.type, None))
    g.add((runs[1], RDF.type, UKG.Person))
    g.set((next(g.subjects(RDF.type, UKG.Person)), SKOS.prefLabel, Literal("无语言标签")))


DAMAGES: list[Callable[[Graph], None]] = [_no_change, _drop_evidence, _second_label_and_no_level, _bad_values,
                                          _wrong_types, _untyped_evidence]


@pytest.mark.parametrize("damage", DAMAGES, ids=lambda f: f.__name__)
def test_same_violations_as_pyshacl(small_graph: KnowledgeGraph, damage: Callable[[Graph], None]) -> None:
    g = default_graph(build_rdf(small_graph, BASE))
    damage(g)
    expected = _reference(g)
    assert _ours(g) == expected
    assert bool(expected) == (damage is not _no_change)


def test_seeds_graph_agrees_with_pyshacl(seeds_graph: KnowledgeGraph) -> None:
    """On a slice of the seeds graph: pyshacl (rdflib's OPTIONAL) needs minutes for all of it."""
    relations = seeds_graph.relations[::8]
    used = {r.subject for r in relations} | {r.object for r in relations}
    entities = tuple(e for e in seeds_graph.entities if e.id in used)
    g = default_graph(build_rdf(replace(seeds_graph, relations=relations, entities=entities), BASE))
    _drop_evidence_of_one_fact(g)
    expected = _reference(g)
    assert expected and _ours(g) == expected


def _drop_evidence_of_one_fact(g: Graph) -> None:
    fact = sorted(g.subjects(RDF.type, UKG.Fact))[0]
    g.remove((fact, UKG.hasEvidence, None))


@pytest.mark.parametrize("extra", [
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:pattern \"^a\" ] .",
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ] .",
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .",
    "ex:S a sh:NodeShape ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minInclusive \"low\" ] .",
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:maxInclusive ex:x ] .",
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount \"one\" ] .",
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p , ex:q ; sh:minCount 1 ] .",
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ; "
    "sh:message \"{$this} has no p\" ] .",
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:nodeKind ex:Weird .",
    "ex:S a sh:NodeShape , rdfs:Class ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
    "ex:P a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:minCount 1 .",
    "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
])
def test_unsupported_shapes_raise(extra: str) -> None:
    prefixes = f"@prefix sh: <{SH}> . @prefix ex: <http://example.org/> . @prefix rdfs: <{RDFS}> ."
    shapes = Graph().parse(data=f"{prefixes} {extra}", format="turtle")
    with pytest.raises(ShapeError):
        compile_shapes(shapes)


def test_report_is_turtle_listing_each_violation(small_graph: KnowledgeGraph) -> None:
    g = default_graph(build_rdf(small_graph, BASE))
    _drop_evidence(g)
    result = validate_graph(g)
    report = Graph().parse(data="\n".join(report_lines(result)), format="turtle")
    assert len(set(report.subjects(SH.resultSeverity, SH.Violation))) == result.violations > 0
    assert report.value(next(report.subjects(RDF.type, SH.ValidationReport)), SH.conforms) == Literal(False)


def test_project_shapes_split_into_core_and_sparql() -> None:
    shapes = compile_shapes(load_shapes())
    assert len(shapes.sparql) == 2 and all("SELECT" in c.query for c in shapes.sparql)
    assert sum(len(s.properties) for s in shapes.core) == 22


def test_checks_run_on_any_store(small_graph: KnowledgeGraph) -> None:
    store = ox.Store()
    store.bulk_load("\n".join(build_rdf(small_graph, BASE).ntriples()).encode(), format=ox.RdfFormat.N_TRIPLES)
    assert validate_store(store).results == ()
    quad = next(iter(store.quads_for_pattern(None, ox.NamedNode(str(UKG.hasEvidence)), None)))
    store.remove(quad)  # a fixture fact has one piece of evidence: the fact and its triple lose their cover
    found = {(v.focus, v.component) for v in validate_store(store).results}
    assert found == {(str(quad.subject), f"<{SH}MinCountConstraintComponent>"),
                     (f"<{UKG.Fact}>", f"<{SH}SPARQLConstraintComponent>")}
