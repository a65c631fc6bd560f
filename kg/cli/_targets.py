"""Where `kg viz --file` and `kg eval --json` may write: not over one of kg's own outputs in OUT (a typo
would silently replace graph.jsonl or a store file), nor over the files the command reads."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kg.errors import InputError

OWN_OUTPUTS = frozenset({
    "articles.jsonl", "graph.jsonl", "rdf", "oxigraph", "shacl-report.ttl", "ladybug", "neo4j-import",
    "graph.graphml", "graph.html", "eval.json", ".cache", ".kg.lock", ".kg-incomplete",
    "triples.csv", "triples.tsv",
})
"""The files and folders `kg build` (and `kg eval`, `kg export`) keep directly under OUT; the names are the writers'
own constants (checked in tests/cli/test_targets.py), spelled here so the CLI stays quick to start."""


def check_target(out: Path, target: Path, flag: str, own: str, reads: Iterable[Path] = ()) -> None:
    """InputError (exit 2) when `target` is, or lies inside, one of OUT's outputs other than `own` (the
    command's own output), or is one of the files it `reads`."""
    where = target.resolve()
    for path in reads:
        if where == path.resolve():
            raise InputError(f"{flag} {target} is a file this command reads; choose another file")
    base = out.resolve()
    if not where.is_relative_to(base) or where == base:
        return
    first = where.relative_to(base).parts[0]
    if first in OWN_OUTPUTS and not (first == own and where == base / own):
        raise InputError(f"{flag} {target} would overwrite kg's own output {first} in {out}; choose another file")
