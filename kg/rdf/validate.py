"""SHACL validation of the RDF graph against schema/shapes.ttl (pyshacl), with a byte-stable report.

`write_report` is the build output (OUT/shacl-report.ttl); `validate_out` backs `kg validate`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import Graph
from rdflib.namespace import SH

from kg.errors import InputError, KGError
from kg.export.atomic import write_text
from kg.model import KnowledgeGraph
from kg.rdf.convert import default_graph, to_quads
from kg.rdf.exports import RdfFile, rdf_path
from kg.rdf.vocab import PREFIXES, load_shapes
from kg.settings import Settings

log = logging.getLogger(__name__)

REPORT_FILE = "shacl-report.ttl"


class ValidationError(KGError):
    """The shapes themselves could not be applied (a defect in schema/shapes.ttl)."""


@dataclass(frozen=True)
class Validation:
    """The outcome of one SHACL run: conformance, number of violations, the report graph."""

    conforms: bool
    violations: int
    report: Graph


def validate_graph(data: Graph) -> Validation:
    """Check `data` against the shapes (no inference: classes are asserted)."""
    conforms, report, text = shacl_validate(data, shacl_graph=load_shapes(), inference="none", advanced=True)
    if not isinstance(report, Graph):
        raise ValidationError(f"SHACL shapes could not run: {' '.join(str(text).split())}")
    violations = sum(1 for _ in report.subjects(SH.resultSeverity, SH.Violation))
    return Validation(bool(conforms), violations, report)


def report_turtle(result: Validation) -> str:
    """The report as Turtle with canonical blank-node labels and sorted triples (same input, same bytes)."""
    nt = result.report.serialize(format="nt").encode("utf-8")
    dataset = ox.Dataset(ox.parse(nt, ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    triples = sorted((q.triple for q in dataset), key=str)
    body = ox.serialize(triples, format=ox.RdfFormat.TURTLE,
                        prefixes={**PREFIXES, "sh": str(SH)}).decode("utf-8")
    header = f"# SHACL report: conforms {str(result.conforms).lower()}, {result.violations} violation(s)\n"
    lines = body.split("\n")
    n = next((i for i, line in enumerate(lines) if not line.startswith("@prefix ")), len(lines))
    return header + "\n".join(sorted(lines[:n]) + lines[n:])


def _write(result: Validation, out: Path) -> Path:
    path = write_text(out / REPORT_FILE, report_turtle(result))
    if result.violations:
        log.warning("SHACL: %d violation(s), details in %s", result.violations, path)
    return path


def write_report(graph: KnowledgeGraph, settings: Settings) -> list[Path]:
    """Build output: validate the graph's RDF and write OUT/shacl-report.ttl."""
    return [_write(validate_graph(default_graph(to_quads(graph, settings.base_iri))), settings.out)]


def validate_out(out: Path) -> tuple[Validation, Path]:
    """`kg validate`: validate OUT/rdf/graph.nt of a previous build and rewrite the report."""
    source = rdf_path(out, RdfFile.NTRIPLES)
    if not source.is_file():
        raise InputError(f"no RDF graph at {source}: run `kg build --out {out}` first")
    result = validate_graph(Graph().parse(source, format="nt"))
    return result, _write(result, out)


def violation_count(report: Path) -> int:
    """Number of violations recorded in a report file (for the build summary)."""
    graph = Graph().parse(report, format="turtle")
    return sum(1 for _ in graph.subjects(SH.resultSeverity, SH.Violation))


def summary_note(out: Path) -> str | None:
    """The build-summary line for the SHACL report under `out` (None when no report was written)."""
    report = out / REPORT_FILE
    if not report.is_file():
        return None
    return f"shacl:     {violation_count(report)} violation(s), details in {report}"
