"""`kg stats`: counts per entity type and predicate from an output folder's graph.jsonl."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from kg.cli._format import warn_if_incomplete
from kg.errors import InputError
from kg.jsonlines import read_records


@click.command()
@click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Output folder of a previous `kg build`.")
def stats(out: Path) -> None:
    """Show entity and relation counts of a built graph.

    \b
    Example:
      kg stats --out out/
    """
    warn_if_incomplete(out)
    path = out / "graph.jsonl"
    if not path.exists():
        raise InputError(f"{path} not found: run `kg build --out {out}` first")
    nodes: Counter[str] = Counter()
    rels: Counter[str] = Counter()
    try:
        for number, rec in read_records(path):
            try:
                if rec["type"] == "node":
                    nodes.update(str(label) for label in rec["labels"])
                else:
                    rels[str(rec["label"])] += 1
            except (KeyError, TypeError) as exc:
                raise InputError(f"{path}:{number}: not a graph.jsonl record ({exc!s} missing)") from exc
    except InputError as exc:
        raise InputError(f"{exc}; run `kg build --out {out}` again if the file was cut short") from exc
    click.echo(f"nodes: {sum(nodes.values())}")
    for label, n in sorted(nodes.items()):
        click.echo(f"  {label:<14}{n}")
    click.echo(f"relationships: {sum(rels.values())}")
    for label, n in sorted(rels.items()):
        click.echo(f"  {label:<14}{n}")
