"""RDF files under OUT/rdf/: Turtle, N-Triples, JSON-LD (+ context), N-Quads and TriG, byte-stable.

All five are written straight from the sorted N-Triples terms of kg.rdf.convert (no per-triple term
objects), streamed line by line into atomic files: the same graph gives the same bytes every run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from kg.export.atomic import write_lines
from kg.model import KnowledgeGraph
from kg.rdf.convert import A, RdfData, Triples, to_rdf
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
    minted = {kind: f"{base_iri}{kind}/" for kind in ("entity", "fact", "article", "document")}
    return {**PREFIXES, **minted}


class Compactor:
    """Shortens IRI terms to prefixed names: strict Turtle names for Turtle/TriG, any suffix for JSON-LD."""

    def __init__(self, base_iri: str) -> None:
        table = sorted(prefixes(base_iri).items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self.names = {ns: name for name, ns in table}
        alternatives = "|".join(re.escape(ns) for _, ns in table)
        self._turtle = re.compile(rf"<({alternatives})([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)>")
        self._any = re.compile(rf"({alternatives})(.+)")
        self.turtle = lru_cache(maxsize=4096)(self._turtle_term)

    def _turtle_term(self, term: str) -> str:
        if term[0] == '"':
            cut = term.rfind('"^^<')
            return term if cut < 0 else f'{term[:cut + 3]}{self.turtle(term[cut + 3:])}'
        m = self._turtle.fullmatch(term)
        return f"{self.names[m.group(1)]}:{m.group(2)}" if m else term

    def json_iri(self, value: str) -> str:
        m = self._any.fullmatch(value)
        return f"{self.names[m.group(1)]}:{m.group(2)}" if m else value


def prefix_lines(base_iri: str) -> list[str]:
    return [f"@prefix {name}: <{ns}> ." for name, ns in sorted(prefixes(base_iri).items())]


def turtle_block(triples: Triples, c: Compactor, indent: str = "") -> Iterator[str]:
    """Turtle statements, one per subject, predicates grouped with `;` and objects with `,`."""
    term = c.turtle
    for s, pairs in RdfData.triples(triples):
        parts: list[str] = []
        for p, o in pairs:
            if parts and parts[-1][0] == p:
                parts[-1][1].append(term(o))
            else:
                parts.append((p, [term(o)]))
        body = f" ;\n{indent}\t".join(f"{'a' if p == A else term(p)} {', '.join(objs)}" for p, objs in parts)
        yield f"{indent}{term(s)} {body} ."


def turtle_lines(data: RdfData, base_iri: str) -> Iterator[str]:
    yield from prefix_lines(base_iri)
    yield ""
    yield from turtle_block(data.default, Compactor(base_iri))


def trig_named_lines(data: RdfData, base_iri: str) -> Iterator[str]:
    """The named graphs as TriG blocks (graph.trig is graph.ttl followed by these)."""
    c = Compactor(base_iri)
    for g in data.graph_names():
        yield f"{c.turtle(g)} {{"
        yield from turtle_block(data.named[g], c, indent="\t")
        yield "}"


def jsonld_context(base_iri: str) -> dict[str, object]:
    """The JSON-LD context: the prefixes of every serialisation."""
    return {"@context": dict(sorted(prefixes(base_iri).items()))}


def _jsonld_value(term: str, c: Compactor) -> dict[str, str]:
    if term[0] == "<":
        return {"@id": c.json_iri(term[1:-1])}
    end = term.rfind('"')
    value: dict[str, str] = {"@value": json.loads(term[: end + 1])}  # N-Triples escapes are JSON escapes
    suffix = term[end + 1 :]
    if suffix.startswith("@"):
        value["@language"] = suffix[1:]
    elif suffix:
        value["@type"] = c.json_iri(suffix[3:-1])
    return value


def jsonld_lines(data: RdfData, base_iri: str) -> Iterator[str]:
    """The default graph as compact JSON-LD, one node per line: nodes sorted by @id, context inline."""
    c = Compactor(base_iri)
    context = json.dumps(jsonld_context(base_iri)["@context"], ensure_ascii=False)
    yield f'{{"@context": {context},'
    yield '"@graph": ['
    first = True
    for s, pairs in RdfData.triples(data.default):
        node: dict[str, object] = {"@id": c.json_iri(s[1:-1])}
        for p, o in pairs:
            if p == A:
                node.setdefault("@type", []).append(c.json_iri(o[1:-1]))  # type: ignore[union-attr]
            else:
                node.setdefault(c.json_iri(p[1:-1]), []).append(_jsonld_value(o, c))  # type: ignore[union-attr]
        line = json.dumps(node, ensure_ascii=False)
        yield line if first else f",{line}"
        first = False
    yield "]}"


def _context_lines(_data: RdfData, base_iri: str) -> Iterator[str]:
    yield json.dumps(jsonld_context(base_iri), ensure_ascii=False, indent=1)


WRITERS: dict[RdfFile, tuple[RdfFile | None, Callable[[RdfData, str], Iterator[str]]]] = {
    RdfFile.TURTLE: (None, turtle_lines),
    RdfFile.NTRIPLES: (None, lambda data, _base: data.ntriples()),
    RdfFile.JSONLD: (None, jsonld_lines),
    RdfFile.CONTEXT: (None, _context_lines),
    RdfFile.NQUADS: (RdfFile.NTRIPLES, lambda data, _base: data.named_nquads()),
    RdfFile.TRIG: (RdfFile.TURTLE, trig_named_lines),
}
"""File → (file whose bytes it starts with, function (RDF data, base IRI) → the lines after them).
The dataset formats start with the default graph, so they copy its file instead of re-serialising it."""


def write_rdf(graph: KnowledgeGraph, settings: Settings) -> list[Path]:
    """Write every RDF file under OUT/rdf/ atomically; returns the paths in RdfFile order."""
    data = to_rdf(graph, settings.base_iri)
    folder = settings.out / RDF_DIR
    paths = []
    for f in RdfFile:
        head, lines = WRITERS[f]
        paths.append(write_lines(folder / f.value, lines(data, settings.base_iri),
                                 after=None if head is None else folder / head.value))
    return paths


def rdf_path(out: Path, f: RdfFile) -> Path:
    """Where a build put one RDF file."""
    return out / RDF_DIR / f.value
