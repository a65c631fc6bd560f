"""SHACL: the hand-made graph conforms; each kind of defect is reported; the report is byte-stable."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SKOS

from kg.model import EntityType, KnowledgeGraph
from kg.rdf.convert import build_rdf, default_graph
from kg.rdf.exports import write_rdf
from kg.rdf.validate import REPORT_FILE, report_lines, validate_graph, violation_count, write_report
from kg.rdf.vocab import UKG
from kg.settings import Settings

BASE = "https://w3id.org/ukg/"


def _rdf(graph: KnowledgeGraph) -> Graph:
    return default_graph(build_rdf(graph, BASE))


def test_small_graph_conforms(small_graph: KnowledgeGraph) -> None:
    result = validate_graph(_rdf(small_graph))
    assert result.conforms and result.violations == 0


def _drop_evidence(g: Graph) -> None:
    g.remove((None, UKG.hasEvidence, None))


def _second_label(g: Graph) -> None:
    node = next(g.subjects(UKG.level, Literal("city")))
    g.add((node, SKOS.prefLabel, Literal("另一个名字", lang="zh")))


def _drop_quote(g: Graph) -> None:
    g.remove((next(g.subjects(UKG.quote, None)), UKG.quote, None))


def _swap_offsets(g: Graph) -> None:
    node = next(g.subjects(UKG.startOffset, None))
    g.set((node, UKG.startOffset, Literal(10_000)))


@pytest.mark.parametrize("damage", [_drop_evidence, _second_label, _drop_quote, _swap_offsets],
                         ids=lambda f: f.__name__)
def test_defects_are_violations(small_graph: KnowledgeGraph, damage) -> None:
    g = _rdf(small_graph)
    damage(g)
    result = validate_graph(g)
    assert not result.conforms and result.violations >= 1


def test_region_without_level_is_a_violation(small_graph: KnowledgeGraph) -> None:
    entities = tuple(replace(e, attrs=()) if e.type is EntityType.REGION else e for e in small_graph.entities)
    result = validate_graph(_rdf(replace(small_graph, entities=entities)))
    assert result.violations == 2  # both regions


def test_report_file_and_count(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    entities = tuple(replace(e, attrs=()) if e.type is EntityType.REGION else e for e in small_graph.entities)
    settings = Settings(out=tmp_path, progress=False)
    [path] = write_report(replace(small_graph, entities=entities), settings)
    assert path == tmp_path / REPORT_FILE
    assert violation_count(path) == 2
    first = path.read_bytes()
    write_report(replace(small_graph, entities=entities), settings)
    assert path.read_bytes() == first


def _kg(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, env=env)


def test_cli_validate(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    missing = _kg("validate", "--out", str(tmp_path / "none"))
    assert missing.returncode == 2 and "kg build" in missing.stderr and "Traceback" not in missing.stderr
    write_rdf(small_graph, Settings(out=tmp_path, progress=False))
    ok = _kg("validate", "--out", str(tmp_path))
    assert ok.returncode == 0, ok.stderr
    assert "0 violation" in ok.stdout
    bad = small_graph.relations[0]
    broken = replace(small_graph, relations=(replace(bad, evidence=()), *small_graph.relations[1:]))
    write_rdf(broken, Settings(out=tmp_path, progress=False))
    result = _kg("validate", "--out", str(tmp_path))
    assert result.returncode == 1
    assert "2 violation" in result.stdout and REPORT_FILE in result.stdout  # the fact and its triple


def test_summary_note(small_graph: KnowledgeGraph, tmp_path: Path) -> None:
    from kg.rdf.validate import summary_note

    assert summary_note(tmp_path) is None
    write_report(small_graph, Settings(out=tmp_path, progress=False))
    assert summary_note(tmp_path).startswith("shacl:     0 violation(s)")


def test_asserted_triple_without_fact_and_fact_without_triple(small_graph: KnowledgeGraph) -> None:
    from rdflib import RDF

    g = _rdf(small_graph)
    fact = next(g.subjects(RDF.predicate, UKG.runs))
    g.remove((fact, None, None))
    result = validate_graph(g)
    assert result.violations == 1
    assert "has no ukg:Fact with evidence" in "\n".join(report_lines(result))
    g = _rdf(small_graph)
    g.remove((None, UKG.serves, None))
    result = validate_graph(g)
    assert result.violations == 1
    assert "is not asserted" in "\n".join(report_lines(result))


def test_kg_data_and_rdflib_graph_give_the_same_report(small_graph: KnowledgeGraph) -> None:
    """The build validates kg's own terms; tests and other callers pass rdflib Graphs: one engine, same results."""
    from kg.rdf.convert import R_SUBJECT, U, integer

    data = build_rdf(small_graph, BASE)
    evidence = next(s for s, pairs in data.default.items() if any(p == U["startOffset"] for p, _ in pairs))
    start = next(o for p, o in data.default[evidence] if p == U["startOffset"])
    del data.default[evidence][(U["startOffset"], start)]
    data.add(evidence, U["startOffset"], integer(10_000))
    fact = next(s for s, pairs in data.default.items() if any(p == R_SUBJECT for p, _ in pairs))
    data.add(fact, U["confidence"], '"2"^^<http://www.w3.org/2001/XMLSchema#integer>')
    ours = validate_graph(data)
    assert {v.component.split("#")[1][:-1] for v in ours.results} == {
        "LessThanConstraintComponent", "MaxCountConstraintComponent", "DatatypeConstraintComponent",
        "MaxInclusiveConstraintComponent"}
    assert validate_graph(default_graph(data)) == ours
    assert report_lines(validate_graph(default_graph(data))) == report_lines(ours)


def test_cli_validate_rejects_broken_ntriples(tmp_path: Path) -> None:
    source = tmp_path / "rdf" / "graph.nt"
    source.parent.mkdir()
    source.write_text("<http://example.org/a> <http://example.org/p> .\n", encoding="utf-8")
    result = _kg("validate", "--out", str(tmp_path))
    assert result.returncode == 2 and "not valid N-Triples" in result.stderr and "Traceback" not in result.stderr
