"""Time the SHACL validation of a graph where one entity has many facts: N tiny files, each a sentence
in which the same union runs an initiative of its own.

    python -m bench.shacl_hub --files 2500 --files 5000 --files 10000   # → bench/results/shacl-hub.json

For each N the files are written to a temporary folder and built in this process (not timed); then
the build's SHACL step is timed as `kg build --only shacl` runs it (kg.rdf.validate.validate_graph
over the graph's RDF terms, made first, untimed): the Python core checks and the sh:sparql queries on
Oxigraph. Issue #23: with every fact about one union the FactCoverage query grew with the square of N
(3.8 s at 2,500 files, 52.9 s at 10,000); linear, each doubling of N about doubles the time.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import click

from bench.generate import BRAND_SYLLABLES, INIT_HEADS, Places
from bench.run import RESULTS, machine
from kg.pipeline import build_graph
from kg.rdf.convert import to_rdf
from kg.rdf.validate import project_shapes, validate_graph

BASE_IRI = "https://w3id.org/ukg/"


def _name(k: int) -> str:
    """A distinct three-syllable initiative core for each k < len(BRAND_SYLLABLES) ** 3."""
    n = len(BRAND_SYLLABLES)
    return BRAND_SYLLABLES[k % n] + BRAND_SYLLABLES[k // n % n] + BRAND_SYLLABLES[k // n // n % n]


def hub_texts(count: int) -> list[str]:
    """`count` one-sentence documents: the same city federation runs a different quoted initiative in each."""
    if count > len(BRAND_SYLLABLES) ** 3:
        raise click.BadParameter(f"at most {len(BRAND_SYLLABLES) ** 3} files")
    city = Places.load().cities[0][0].name
    return [f"{city}总工会推出“{_name(k)}”{INIT_HEADS[k % len(INIT_HEADS)]},为快递员提供休息、饮水服务。\n"
            for k in range(count)]


def write_files(count: int, folder: Path) -> Path:
    """The documents of `hub_texts(count)` as files under folder/hub-<count>/."""
    target = folder / f"hub-{count}"
    target.mkdir(parents=True, exist_ok=True)
    for k, text in enumerate(hub_texts(count)):
        (target / f"doc_{k:05d}.txt").write_text(text, encoding="utf-8")
    return target


def measure(count: int, work: Path) -> dict[str, float | int]:
    """Build the files of `count` (untimed), then time SHACL on the graph's RDF."""
    graph = build_graph([write_files(count, work)])
    data = to_rdf(graph, BASE_IRI)
    project_shapes()
    start, cpu = time.perf_counter(), time.process_time()
    result = validate_graph(data)
    return {"files": count, "relations": len(graph.relations), "triples": data.triple_count(),
            "violations": result.violations, "shacl_seconds": time.perf_counter() - start,
            "shacl_cpu_seconds": time.process_time() - cpu}


@click.command()
@click.option("--files", "counts", multiple=True, type=click.IntRange(min=1),
              help="Number of files (repeatable) [default: 2500, 5000, 10000].")
@click.option("--results", type=click.Path(path_type=Path), default=RESULTS, show_default=True)
def main(counts: tuple[int, ...], results: Path) -> None:
    """Time SHACL validation of a graph whose facts all share one union, at several sizes.

    \b
    Example:
      python -m bench.shacl_hub --files 2500 --files 5000 --files 10000
    """
    rows, at_start = [], machine()
    with tempfile.TemporaryDirectory(prefix="kg-shacl-hub-") as tmp:
        for count in counts or (2500, 5000, 10000):
            rows.append(measure(count, Path(tmp)))
            row = rows[-1]
            growth = (f"  x{row['shacl_seconds'] / rows[-2]['shacl_seconds']:.2f} for x{count / rows[-2]['files']:.1f} "
                      "the files") if len(rows) > 1 else ""
            click.echo(f"{count:>6} files {row['relations']:>6} relations {row['triples']:>7} triples: "
                       f"shacl {row['shacl_seconds']:.2f} s (CPU {row['shacl_cpu_seconds']:.2f} s), "
                       f"{row['violations']} violation(s){growth}")
    results.mkdir(parents=True, exist_ok=True)
    out = {"machine": at_start | {"loadavg_end": list(os.getloadavg())}, "runs": rows}
    (results / "shacl-hub.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
