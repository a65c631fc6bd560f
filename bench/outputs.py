"""The CPU each output costs on its own, and the floor that puts under the outputs phase.

    python -m bench.outputs --size 10MB        # → bench/results/outputs-10MB.json + table

Builds the graph once in this process (not timed), then runs each shared derivation and each writer
alone in a forked child, one at a time on an otherwise idle machine: the child makes the derivation
its writer reads first (untimed), then times the writer — wall seconds and CPU seconds of the child,
its threads included. The CPU summed over every item, divided by the cores, is the least wall time
the outputs phase of `kg build` can take here however its work is arranged; bench.run measures what
it does take.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Callable
from pathlib import Path

import click

from bench.run import RESULTS, corpus, machine
from kg.model import KnowledgeGraph
from kg.outputs import BACKGROUND, OUTPUTS, get_writer, prepare_shared
from kg.pgraph import to_property_graph
from kg.pipeline import BuildSummary, extract_documents
from kg.runtime import gcpause
from kg.settings import Settings

Derivation = Callable[[KnowledgeGraph, Settings], object]


def _pgraph_rows(graph: KnowledgeGraph, _settings: Settings) -> object:
    return to_property_graph(graph)


DERIVATIONS: dict[str, Derivation] = {"RDF terms": prepare_shared, "property-graph rows": _pgraph_rows}
"""What several writers share (made once per build), by the name the table shows."""

NEEDS: dict[str, Derivation] = {
    **{name: prepare_shared for group in BACKGROUND for name in group},
    **dict.fromkeys(("neo4j_csv", "graphml", "ladybug"), _pgraph_rows),
}
"""Writer → the derivation it reads (made untimed before the writer is timed)."""


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _alone(run: Callable[[], object], before: Callable[[], object] | None) -> dict[str, float]:
    """Wall and CPU seconds of `run` in a forked child (after `before`, untimed)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, report on the pipe, leave without running the parent's cleanup
        code = 0
        try:
            os.close(read)
            if before is not None:
                before()
            cpu, wall = _cpu(), time.perf_counter()
            run()
            report = {"wall": time.perf_counter() - wall, "cpu": _cpu() - cpu}
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises
            report, code = {"error": f"{type(exc).__name__}: {exc}"}, 1
        os.write(write, json.dumps(report).encode())
        os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        report = json.loads(pipe.read() or b'{"error": "no report"}')
    os.waitpid(pid, 0)
    if "error" in report:
        raise click.ClickException(report["error"])
    return {k: round(v, 3) for k, v in report.items()}


def measure(graph: KnowledgeGraph, settings: Settings, names: list[str]) -> dict[str, dict[str, float]]:
    """Wall and CPU seconds of each derivation and each named writer, each alone."""
    items: dict[str, dict[str, float]] = {}
    for label, derive in DERIVATIONS.items():
        items[label] = _alone(lambda derive=derive: derive(graph, settings), None)  # type: ignore[misc]
    for name in names:
        writer, need = get_writer(name), NEEDS.get(name)
        before = None if need is None else (lambda need=need: need(graph, settings))  # type: ignore[misc]
        items[name] = _alone(lambda writer=writer: writer(graph, settings), before)  # type: ignore[misc]
    return items


def table(result: dict) -> list[str]:
    items, cores = result["items"], result["machine"]["cores"]
    lines = [f"corpus {result['size']}: {result['entities']} entities, {result['relations']} relations",
             f"{'item':<22} {'wall s':>7} {'cpu s':>7}"]
    lines += [f"{name:<22} {v['wall']:>7.2f} {v['cpu']:>7.2f}" for name, v in items.items()]
    lines.append(f"{'total':<22} {result['wall']:>7.2f} {result['cpu']:>7.2f}")
    lines.append(f"floor of the outputs phase on {cores} cores: {result['cpu'] / cores:.2f} s")
    return lines


@click.command()
@click.option("--size", default="10MB", show_default=True, help="Corpus size (1MB, 10MB, 100MB).")
@click.option("--only", "only", multiple=True, type=click.Choice(list(OUTPUTS)),
              help="Measure only these writers (repeatable); default: all.")
@click.option("--seed", default=1, show_default=True)
@click.option("--work", type=click.Path(path_type=Path), default=Path("/tmp/kg-bench"), show_default=True,
              help="Where corpora and the outputs go.")
@click.option("--results", type=click.Path(path_type=Path), default=RESULTS, show_default=True)
def main(size: str, only: tuple[str, ...], seed: int, work: Path, results: Path) -> None:
    """Time each output of `kg build` alone (wall and CPU); write results/outputs-<size>.json.

    \b
    Example:
      python -m bench.outputs --size 10MB
      python -m bench.outputs --size 1MB --only shacl --only oxigraph
    """
    folder = corpus(size, seed, work)
    settings = Settings(out=work / f"out-{size}-outputs", progress=False, workers=0, cache=False)
    settings.out.mkdir(parents=True, exist_ok=True)
    with gcpause.paused():
        articles, collector = extract_documents([folder / "pages"], settings, BuildSummary())
        graph = collector.graph(articles)
        items = measure(graph, settings, list(only or OUTPUTS))
    result = {"size": size, "seed": seed, "machine": machine(), "entities": len(graph.entities),
              "relations": len(graph.relations), "items": items,
              "wall": round(sum(v["wall"] for v in items.values()), 3),
              "cpu": round(sum(v["cpu"] for v in items.values()), 3)}
    results.mkdir(parents=True, exist_ok=True)
    (results / f"outputs-{size}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                                                  encoding="utf-8")
    for line in table(result):
        click.echo(line)


if __name__ == "__main__":
    main()
