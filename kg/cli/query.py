"""`kg query sparql|cypher`: run a query against the embedded stores of a build."""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from kg.cli._format import OutputFormat, format_rows, warn_if_incomplete
from kg.errors import InputError

# engine -> "module:function" taking (out_dir, query_text) and returning (columns, rows).
ENGINES: dict[str, str] = {
    "sparql": "kg.stores.oxigraph_store:run_query",
    "cypher": "kg.stores.ladybug_store:run_query",
}


def _query_text(query: str | None, file: Path | None) -> str:
    if file is not None:
        try:
            return file.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read query file {file}: {exc.strerror or exc}") from exc
    if not query:
        raise InputError("give a query as an argument or with --file")
    return query


def _command(engine: str, example: str) -> click.Command:
    @click.command(name=engine, help=f"Run a {engine.upper()} query on the built graph.\n\n\b\nExample:\n  {example}")
    @click.argument("query", required=False)
    @click.option("-f", "--file", type=click.Path(path_type=Path, dir_okay=False), help="Read the query from a file.")
    @click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
                  help="Output folder of a previous `kg build`.")
    @click.option("--format", "fmt", type=click.Choice([f.value for f in OutputFormat]), default="table",
                  show_default=True, help="How to print the result (csv: a text cell starting with = + - @ "
                                          "gets a leading ' so a spreadsheet shows it as text; json: exact).")
    def run(query: str | None, file: Path | None, out: Path, fmt: str) -> None:
        warn_if_incomplete(out)
        module, attr = ENGINES[engine].split(":")
        columns, rows = getattr(importlib.import_module(module), attr)(out, _query_text(query, file))
        click.echo(format_rows(columns, rows, OutputFormat(fmt)))

    return run


@click.group()
def query() -> None:
    """Query the embedded stores (SPARQL on Oxigraph, Cypher on LadybugDB).

    \b
    Example:
      kg query sparql --file queries/q01_initiatives_in_province.rq
      kg query cypher 'MATCH (u:UnionBody) RETURN u.name LIMIT 5' --format csv
    """


query.add_command(_command("sparql", "kg query sparql 'SELECT ?s WHERE { ?s a ?c } LIMIT 5'"))
query.add_command(_command("cypher", "kg query cypher 'MATCH (n:UnionBody) RETURN n.name LIMIT 5'"))
