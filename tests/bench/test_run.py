"""The benchmark's report: each build's ratio is to its own jieba pass, and the median is per worker count."""

from __future__ import annotations

from bench.run import median, medians, table


def _run(workers: int, jieba: float, e2e: float) -> dict:
    timings = {"ingest+extract": e2e / 2, "extract": e2e / 4}
    return {"workers": workers, "jieba_seconds": jieba, "end_to_end": e2e, "timings": timings,
            "peak_tree_mb": 100.0, "recall": {"core_entities": 1.0, "core_relations": 0.5}}


def test_median_of_odd_and_even_counts() -> None:
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5


def test_each_ratio_uses_the_jieba_pass_of_its_own_pair() -> None:
    # a machine twice as slow in the second pair: the ratio stays 2 although the seconds double
    runs = [_run(1, 10.0, 20.0), _run(1, 20.0, 40.0), _run(1, 10.0, 50.0), _run(2, 10.0, 15.0)]
    assert medians(runs) == {1: 2.0, 2: 1.5}
    result = {"size": "1MB", "corpus": {"bytes": 1e6, "pages": 3, "articles": 9},
              "machine": {"loadavg": [0.5], "cores": 2}, "runs": runs, "median_ratio": medians(runs)}
    lines = table(result)
    assert lines[-2:] == ["median e2e/jieba with 1 worker(s): 2.00", "median e2e/jieba with 2 worker(s): 1.50"]
    assert any(" 20.00 " in line and " 40.00 " in line and " 2.00 " in line for line in lines)
