"""`kg export`: write a built graph (OUT/graph.jsonl, OUT/articles.jsonl) in other formats, on demand."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from kg.cli._format import warn_if_incomplete
from kg.cli._targets import check_target
from kg.errors import InputError, OutputError
from kg.export.formats import EXPORTERS, ExportFormat, check_destination, parse_formats
from kg.settings import DEFAULT_BASE_IRI, Settings, check_base_iri

STDOUT = "-"


def formats_or_usage(values: tuple[str, ...], flag: str) -> list[ExportFormat]:
    """The formats named in `values` (comma-separated and/or repeated); a usage error (exit 2) for an unknown one."""
    try:
        return parse_formats(values)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=flag) from None


def _write_stdout(out: Path, fmt: ExportFormat, base_iri: str) -> None:
    """The bytes of a single-file format on stdout; a reader that stops early (`| head`) is no error."""
    from kg.pipeline import export_to

    try:
        export_to(out, fmt, base_iri, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the interpreter's flush at exit would fail again


@click.command("export")
@click.argument("formats", nargs=-1, required=True, metavar="FORMAT…")
@click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Output folder of a previous `kg build` (graph.jsonl and articles.jsonl are read from it).")
@click.option("--file", "file", type=click.Path(path_type=Path, allow_dash=True), default=None,
              help="Write the one format here instead (a folder for neo4j-csv; not one of OUT's other outputs); "
                   "`-` writes a single-file format to stdout [default: the path under OUT the build uses].")
@click.option("--base-iri", default=None,
              help=f"Base of the IRIs in RDF formats, as given to the build [default: KG_BASE_IRI, else "
                   f"{DEFAULT_BASE_IRI}].")
def export_cmd(formats: tuple[str, ...], out: Path, file: Path | None, base_iri: str | None) -> None:
    """Export the graph of a build in FORMATs (comma-separated and/or several).

    \b
    Formats: ttl, nt, nq (one named graph per article), trig, jsonld, graphml,
    neo4j-csv (with import.sh), triples-csv / triples-tsv (one row per fact and evidence,
    spreadsheet-safe). Default paths: OUT/rdf/graph.ttl …, OUT/graph.graphml,
    OUT/neo4j-import/, OUT/triples.csv, OUT/triples.tsv.

    \b
    Example:
      kg export ttl triples-csv --out out/
      kg export graphml --out out/ --file ~/gephi/union.graphml
      kg export nt --file - | gzip > graph.nt.gz
    """
    chosen = formats_or_usage(formats, "FORMAT")
    if not chosen:
        raise click.BadParameter("name at least one format", param_hint="FORMAT")
    settings = Settings(out=out, **({} if base_iri is None else {"base_iri": check_base_iri(base_iri)}))
    if file is not None and len(chosen) > 1:
        raise InputError("--file takes one format; drop --file to write each to its path under OUT")
    if file is not None and str(file) == STDOUT and not EXPORTERS[chosen[0]].single_file:
        raise InputError(f"{chosen[0].value} is a folder of files; it cannot go to stdout (give --file DIR)")
    graph_path = out / "graph.jsonl"
    if not graph_path.is_file():
        raise InputError(f"{graph_path} not found: run `kg build --out {out}` first")
    warn_if_incomplete(out)
    if file is not None and str(file) == STDOUT:
        _write_stdout(out, chosen[0], settings.base_iri)
        return
    if file is not None and file.resolve() != (out / EXPORTERS[chosen[0]].default).resolve():
        check_target(out, file, "--file", "", reads=[graph_path, out / "articles.jsonl"])
    for fmt in chosen:
        check_destination(fmt, file if file is not None else out / EXPORTERS[fmt].default)
    from kg.pipeline import export  # the stages' imports, only once there is work to do

    try:
        export(out, chosen, settings.base_iri, file)
    except OSError as exc:
        raise OutputError(f"cannot write {exc.filename or out}: {exc.strerror or exc}") from exc
    for fmt in chosen:
        click.echo(f"wrote {fmt.value}: {file or out / EXPORTERS[fmt].default}")
