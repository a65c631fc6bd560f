"""Extraction engines: one or several local workers and a Dask cluster give the in-process build byte for byte."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.generate import generate
from kg.errors import StoreError
from kg.pipeline import build
from kg.runtime.parallel import ordered_map, start
from kg.settings import Engine, Settings

FAST = ["articles", "graph"]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    generate(60_000, root, seed=7)
    return root / "pages"


def _outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / f"{name}.jsonl").read_bytes() for name in FAST}


@pytest.fixture(scope="module")
def in_process(pages: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("w1")
    _, summary = build([pages], Settings(out=out, progress=False, workers=0, cache=False), FAST)
    assert summary.documents > 8 and summary.relations
    return _outputs(out)


def _square(x: int) -> int:
    return x * x


@pytest.mark.parametrize("workers", [0, 1, 2])
def test_ordered_map_reports_every_item_once(workers: int, tmp_path: Path) -> None:
    got: dict[int, int] = {}

    def on_result(i: int, r: int) -> None:
        assert i not in got
        got[i] = r

    with start(Settings(out=tmp_path, workers=workers), warm=lambda split: None) as runner:
        ordered_map(runner, _square, iter(enumerate(range(37))), on_result)
    assert got == {i: i * i for i in range(37)}


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one worker runs in-process on a single core")
def test_one_worker_extracts_beside_segmentation(pages: Path, in_process: dict[str, bytes], tmp_path: Path) -> None:
    _, summary = build([pages], Settings(out=tmp_path, progress=False, workers=1, cache=False), FAST)
    assert any("1 worker extracting while this process segments" in n for n in summary.notes)
    assert summary.timings["ingest"] > 0 and summary.timings["extract"] > 0
    assert _outputs(tmp_path) == in_process


def test_two_workers_equal_one(pages: Path, in_process: dict[str, bytes], tmp_path: Path) -> None:
    _, summary = build([pages], Settings(out=tmp_path, progress=False, workers=2, cache=False), FAST)
    assert any("2 workers" in n for n in summary.notes)
    assert _outputs(tmp_path) == in_process


def test_dask_local_cluster_equals_local(pages: Path, in_process: dict[str, bytes], tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        settings = Settings(out=tmp_path, progress=False, engine=Engine.DASK,
                            scheduler=cluster.scheduler_address, cache=False)
        _, summary = build([pages], settings, FAST)
    assert any("dask, 2 workers" in n for n in summary.notes)
    assert _outputs(tmp_path) == in_process


def test_unreachable_scheduler_is_a_clear_error(pages: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    settings = Settings(out=tmp_path, progress=False, engine=Engine.DASK, scheduler="tcp://127.0.0.1:9", cache=False)
    with pytest.raises(StoreError, match="cannot reach the Dask scheduler"):
        build([pages], settings, FAST)
