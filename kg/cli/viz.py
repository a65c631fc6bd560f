"""`kg viz`: write an interactive HTML page of a built graph, whole or around one entity."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli._format import warn_if_incomplete
from kg.cli._targets import check_target
from kg.export.html import find_entity, neighbourhood, only_types, write_page
from kg.export.jsonl import read_graph
from kg.model import EntityType
from kg.runtime.lock import writing_into

_TYPES = {t.value.lower(): t for t in EntityType}


def _parse_types(values: tuple[str, ...]) -> list[EntityType]:
    """Entity types from repeated and/or comma-separated --types values (case-insensitive)."""
    names = [v.strip() for value in values for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n.lower() not in _TYPES]
    if unknown:
        raise click.BadParameter(
            f"unknown type {unknown[0]!r}; choose from {', '.join(t.value for t in EntityType)}",
            param_hint="--types",
        )
    return sorted({_TYPES[n.lower()] for n in names}, key=list(EntityType).index)


@click.command()
@click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Output folder of a previous `kg build` (graph.jsonl is read from it).")
@click.option("-f", "--focus", metavar="NAME",
              help="Show the neighbourhood of the entity with this name or alias.")
@click.option("-d", "--depth", type=click.IntRange(1, 6), default=1, show_default=True,
              help="Relations to follow from the focus entity.")
@click.option("-t", "--types", "types", multiple=True, metavar="TYPE",
              help="Keep only these entity types (repeatable or comma-separated), e.g. UnionBody,Initiative.")
@click.option("--file", "file", type=click.Path(path_type=Path), default=None,
              help="Page to write (not one of OUT's other outputs) [default: OUT/graph.html, or "
                   "OUT/focus-<id>-d<depth>.html with --focus].")
def viz(out: Path, focus: str | None, depth: int, types: tuple[str, ...], file: Path | None) -> None:
    """Write an interactive, self-contained HTML view of the graph.

    \b
    Example:
      kg viz --out out/                          # whole graph -> out/graph.html
      kg viz --focus 杭州市总工会 --depth 2       # one union body's neighbourhood
      kg viz --focus 市总 --types UnionBody,Initiative --file view.html
    """
    warn_if_incomplete(out)
    if file is not None:
        check_target(out, file, "--file", "graph.html")
    wanted = _parse_types(types)
    graph = read_graph(out)
    suffix = "-".join(t.value for t in wanted)
    kinds = f" · {', '.join(t.value for t in wanted)}" if wanted else ""
    center = ""
    if focus:
        entity = find_entity(graph, focus)
        center = entity.id
        view = neighbourhood(graph, entity.id, depth, wanted)
        title = f"{entity.name} · depth {depth}{kinds}"
        default = out / f"focus-{entity.id}-d{depth}{'-' + suffix if suffix else ''}.html"
    else:
        view = only_types(graph, wanted)
        title = f"kg knowledge graph{kinds}"
        default = out / (f"graph-{suffix}.html" if suffix else "graph.html")
    target = file or default
    with writing_into(out, target):
        path = write_page(view, target, title, center)
    click.echo(f"wrote {path} ({len(view.entities)} entities, {len(view.relations)} relations)")
