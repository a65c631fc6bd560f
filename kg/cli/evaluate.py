"""`kg eval`: score a built graph against gold files (precision/recall/F1 per type and predicate)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kg.cli._format import OutputFormat, format_rows
from kg.cli._targets import check_target
from kg.errors import InputError, OutputError
from kg.evaluate import TABLE_COLUMNS, evaluate, table_rows
from kg.runtime.atomic import write_text
from kg.runtime.lock import writing_into


def _gold_files(paths: tuple[Path, ...]) -> list[Path]:
    """Gold files as given; a folder stands for the *.jsonl files in it."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(p.glob("*.jsonl"))
        elif p.is_file():
            out.append(p)
        else:
            raise InputError(f"gold file not found: {p}")
    if not out:
        raise InputError("no gold files found in " + ", ".join(map(str, paths)))
    return out


@click.command("eval")
@click.argument("gold", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Output folder of a previous `kg build` (reads OUT/graph.jsonl).")
@click.option("--errors", is_flag=True, help="Also list the missed and spurious entities and relations.")
@click.option("--json", "json_path", type=click.Path(path_type=Path), default=None,
              help="Where to write the scores as JSON (not one of OUT's other outputs nor a gold file) "
                   "[default: OUT/eval.json].")
def eval_cmd(gold: tuple[Path, ...], out: Path, errors: bool, json_path: Path | None) -> None:
    """Score OUT/graph.jsonl against GOLD files (JSON lines, one article per line).

    \b
    Example:
      kg eval ../shared/gold/seeds/*.jsonl --out out/ --errors
    """
    graph = out / "graph.jsonl"
    if not graph.is_file():
        raise InputError(f"{graph} not found: run `kg build --out {out}` first")
    target = json_path or out / "eval.json"
    gold_files = _gold_files(gold)
    check_target(out, target, "--json", "eval.json", reads=[graph, *gold_files])
    with writing_into(out, target):  # before scoring: beside a running build, fail before printing anything
        report = evaluate(graph, gold_files)
        click.echo(format_rows(TABLE_COLUMNS, table_rows(report), OutputFormat.TABLE))
        if errors:
            click.echo(f"\nmissed ({len(report.missed)}):")
            click.echo("\n".join(f"  - {m}" for m in report.missed) or "  (none)")
            click.echo(f"\nspurious ({len(report.spurious)}):")
            click.echo("\n".join(f"  + {s}" for s in report.spurious) or "  (none)")
        try:
            write_text(target, json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n")
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    click.echo(f"scores written to {target}")
