"""On-demand exports of a built graph (`kg export`, `kg build --export`): the formats and their exporters.

Each format maps to an Exporter: where the build puts it under OUT, and either the bytes of its one file
(written atomically to any path, or to stdout) or a writer of a whole folder (neo4j-csv). The serialisers
are the build's own (kg.rdf.exports, kg.export.graphml, kg.export.neo4j_csv), so an export of a build's
graph gives the bytes the build writes. The graph is held in memory: nothing here streams from graph.jsonl.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from fnmatch import fnmatch
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import InputError
from kg.model import KnowledgeGraph
from kg.runtime.atomic import write_blocks
from kg.runtime.memo import last_graph

if TYPE_CHECKING:
    from kg.rdf.convert import RdfData


class ExportFormat(StrEnum):
    """The formats `kg export` writes (value = the name on the command line)."""

    TTL = "ttl"
    NT = "nt"
    NQ = "nq"
    TRIG = "trig"
    JSONLD = "jsonld"
    GRAPHML = "graphml"
    NEO4J_CSV = "neo4j-csv"
    TRIPLES_CSV = "triples-csv"
    TRIPLES_TSV = "triples-tsv"


Blocks = Callable[[KnowledgeGraph, str], Iterable[bytes]]
"""(graph, base IRI) → the file's bytes in blocks."""
FolderWriter = Callable[[KnowledgeGraph, Path], list[Path]]
"""(graph, folder) → the paths written into that folder (atomically, as one)."""


@dataclass(frozen=True)
class Exporter:
    """One format: its default path under OUT, and `blocks` (one file) or `folder` (a folder of files, whose
    names match `owns`: a folder holding anything else is never replaced)."""

    default: str
    blocks: Blocks | None = None
    folder: FolderWriter | None = None
    owns: tuple[str, ...] = ()

    @property
    def single_file(self) -> bool:
        return self.blocks is not None


def _encoded(lines: Iterable[str]) -> Iterator[bytes]:
    """Lines (without newlines) as UTF-8 blocks of 4096 lines, each line ending in LF (as write_lines)."""
    it = iter(lines)
    while chunk := list(islice(it, 4096)):
        yield ("\n".join(chunk) + "\n").encode("utf-8")


@last_graph
def _rdf(graph: KnowledgeGraph, base_iri: str) -> RdfData:
    """The graph's RDF terms for the exports: kg.rdf.convert's build_rdf, memoised for the graph at hand (one
    command may export several RDF formats), without to_rdf's eager bytes of both N-Triples files (which
    the build's store load needs; nt and nq here stream their lines instead)."""
    from kg.rdf.convert import build_rdf

    return build_rdf(graph, base_iri)


def _ttl(graph: KnowledgeGraph, base_iri: str) -> Iterator[bytes]:
    from kg.rdf.exports import turtle_lines

    return _encoded(turtle_lines(_rdf(graph, base_iri), base_iri))


def _trig(graph: KnowledgeGraph, base_iri: str) -> Iterator[bytes]:
    from kg.rdf.exports import trig_named_lines, turtle_lines

    data = _rdf(graph, base_iri)
    return _encoded(chain(turtle_lines(data, base_iri), trig_named_lines(data, base_iri)))


def _nt(graph: KnowledgeGraph, base_iri: str) -> Iterator[bytes]:
    return _encoded(_rdf(graph, base_iri).ntriples())


def _nq(graph: KnowledgeGraph, base_iri: str) -> Iterator[bytes]:
    return _encoded(_rdf(graph, base_iri).nquads())


def _jsonld(graph: KnowledgeGraph, base_iri: str) -> Iterator[bytes]:
    from kg.rdf.exports import jsonld_lines

    return _encoded(jsonld_lines(_rdf(graph, base_iri), base_iri))


def _graphml(graph: KnowledgeGraph, _base_iri: str) -> Iterator[bytes]:
    from kg.export.graphml import graphml_lines
    from kg.pgraph import to_property_graph

    return _encoded(graphml_lines(to_property_graph(graph)))


def _table(delimiter: str) -> Blocks:
    def blocks(graph: KnowledgeGraph, _base_iri: str) -> Iterator[bytes]:
        from kg.export.triples import table_blocks

        return table_blocks(graph, delimiter)

    return blocks


def _neo4j(graph: KnowledgeGraph, folder: Path) -> list[Path]:
    from kg.export.neo4j_csv import write_folder

    return write_folder(graph, folder)


EXPORTERS: dict[ExportFormat, Exporter] = {
    ExportFormat.TTL: Exporter("rdf/graph.ttl", _ttl),
    ExportFormat.NT: Exporter("rdf/graph.nt", _nt),
    ExportFormat.NQ: Exporter("rdf/graph.nq", _nq),
    ExportFormat.TRIG: Exporter("rdf/graph.trig", _trig),
    ExportFormat.JSONLD: Exporter("rdf/graph.jsonld", _jsonld),
    ExportFormat.GRAPHML: Exporter("graph.graphml", _graphml),
    ExportFormat.NEO4J_CSV: Exporter("neo4j-import", folder=_neo4j,
                                     owns=("nodes_*.csv", "rels_*.csv", "import.sh", "IMPORT.md")),
    ExportFormat.TRIPLES_CSV: Exporter("triples.csv", _table(",")),
    ExportFormat.TRIPLES_TSV: Exporter("triples.tsv", _table("\t")),
}
"""Format → exporter. The default paths are where `kg build` writes the same files today (the triples table
is new: only an export writes it)."""


def parse_formats(values: Iterable[str]) -> list[ExportFormat]:
    """Formats from repeated and/or comma-separated names, in first-seen order without repeats;
    ValueError naming the known ones for an unknown name."""
    chosen: list[ExportFormat] = []
    for value in values:
        for name in (v.strip().lower() for v in value.split(",")):
            if not name:
                continue
            try:
                fmt = ExportFormat(name)
            except ValueError:
                known = ", ".join(f.value for f in ExportFormat)
                raise ValueError(f"unknown export format {name!r}; known: {known}") from None
            if fmt not in chosen:
                chosen.append(fmt)
    return chosen


def check_destination(fmt: ExportFormat, target: Path) -> None:
    """InputError (exit 2) when writing `fmt` at `target` would replace something it must not: a folder
    with a single-file format, a file with a folder format, or a folder holding files the format does not
    write (its whole folder is swapped in, so `--file ~/Documents` would otherwise empty that folder)."""
    exporter = EXPORTERS[fmt]
    if exporter.single_file:
        if target.is_dir():
            raise InputError(f"{target} is a folder; {fmt.value} is written to a file: give a file name")
        return
    if target.exists() and not target.is_dir():
        raise InputError(f"{target} is a file; {fmt.value} is a folder of files: give a folder name")
    if target.is_dir():
        others = sorted(p.name for p in target.iterdir() if not any(fnmatch(p.name, g) for g in exporter.owns))
        if others:
            raise InputError(f"{target} holds files {fmt.value} does not write ({others[0]} …); it would replace "
                             f"the whole folder: give a new or empty folder")


def export(graph: KnowledgeGraph, fmt: ExportFormat, target: Path, base_iri: str) -> list[Path]:
    """Write `fmt` of `graph` to `target` (a file, or a folder for neo4j-csv) atomically; the paths written."""
    exporter = EXPORTERS[fmt]
    if exporter.blocks is not None:
        return [write_blocks(target, exporter.blocks(graph, base_iri))]
    assert exporter.folder is not None
    return exporter.folder(graph, target)

