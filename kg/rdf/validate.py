"""SHACL validation of the RDF graph against schema/shapes.ttl, with a byte-stable Turtle report.

The core constraints are checked in Python over the graph's N-Triples terms, the sh:sparql ones on
Oxigraph (kg.rdf.shacl). `write_report` is the build output (OUT/shacl-report.ttl); `validate_out`
backs `kg validate`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import SH

from kg.errors import InputError
from kg.model import KnowledgeGraph
from kg.rdf.convert import RdfData, literal, ntriples_bytes, to_rdf
from kg.rdf.exports import RdfFile, rdf_path
from kg.rdf.shacl import Shapes, StoreSource, Violation, compile_shapes, run_checks
from kg.rdf.shacl_core import Triples
from kg.rdf.vocab import PREFIXES, load_shapes
from kg.runtime.atomic import write_lines
from kg.runtime.lock import writing_into
from kg.settings import Settings

log = logging.getLogger(__name__)

REPORT_FILE = "shacl-report.ttl"


@dataclass(frozen=True)
class Validation:
    """The outcome of one SHACL run: conformance and the violations found (sorted)."""

    results: tuple[Violation, ...]

    @property
    def conforms(self) -> bool:
        return not self.results

    @property
    def violations(self) -> int:
        return len(self.results)


@cache
def project_shapes() -> Shapes:
    """schema/shapes.ttl compiled (once per process)."""
    return compile_shapes(load_shapes())


def _validate(triples: Triples, store: StoreSource, shapes: Shapes | None) -> Validation:
    return Validation(tuple(run_checks(project_shapes() if shapes is None else shapes, triples, store)))


def _by_subject(statements: Iterable[ox.Triple | ox.Quad]) -> Triples:
    """Oxigraph triples or quads as subject → (predicate, object) terms in canonical N-Triples form."""
    triples: defaultdict[str, dict[tuple[str, str], None]] = defaultdict(dict)
    for t in statements:
        triples[str(t.subject)][(str(t.predicate), str(t.object))] = None
    return triples


def store_triples(store: ox.Store) -> Triples:
    """The default graph of a store as subject → (predicate, object) terms."""
    return _by_subject(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def ntriples_triples(ntriples: bytes | None = None, path: Path | None = None) -> Triples:
    """N-Triples (bytes or a file) parsed strictly as subject → (predicate, object) terms in canonical
    N-Triples form (SyntaxError on bad input)."""
    return _by_subject(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES, path=path))


def _store_of(ntriples: bytes | None = None, path: Path | None = None) -> ox.Store:
    """An in-memory store of N-Triples that kg wrote or that were already parsed strictly (so the
    lenient load, ~35% cheaper, skips only checks they passed)."""
    store = ox.Store()
    store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES, path=path, lenient=True)
    return store


def validate_store(store: ox.Store, shapes: Shapes | None = None) -> Validation:
    """Check the default graph of an Oxigraph store against the shapes (no inference: classes are asserted)."""
    return _validate(store_triples(store), store, shapes)


def validate_graph(data: RdfData | Graph, shapes: Shapes | None = None) -> Validation:
    """Validate a graph given as kg RDF data (its terms as they are) or an rdflib Graph (as N-Triples);
    the store for the sh:sparql constraints is loaded meanwhile."""
    if isinstance(data, RdfData):
        nt = ntriples_bytes(data)
        return _validate(data.default, lambda: _store_of(nt), shapes)
    nt = data.serialize(format="nt", encoding="utf-8")
    return _validate(ntriples_triples(nt), lambda: _store_of(nt), shapes)


def report_lines(result: Validation) -> list[str]:
    """The report as Turtle (sh:ValidationReport with one sh:result per violation, in sorted order)."""
    lines = [f"# SHACL report: conforms {str(result.conforms).lower()}, {result.violations} violation(s)"]
    lines += [f"@prefix {name}: <{ns}> ." for name, ns in sorted({**PREFIXES, "sh": str(SH)}.items())]
    lines += ["", "[] a sh:ValidationReport ;", f"\tsh:conforms {str(result.conforms).lower()}"
              + (" ." if result.conforms else " ;")]
    for i, v in enumerate(result.results):
        fields = [("sh:focusNode", v.focus), ("sh:resultPath", v.path), ("sh:value", v.value),
                  ("sh:sourceConstraintComponent", v.component), ("sh:sourceShape", v.shape),
                  ("sh:resultSeverity", "sh:Violation"), ("sh:resultMessage", literal(v.message))]
        body = " ;\n\t\t".join(f"{k} {t}" for k, t in fields if t)
        end = " ." if i == len(result.results) - 1 else " ;"
        lines.append(f"\tsh:result [ a sh:ValidationResult ;\n\t\t{body} ]{end}")
    return lines


def _write(result: Validation, out: Path) -> Path:
    path = write_lines(out / REPORT_FILE, report_lines(result))
    if result.violations:
        log.warning("SHACL: %d violation(s), details in %s", result.violations, path)
    return path


def write_report(graph: KnowledgeGraph, settings: Settings) -> list[Path]:
    """Build output: validate the graph's RDF and write OUT/shacl-report.ttl."""
    return [_write(validate_graph(to_rdf(graph, settings.base_iri)), settings.out)]


def validate_out(out: Path) -> tuple[Validation, Path]:
    """`kg validate`: validate OUT/rdf/graph.nt of a previous build and rewrite the report, holding OUT's
    lock throughout (like `kg eval`: beside a running build it fails before reading or writing)."""
    source = rdf_path(out, RdfFile.NTRIPLES)
    if not source.is_file():
        raise InputError(f"no RDF graph at {source}: run `kg build --out {out}` first")
    with writing_into(out, out / REPORT_FILE):
        try:
            triples = ntriples_triples(path=source)
        except SyntaxError as exc:
            raise InputError(f"{source} is not valid N-Triples: {' '.join(str(exc).split())[:300]}") from exc
        result = _validate(triples, lambda: _store_of(path=source), None)
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
