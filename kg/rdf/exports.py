"""RDF files under OUT/rdf/: Turtle, N-Triples, JSON-LD (+ context), N-Quads and TriG, byte-stable.

All five are written straight from the sorted N-Triples terms of kg.rdf.convert (no per-triple term
objects), streamed line by line into atomic files: the same graph gives the same bytes every run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from pathlib import Path

from kg.model import KnowledgeGraph
from kg.rdf.convert import A, RdfData, to_rdf
from kg.rdf.vocab import PREFIXES
from kg.runtime.atomic import write_blocks, write_lines
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
        self.turtle = lru_cache(maxsize=4096)(self._turtle_term)

    def _turtle_term(self, term: str) -> str:
        if term[0] == '"':
            cut = term.rfind('"^^<')
            return term if cut < 0 else f'{term[:cut + 3]}{self.turtle(term[cut + 3:])}'
        m = self._turtle.fullmatch(term)
        return f"{self.names[m.group(1)]}:{m.group(2)}" if m else term

    def json_iri(self, value: str) -> str:
        """The IRI as prefix:rest with the longest namespace that leaves a rest, else as it is. Every
        namespace ends in / or #, so the candidates are the IRI cut after each of those, longest first."""
        cut = len(value)
        while cut > 0:
            cut = max(value.rfind("/", 0, cut), value.rfind("#", 0, cut))
            name = self.names.get(value[:cut + 1]) if cut >= 0 else None
            if name is not None and cut + 1 < len(value):
                return f"{name}:{value[cut + 1:]}"
        return value


def prefix_lines(base_iri: str) -> list[str]:
    return [f"@prefix {name}: <{ns}> ." for name, ns in sorted(prefixes(base_iri).items())]


def turtle_block(subjects: Iterable[tuple[str, list[tuple[str, str]]]], c: Compactor, indent: str = ""
                 ) -> Iterator[str]:
    """Turtle statements, one per (subject, sorted pairs), predicates grouped with `;`, objects with `,`."""
    term = c.turtle
    for s, pairs in subjects:
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
    yield from turtle_block(data.sorted_default(), Compactor(base_iri))


def trig_named_lines(data: RdfData, base_iri: str) -> Iterator[str]:
    """The named graphs as TriG blocks (graph.trig is graph.ttl followed by these)."""
    c = Compactor(base_iri)
    for g in data.graph_names():
        yield f"{c.turtle(g)} {{"
        yield from turtle_block(RdfData.triples(data.named[g]), c, indent="\t")
        yield "}"


def jsonld_context(base_iri: str) -> dict[str, object]:
    """The JSON-LD context: the prefixes of every serialisation."""
    return {"@context": dict(sorted(prefixes(base_iri).items()))}


def _jsonld_terms(c: Compactor) -> tuple[Callable[[str], str], Callable[[str], str]]:
    """JSON text of a compacted IRI term, and of any object term (`{"@id": …}` or a value object),
    cached: predicates, classes and articles repeat on every line."""
    @lru_cache(maxsize=1 << 16)
    def iri_json(term: str) -> str:
        compact = c.json_iri(term[1:-1])
        # an IRI term holds no control character, and rarely a quote or backslash (JSON's other escapes)
        return f'"{compact}"' if '"' not in compact and "\\" not in compact else json.dumps(compact, ensure_ascii=False)

    def value_json(term: str) -> str:
        if term[0] == "<":
            return f'{{"@id": {iri_json(term)}}}'
        end = term.rfind('"')
        # kg's N-Triples string escapes (\\ \" \n \r \t \b \f \uXXXX) are JSON escapes: copy them as they are
        suffix = term[end + 1:]
        if suffix.startswith("@"):
            return f'{{"@value": {term[:end + 1]}, "@language": {json.dumps(suffix[1:])}}}'
        if suffix:
            return f'{{"@value": {term[:end + 1]}, "@type": {iri_json(suffix[2:])}}}'
        return f'{{"@value": {term[:end + 1]}}}'

    return iri_json, value_json


def jsonld_lines(data: RdfData, base_iri: str) -> Iterator[str]:
    """The default graph as compact JSON-LD, one node per line: nodes sorted by @id, context inline.
    Each node is assembled as JSON text from the N-Triples terms (no per-value dicts to encode)."""
    iri_json, value_json = _jsonld_terms(Compactor(base_iri))
    context = json.dumps(jsonld_context(base_iri)["@context"], ensure_ascii=False)
    yield f'{{"@context": {context},'
    yield '"@graph": ['
    sep = ""
    for s, pairs in data.sorted_default():
        parts = [f'"@id": {iri_json(s)}']
        for p, group in groupby(pairs, key=itemgetter(0)):
            if p == A:
                parts.append(f'"@type": [{", ".join(iri_json(o) for _, o in group)}]')
            else:
                parts.append(f'{iri_json(p)}: [{", ".join(value_json(o) for _, o in group)}]')
        yield f"{sep}{{{', '.join(parts)}}}"
        sep = ","
    yield "]}"


def _context_lines(_data: RdfData, base_iri: str) -> Iterator[str]:
    yield json.dumps(jsonld_context(base_iri), ensure_ascii=False, indent=1)


@dataclass(frozen=True)
class Writer:
    """How one file is made: text `lines` (data, base IRI) → lines, appended to a copy of file `after`
    if set; or ready `blocks` of bytes (data → bytes)."""

    lines: Callable[[RdfData, str], Iterator[str]] | None = None
    after: RdfFile | None = None
    blocks: Callable[[RdfData], Iterable[bytes]] | None = None


WRITERS: dict[RdfFile, Writer] = {
    RdfFile.TURTLE: Writer(turtle_lines),
    RdfFile.NTRIPLES: Writer(blocks=lambda data: data.encoded()[:1]),
    RdfFile.JSONLD: Writer(jsonld_lines),
    RdfFile.CONTEXT: Writer(_context_lines),
    RdfFile.NQUADS: Writer(blocks=lambda data: data.encoded()),
    RdfFile.TRIG: Writer(trig_named_lines, after=RdfFile.TURTLE),
}
"""File → its writer. N-Triples and N-Quads are the bytes the store load uses too; TriG starts with
the default graph, so it copies the Turtle file instead of re-serialising it."""


def write_rdf(graph: KnowledgeGraph, settings: Settings) -> list[Path]:
    """Write every RDF file under OUT/rdf/ atomically; returns the paths in RdfFile order."""
    data = to_rdf(graph, settings.base_iri)
    folder = settings.out / RDF_DIR
    paths = []
    for f in RdfFile:
        w = WRITERS[f]
        if w.blocks is not None:
            paths.append(write_blocks(folder / f.value, w.blocks(data)))
        elif w.lines is not None:
            paths.append(write_lines(folder / f.value, w.lines(data, settings.base_iri),
                                     after=None if w.after is None else folder / w.after.value))
    return paths


def rdf_path(out: Path, f: RdfFile) -> Path:
    """Where a build put one RDF file."""
    return out / RDF_DIR / f.value
