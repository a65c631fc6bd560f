"""The SHACL hub benchmark's input: one union with a fact per file, a graph that conforms."""

from __future__ import annotations

from pathlib import Path

from bench.shacl_hub import hub_texts, measure


def test_every_file_names_the_same_union_and_its_own_initiative() -> None:
    texts = hub_texts(300)
    assert len(set(texts)) == 300
    unions = {t.split("总工会", 1)[0] for t in texts}
    assert len(unions) == 1
    assert len({t.split("“", 1)[1].split("”", 1)[0] for t in texts}) == 300


def test_the_hub_graph_conforms_and_grows_with_the_files(tmp_path: Path) -> None:
    small, large = measure(40, tmp_path), measure(80, tmp_path)
    assert small["violations"] == large["violations"] == 0
    assert small["relations"] >= 80 and large["relations"] >= 2 * small["relations"] - 10
