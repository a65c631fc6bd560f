"""`kg validate`: check a built graph against the SHACL shapes (schema/shapes.ttl)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli._format import warn_if_incomplete


@click.command()
@click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Output folder of a previous `kg build`.")
def validate(out: Path) -> None:
    """Validate OUT/rdf/graph.nt against schema/shapes.ttl; exit 1 when there are violations.

    \b
    Example:
      kg validate --out out/
    """
    warn_if_incomplete(out)
    from kg.rdf.validate import validate_out

    result, report = validate_out(out)
    click.echo(f"SHACL: {result.violations} violation(s); conforms: {str(result.conforms).lower()}")
    click.echo(f"details: {report}")
    if not result.conforms:
        sys.exit(1)
