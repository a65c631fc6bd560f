"""Benchmark `kg build` against a jieba segmentation pass over the same corpus, in one run.

    python -m bench.run --size 10MB --workers 1 --workers 2

Generates (or reuses) the corpus of bench.generate; then for each worker count, `--repeat` times, one
`jieba.lcut` pass over all its text (dictionary loaded before timing) immediately followed by a
fresh-process `kg build` of every registered output (no cache) with its stage timings and peak RSS,
and the planted-fact recall via kg.evaluate. Each build's ratios are to the jieba pass just before
it, so slow drifts of a shared machine's speed cancel; the table gives every pair and, per worker
count, the median ratio. Writes bench/results/<size>.json.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import click

from bench.generate import generate, parse_size
from bench.memory import TreeSampler
from kg.evaluate import evaluate
from kg.outputs import OUTPUTS

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, object]:
    """What the figures were measured on (the load average says how shared the machine was)."""
    model = ""
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"cpu": model or platform.processor(), "cores": os.cpu_count(), "python": platform.python_version(),
            "system": platform.platform(), "loadavg": list(os.getloadavg())}


def corpus(size: str, seed: int, root: Path) -> Path:
    """The generated corpus folder for (size, seed), generated once and reused."""
    folder = root / f"corpus-{size}-seed{seed}"
    if not (folder / "truth.jsonl").is_file():
        generate(parse_size(size), folder, seed)
    return folder


def texts(pages: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(pages.glob("*.txt"))]


def jieba_baseline(pages: Path) -> float:
    """Seconds of one `jieba.lcut` pass over every page (dictionary loaded first, reading not timed)."""
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    docs = texts(pages)
    start = time.perf_counter()
    for text in docs:
        jieba.lcut(text)
    return time.perf_counter() - start


def run_build(pages: Path, out: Path, workers: int, outputs: list[str]) -> dict[str, object]:
    """One `kg build` in a fresh process (bench.child): wall time, stage timings, peak RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bench.child", str(pages), str(out), str(workers), *outputs],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - start
    peak = sampler.stop()
    if proc.returncode != 0:
        raise click.ClickException(f"kg build failed: {stderr.strip().splitlines()[-1:]}")
    result = json.loads(stdout)
    result["end_to_end"] = wall
    result["peak_tree_mb"] = peak
    return result


def recall(out: Path, truth: Path) -> dict[str, float]:
    report = evaluate(out / "graph.jsonl", [truth]).as_dict()["micro"]
    return {k: round(v["recall"], 4) for k, v in report.items()} | {
        f"{k}_precision": round(v["precision"], 4) for k, v in report.items()}


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def medians(runs: list[dict]) -> dict[int, float]:
    """The median end-to-end ratio to its own jieba pass, per worker count."""
    by_workers: dict[int, list[float]] = {}
    for run in runs:
        by_workers.setdefault(run["workers"], []).append(run["end_to_end"] / run["jieba_seconds"])
    return {n: round(median(ratios), 3) for n, ratios in by_workers.items()}


def table(result: dict) -> list[str]:
    lines = [f"corpus {result['size']} ({result['corpus']['bytes'] / 1e6:.1f} MB, {result['corpus']['pages']} pages, "
             f"{result['corpus']['articles']} articles); load average at start {result['machine']['loadavg'][0]:.2f} "
             f"on {result['machine']['cores']} cores",
             f"{'workers':>7} {'jieba s':>8} {'e2e s':>8} {'e2e/jieba':>9} {'ing+ext s':>9} {'ing+ext/jieba':>13} "
             f"{'extract/jieba':>13} {'peak MB':>8} {'recall ent/rel':>15}"]
    for run in result["runs"]:
        t, base = run["timings"], run["jieba_seconds"]
        lines.append(f"{run['workers']:>7} {base:>8.2f} {run['end_to_end']:>8.2f} {run['end_to_end'] / base:>9.2f} "
                     f"{t['ingest+extract']:>9.2f} {t['ingest+extract'] / base:>13.2f} "
                     f"{t['extract'] / base:>13.2f} "
                     f"{run.get('peak_tree_mb') or max(run['peak_rss_mb'], run['peak_rss_workers_mb']):>8.0f} "
                     f"{run['recall']['core_entities']:>7.3f}/{run['recall']['core_relations']:.3f}")
        lines.append("        stages: " + "  ".join(f"{k} {v:.2f}" for k, v in t.items()))
    lines += [f"median e2e/jieba with {n} worker(s): {ratio:.2f}" for n, ratio in result["median_ratio"].items()]
    return lines


@click.command()
@click.option("--size", default="10MB", show_default=True, help="Corpus size (1MB, 10MB, 100MB).")
@click.option("--workers", "workers", multiple=True, type=int, help="Worker counts to run (repeatable) [default: 1].")
@click.option("--skip", multiple=True, type=click.Choice(list(OUTPUTS)),
              help="Leave out this output (repeatable; recorded in the results).")
@click.option("--repeat", default=1, show_default=True, type=click.IntRange(min=1),
              help="(jieba pass, build) pairs per worker count.")
@click.option("--seed", default=1, show_default=True)
@click.option("--work", type=click.Path(path_type=Path), default=Path("/tmp/kg-bench"), show_default=True,
              help="Where corpora and build outputs go.")
@click.option("--results", type=click.Path(path_type=Path), default=RESULTS, show_default=True)
def main(size: str, workers: tuple[int, ...], skip: tuple[str, ...], repeat: int, seed: int, work: Path,
         results: Path) -> None:
    """Time kg build (end to end and per stage) against a jieba pass just before it; write results/<size>.json.

    extract/jieba is the extract stage alone (seconds summed over workers); ing+ext is wall time.

    \b
    Example:
      python -m bench.run --size 10MB --workers 1 --workers 2 --repeat 3
      python -m bench.run --size 100MB --workers 2 --skip shacl
    """
    folder = corpus(size, seed, work)
    outputs = [o for o in OUTPUTS if o not in skip]
    counts = {"pages": len(list((folder / "pages").glob("*.txt"))),
              "articles": sum(1 for _ in (folder / "truth.jsonl").open(encoding="utf-8")),
              "bytes": sum(p.stat().st_size for p in (folder / "pages").glob("*.txt"))}
    result: dict[str, object] = {"size": size, "seed": seed, "machine": machine(), "corpus": counts,
                                 "outputs": outputs, "skipped_outputs": list(skip), "repeat": repeat}
    runs: list[dict] = []
    for n in workers or (1,):
        for _ in range(repeat):
            base = jieba_baseline(folder / "pages")
            out = work / f"out-{size}-w{n}"
            run = run_build(folder / "pages", out, n, outputs)
            run["workers"], run["jieba_seconds"] = n, base
            run["recall"] = recall(out, folder / "truth.jsonl")
            runs.append(run)
    result["runs"] = runs
    result["jieba_seconds"] = median([run["jieba_seconds"] for run in runs])
    result["median_ratio"] = medians(runs)
    result["machine"]["loadavg_end"] = list(os.getloadavg())  # type: ignore[index]
    results.mkdir(parents=True, exist_ok=True)
    (results / f"{size}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for line in table(result):
        click.echo(line)


if __name__ == "__main__":
    main()
