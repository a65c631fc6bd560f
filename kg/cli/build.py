"""`kg build`: read articles, extract, resolve and write every output."""

from __future__ import annotations

from pathlib import Path

import click
from tqdm.contrib.logging import logging_redirect_tqdm

from kg.cli.export import formats_or_usage
from kg.export.formats import ExportFormat
from kg.outputs import OUTPUTS
from kg.pipeline import build as run_build
from kg.settings import DEFAULT_BASE_IRI, Engine, Settings, check_base_iri, default_workers


@click.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Output folder.")
@click.option("--only", "only", multiple=True, type=click.Choice(list(OUTPUTS)),
              help="Write only these outputs (repeatable); default: all.")
@click.option("--export", "exports", multiple=True, metavar="FORMAT[,FORMAT…]",
              help="After the build, also export these formats into OUT as `kg export` does (repeatable or "
                   "comma-separated): " + ", ".join(f.value for f in ExportFormat) + ".")
@click.option("--base-iri", default=None,
              help=f"Base of the IRIs kg mints: absolute, ending with / or # [default: KG_BASE_IRI, else "
                   f"{DEFAULT_BASE_IRI}].")
@click.option("--strict", is_flag=True,
              help="Fail (exit 2) on any warning: a skipped file, a document without articles, a cache write error.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or summary.")
@click.option("-j", "--workers", type=click.IntRange(min=0), default=None,
              help=f"Extraction processes (0 = in this process) [default: the machine's cores, {default_workers()}].")
@click.option("--engine", type=click.Choice([e.value for e in Engine]), default=Engine.LOCAL.value,
              show_default=True, help="Run extraction in local processes or on a Dask cluster.")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="dask.distributed scheduler address (with --engine dask), e.g. tcp://10.0.0.5:8786; "
                   "default: a local cluster of --workers processes.")
@click.option("--no-cache", "no_cache", is_flag=True,
              help="Extract every document again (ignore and do not write OUT/.cache/).")
@click.option("--follow-links", "follow_links", is_flag=True,
              help="Read symlinked folders that lead out of an input folder (skipped by default).")
def build(inputs: tuple[Path, ...], out: Path, only: tuple[str, ...], exports: tuple[str, ...], base_iri: str | None,
          strict: bool, quiet: bool, workers: int | None, engine: str, scheduler: str | None,
          no_cache: bool, follow_links: bool) -> None:
    """Build the knowledge graph from text files or folders (default: seeds/).

    Unusable files (empty, binary, unreadable, symlink loops…) are skipped with a one-line warning and
    listed with the reason in the summary. A very large file is streamed and cut at page breaks into parts
    of about a million characters, with document ids FILE#char=START,END.

    \b
    Example:
      kg build                      # seeds/ -> out/
      kg build corpus/ more.txt --out graph-out/
      kg build seeds/ --only articles --only graph
      kg build corpus/ --workers 4             # unchanged documents come from OUT/.cache/
      kg build corpus/ --strict                # exit 2 if any file is skipped or any warning is logged
      kg build corpus/ --engine dask --scheduler tcp://10.0.0.5:8786
      kg build corpus/ --export ttl,graphml --export triples-csv
    """
    if scheduler and engine != Engine.DASK:
        raise click.UsageError("--scheduler needs --engine dask")
    formats = formats_or_usage(exports, "--export")
    iri = {} if base_iri is None else {"base_iri": check_base_iri(base_iri, "--base-iri")}
    settings = Settings(out=out, strict=strict, progress=not quiet, workers=workers, engine=Engine(engine),
                        scheduler=scheduler, cache=not no_cache, follow_links=follow_links, **iri)
    paths = list(inputs) or [Path("seeds")]
    with logging_redirect_tqdm():  # a warning printed during a progress bar gets a line of its own
        _, summary = run_build(paths, settings, outputs=list(only) or None, exports=formats)
    if not quiet:
        for line in summary.lines():
            click.echo(line)
        click.echo(f"output folder: {out}")

