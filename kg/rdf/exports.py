"""RDF files under OUT/rdf/: Turtle, N-Triples, JSON-LD (+ context), N-Quads and TriG, byte-stable.

Quads are sorted once (kg.rdf.convert) and written in that order by Oxigraph's serialisers, so the
same graph gives the same bytes every run; JSON-LD is built here as sorted, compact JSON.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, Node
from rdflib.namespace import XSD

from kg.export.atomic import write_text
from kg.model import KnowledgeGraph
from kg.rdf.convert import Quad, to_quads
from kg.rdf.vocab import PREFIXES
from kg.settings import Settings

RDF_DIR = "rdf"


class RdfFile(StrEnum):
    """The RDF files written under OUT/rdf/ (value = file name)."""

    TURTLE = "graph.ttl"
    NTRIPLES = "graph.nt"
    JSONLD = "graph.jsonld"
    CONTEXT = "context.jsonld"
    NQUADS = "graph.nq"
    TRIG = "graph.trig"


def prefixes(base_iri: str) -> dict[str, str]:
    """Vocabulary prefixes plus one per kind of minted IRI under the base."""
    minted = {kind: f"{base_iri}{kind}/" for kind in ("entity", "fact", "evidence", "article", "document")}
    return {**PREFIXES, **minted}


def to_ox_term(term: Node) -> ox.NamedNode | ox.Literal:
    """The pyoxigraph term for an rdflib IRI or literal (kg mints no blank nodes)."""
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    return ox.NamedNode(str(term))


def to_ox_quads(quads: list[Quad]) -> list[ox.Quad]:
    """pyoxigraph quads in the same (sorted) order."""
    return [
        ox.Quad(to_ox_term(s), to_ox_term(p), to_ox_term(o),
                ox.DefaultGraph() if g is None else to_ox_term(g))
        for s, p, o, g in quads
    ]


def _sorted_prefix_block(text: str) -> str:
    """Put the leading @prefix lines in sorted order (their order is the serialiser's choice)."""
    lines = text.split("\n")
    n = next((i for i, line in enumerate(lines) if not line.startswith("@prefix ")), len(lines))
    return "\n".join(sorted(lines[:n]) + lines[n:])


def _serialize(quads: list[ox.Quad], fmt: ox.RdfFormat, base_iri: str) -> str:
    items = quads if fmt.supports_datasets else [q.triple for q in quads if q.graph_name == ox.DefaultGraph()]
    return _sorted_prefix_block(ox.serialize(items, format=fmt, prefixes=prefixes(base_iri)).decode("utf-8"))


def jsonld_context(base_iri: str) -> dict[str, object]:
    """The JSON-LD context: the prefixes of every serialisation."""
    return {"@context": dict(sorted(prefixes(base_iri).items()))}


def _compact(iri: str, table: list[tuple[str, str]]) -> str:
    for name, ns in table:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{name}:{iri[len(ns):]}"
    return iri


def _jsonld_value(term: Node, table: list[tuple[str, str]]) -> dict[str, str]:
    if isinstance(term, Literal):
        if term.language:
            return {"@value": str(term), "@language": term.language}
        if term.datatype in (None, XSD.string):
            return {"@value": str(term)}
        return {"@value": str(term), "@type": _compact(str(term.datatype), table)}
    return {"@id": _compact(str(term), table)}


def jsonld_document(quads: list[Quad], base_iri: str) -> dict[str, object]:
    """The default graph as compact JSON-LD: nodes sorted by @id, values sorted, context inline."""
    table = sorted(prefixes(base_iri).items(), key=lambda kv: -len(kv[1]))
    nodes: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for s, p, o, g in quads:
        if g is not None:
            continue
        key = "@type" if str(p) == PREFIXES["rdf"] + "type" else _compact(str(p), table)
        value = _compact(str(o), table) if key == "@type" else _jsonld_value(o, table)
        nodes[_compact(str(s), table)][key].append(value)
    graph = []
    for node_id in sorted(nodes):
        props = nodes[node_id]
        node: dict[str, object] = {"@id": node_id}
        for key in sorted(props):
            node[key] = sorted(props[key], key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
        graph.append(node)
    return {**jsonld_context(base_iri), "@graph": graph}


def _dump_json(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1) + "\n"


WRITERS: dict[RdfFile, Callable[[list[Quad], list[ox.Quad], str], str]] = {
    RdfFile.TURTLE: lambda _q, ox_quads, base: _serialize(ox_quads, ox.RdfFormat.TURTLE, base),
    RdfFile.NTRIPLES: lambda _q, ox_quads, base: _serialize(ox_quads, ox.RdfFormat.N_TRIPLES, base),
    RdfFile.JSONLD: lambda quads, _o, base: _dump_json(jsonld_document(quads, base)),
    RdfFile.CONTEXT: lambda _q, _o, base: _dump_json(jsonld_context(base)),
    RdfFile.NQUADS: lambda _q, ox_quads, base: _serialize(ox_quads, ox.RdfFormat.N_QUADS, base),
    RdfFile.TRIG: lambda _q, ox_quads, base: _serialize(ox_quads, ox.RdfFormat.TRIG, base),
}
"""File → function (rdflib quads, pyoxigraph quads, base IRI) → text."""


def write_rdf(graph: KnowledgeGraph, settings: Settings) -> list[Path]:
    """Write every RDF file under OUT/rdf/ atomically; returns the paths in RdfFile order."""
    quads = to_quads(graph, settings.base_iri)
    ox_quads = to_ox_quads(quads)
    folder = settings.out / RDF_DIR
    return [write_text(folder / f.value, WRITERS[f](quads, ox_quads, settings.base_iri)) for f in RdfFile]


def rdf_path(out: Path, f: RdfFile) -> Path:
    """Where a build put one RDF file."""
    return out / RDF_DIR / f.value

