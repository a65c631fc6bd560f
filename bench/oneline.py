"""Time `kg build` on text with no article breaks: the generated corpus written on one line.

    python -m bench.oneline --size 10MB                  # one line
    python -m bench.oneline --size 10MB --layout lines   # paragraphs on single newlines

The pages of bench.generate are joined into one file with no blank line: either all on one line
(paragraphs and pages joined by a space) or one paragraph per line. Segmentation finds no article
break in it, so the build's cost per article must not grow with the article's length (issue #23:
extraction was quadratic in it, and a 30 MB one-line file finished no document in 11 minutes).
The build (articles output only, no cache) runs in a fresh process; writes
bench/results/oneline-<size>-<layout>.json with the stage timings.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from bench.generate import pages, parse_size
from bench.run import RESULTS, machine, run_build

LAYOUTS = {"line": " ", "lines": "\n"}


def breakless_text(size: int, seed: int, layout: str) -> str:
    """About `size` bytes of generated pages with no blank line: paragraphs joined by LAYOUTS[layout]."""
    sep = LAYOUTS[layout]
    parts: list[str] = []
    written = 0
    for _, _, text in pages(size, seed):
        part = sep.join(line for line in text.split("\n") if line.strip())
        parts.append(part)
        written += len(part.encode("utf-8")) + 1
        if written >= size:
            break
    return sep.join(parts)


def breakless_file(size: str, seed: int, layout: str, root: Path) -> Path:
    """The file for (size, seed, layout), written once and reused."""
    path = root / f"oneline-{size}-{layout}-seed{seed}.txt"
    if not path.is_file():
        root.mkdir(parents=True, exist_ok=True)
        path.write_text(breakless_text(parse_size(size), seed, layout), encoding="utf-8", newline="\n")
    return path


@click.command()
@click.option("--size", default="10MB", show_default=True, help="File size (1MB, 10MB, 400KB).")
@click.option("--layout", type=click.Choice(sorted(LAYOUTS)), default="line", show_default=True,
              help="line: everything on one line; lines: one paragraph per line, no blank line.")
@click.option("--workers", default=0, show_default=True, type=click.IntRange(min=0),
              help="Extraction processes (0 = in the build process).")
@click.option("--seed", default=1, show_default=True)
@click.option("--work", type=click.Path(path_type=Path), default=Path("/tmp/kg-bench"), show_default=True,
              help="Where the file and the build output go.")
@click.option("--results", type=click.Path(path_type=Path), default=RESULTS, show_default=True)
def main(size: str, layout: str, workers: int, seed: int, work: Path, results: Path) -> None:
    """Time ingest + extract of a file without article breaks; write results/oneline-<size>-<layout>.json.

    \b
    Example:
      python -m bench.oneline --size 10MB
      python -m bench.oneline --size 1MB --layout lines
    """
    path = breakless_file(size, seed, layout, work)
    at_start = machine()
    run = run_build(path, work / f"out-oneline-{size}-{layout}", workers, ["articles"])
    result = {"size": size, "layout": layout, "seed": seed, "workers": workers, "machine": at_start,
              "bytes": path.stat().st_size, "run": run}
    result["machine"]["loadavg_end"] = list(os.getloadavg())
    results.mkdir(parents=True, exist_ok=True)
    (results / f"oneline-{size}-{layout}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    t = run["timings"]
    click.echo(f"{size} on {'one line' if layout == 'line' else 'single newlines'} ({result['bytes'] / 1e6:.1f} MB): "
               f"{run['articles']} articles, {run['documents']} document part(s)")
    click.echo(f"ingest+extract {t['ingest+extract']:.2f} s (ingest {t['ingest']:.2f}, extract {t['extract']:.2f}); "
               f"end to end {run['end_to_end']:.2f} s; peak {run['peak_tree_mb']:.0f} MB")


if __name__ == "__main__":
    main()
