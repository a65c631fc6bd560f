"""`kg build`: read articles, extract, resolve and write every output."""

from __future__ import annotations

from pathlib import Path

import click

from kg.outputs import OUTPUTS
from kg.pipeline import build as run_build
from kg.settings import DEFAULT_BASE_IRI, Settings


@click.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Output folder.")
@click.option("--only", "only", multiple=True, type=click.Choice(list(OUTPUTS)),
              help="Write only these outputs (repeatable); default: all.")
@click.option("--base-iri", default=None, help=f"Base IRI for minted IRIs [default: {DEFAULT_BASE_IRI}].")
@click.option("--strict", is_flag=True, help="Fail on any warning (e.g. a skipped file).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or summary.")
def build(inputs: tuple[Path, ...], out: Path, only: tuple[str, ...], base_iri: str | None,
          strict: bool, quiet: bool) -> None:
    """Build the knowledge graph from text files or folders (default: seeds/).

    \b
    Example:
      kg build                      # seeds/ -> out/
      kg build corpus/ more.txt --out graph-out/
      kg build seeds/ --only articles --only graph
    """
    settings = Settings(out=out, strict=strict, progress=not quiet)
    if base_iri:
        settings = Settings(out=out, base_iri=base_iri, strict=strict, progress=not quiet)
    paths = list(inputs) or [Path("seeds")]
    _, summary = run_build(paths, settings, outputs=list(only) or None)
    if not quiet:
        for line in summary.lines():
            click.echo(line)
        click.echo(f"output folder: {out}")
