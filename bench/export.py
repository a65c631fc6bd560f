"""`kg export` of each format against a jieba pass over the same corpus (issue #20's target: ≤ 0.5× each).

    python -m bench.export --size 10MB          # → bench/results/export-10MB.json + table

Builds the corpus of bench.generate once (`kg build --only articles --only graph`, not timed), then times
one jieba pass and, for each format, one fresh-process `kg export FORMAT` into a folder holding only
graph.jsonl and articles.jsonl (the target removed first, so no run compares against an old file), with
its peak RSS; then a second jieba pass. Ratios are to the mean of the two jieba passes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import click

from bench.run import RESULTS, corpus, jieba_baseline, machine
from kg.export.formats import EXPORTERS, ExportFormat


def _built(pages: Path, out: Path) -> Path:
    """OUT with graph.jsonl and articles.jsonl of the corpus (built once, reused)."""
    if not (out / "graph.jsonl").is_file():
        subprocess.run([sys.executable, "-m", "kg", "build", str(pages), "--out", str(out), "-q",
                        "--only", "articles", "--only", "graph"], check=True)
    return out


def _time_export(out: Path, fmt: ExportFormat) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one fresh `kg export FORMAT` with its target removed first."""
    target = out / EXPORTERS[fmt].default
    if target.is_dir():
        shutil.rmtree(target)
    target.unlink(missing_ok=True)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "kg", "export", fmt.value, "--out", str(out)],
                            stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise click.ClickException(f"kg export {fmt.value} failed (status {status})")
    return seconds, usage.ru_maxrss / 1024


@click.command()
@click.option("--size", default="10MB", show_default=True, help="Corpus size (bench.generate).")
@click.option("--seed", default=1, show_default=True)
@click.option("--work", "root", type=click.Path(path_type=Path), default=Path("/tmp/kg-bench"), show_default=True)
def main(size: str, seed: int, root: Path) -> None:
    """Time each `kg export` format once against a jieba pass; write results/export-<size>.json."""
    folder = corpus(size, seed, root)
    out = _built(folder / "pages", root / f"export-out-{size}-seed{seed}")
    before = jieba_baseline(folder / "pages")
    runs = {fmt.value: _time_export(out, fmt) for fmt in ExportFormat}
    after = jieba_baseline(folder / "pages")
    jieba = (before + after) / 2
    result = {"size": size, "machine": machine(), "jieba_seconds": [before, after],
              "exports": {name: {"seconds": s, "ratio": s / jieba, "peak_mb": mb} for name, (s, mb) in runs.items()}}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"export-{size}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    click.echo(f"jieba passes: {before:.2f}s, {after:.2f}s")
    click.echo(f"{'format':12} {'seconds':>8} {'/jieba':>7} {'peak MB':>8}")
    for name, (s, mb) in runs.items():
        click.echo(f"{name:12} {s:8.2f} {s / jieba:7.2f} {mb:8.0f}")


if __name__ == "__main__":
    main()
