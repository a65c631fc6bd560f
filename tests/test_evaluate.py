"""Scoring a graph.jsonl against gold: matching rules, aliases, ambiguity, symmetry, corpus union."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.evaluate import evaluate, load_gold

GOLD = [
    {
        "doc": "a.txt",
        "entities": [
            {"type": "UnionBody", "name": "甲市总工会", "aliases": ["甲市总", "市总"]},
            {"type": "UnionBody", "name": "乙市总工会", "aliases": ["市总"]},
            {"type": "Initiative", "name": "三心机制", "aliases": ["三心"]},
            {"type": "Region", "name": "甲市", "aliases": []},
            {"type": "Organization", "name": "丙公司", "aliases": []},
        ],
        "relations": [
            {"subject": "甲市总工会", "predicate": "runs", "object": "三心机制", "evidence": "…"},
            {"subject": "甲市总工会", "predicate": "located_in", "object": "甲市", "evidence": "…"},
            {"subject": "甲市总工会", "predicate": "partners_with", "object": "丙公司", "evidence": "…"},
        ],
    },
    {
        "doc": "b.txt",
        "entities": [
            {"type": "UnionBody", "name": "甲市总工会", "aliases": ["甲市总工会本部"]},
            {"type": "Initiative", "name": "三心机制", "aliases": []},
        ],
        "relations": [{"subject": "甲市总工会", "predicate": "runs", "object": "三心机制", "evidence": "…"}],
    },
]


def node(i: str, label: str, name: str, aliases: tuple[str, ...] = ()) -> dict:
    return {
        "type": "node",
        "id": i,
        "labels": [label],
        "properties": {"name": name, "aliases": list(aliases)},
    }


def rel(i: str, label: str, s: str, o: str) -> dict:
    return {
        "type": "relationship",
        "id": i,
        "label": label,
        "start": {"id": s, "labels": []},
        "end": {"id": o, "labels": []},
        "properties": {"confidence": 0.9, "evidence": []},
    }


PERFECT = [
    node("u1", "UnionBody", "甲市总工会"),
    node("u2", "UnionBody", "乙市总工会"),
    node("i1", "Initiative", "三心机制"),
    node("r1", "Region", "甲市"),
    node("o1", "Organization", "丙公司"),
    rel("x1", "RUNS", "u1", "i1"),
    rel("x2", "LOCATED_IN", "u1", "r1"),
    rel("x3", "PARTNERS_WITH", "u1", "o1"),
]


def write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def run(tmp_path: Path, graph: list[dict], gold: list[dict] = GOLD):
    return evaluate(write(tmp_path / "graph.jsonl", graph), [write(tmp_path / "gold.jsonl", gold)])


def test_corpus_union_merges_entities_and_dedups_relations(tmp_path):
    gold = load_gold([write(tmp_path / "gold.jsonl", GOLD)])
    assert sorted((e.type.value, e.name) for e in gold.entities) == [
        ("Initiative", "三心机制"),
        ("Organization", "丙公司"),
        ("Region", "甲市"),
        ("UnionBody", "乙市总工会"),
        ("UnionBody", "甲市总工会"),
    ]
    assert len(gold.facts) == 3
    jia = next(e for e in gold.entities if e.name == "甲市总工会")
    assert "甲市总工会本部" in jia.usable and "市总" not in jia.usable


def test_perfect_score(tmp_path):
    r = run(tmp_path, PERFECT)
    assert r.core_entities.f1 == 1.0 and r.core_relations.f1 == 1.0
    assert r.relations["partners_with"].tp == 1
    assert r.missed == [] and r.spurious == []


def test_one_missed_relation_and_one_spurious_entity(tmp_path):
    graph = [*PERFECT[:5], node("w1", "WorkerGroup", "骑手"), PERFECT[5], PERFECT[7]]
    r = run(tmp_path, graph)
    assert (r.relations["located_in"].tp, r.relations["located_in"].fn) == (0, 1)
    assert r.entities["WorkerGroup"].fp == 1
    assert r.core_relations.recall == pytest.approx(0.5)
    assert "relation located_in: UnionBody 甲市总工会 → Region 甲市" in r.missed
    assert "entity WorkerGroup: 骑手" in r.spurious


def test_alias_matches_and_relation_follows(tmp_path):
    graph = [
        node("u1", "UnionBody", "甲市总工会（本级）", ("甲市总",)),
        node(
            "i1",
            "Initiative",
            "“三心”",
        ),
        rel("x1", "RUNS", "u1", "i1"),
    ]
    r = run(tmp_path, graph)
    assert r.entities["UnionBody"].tp == 1 and r.entities["Initiative"].tp == 1
    assert r.relations["runs"].tp == 1


def test_ambiguous_alias_is_not_used(tmp_path):
    r = run(tmp_path, [node("u1", "UnionBody", "市总")])
    assert r.entities["UnionBody"].tp == 0 and r.entities["UnionBody"].fp == 1


def test_type_must_agree(tmp_path):
    r = run(tmp_path, [node("u1", "Organization", "甲市总工会")])
    assert r.entities["UnionBody"].tp == 0 and r.entities["Organization"].fp == 1


def test_traditional_and_full_width_names_match(tmp_path):
    r = run(tmp_path, [node("u1", "UnionBody", "甲市總工會"), node("i1", "Initiative", "《三心機制》")])
    assert r.entities["UnionBody"].tp == 1 and r.entities["Initiative"].tp == 1


def test_partners_with_is_symmetric(tmp_path):
    graph = [*PERFECT[:5], rel("x3", "PARTNERS_WITH", "o1", "u1")]
    assert run(tmp_path, graph).relations["partners_with"].tp == 1


def test_duplicate_prediction_counts_once(tmp_path):
    graph = [node("u1", "UnionBody", "甲市总工会"), node("u9", "UnionBody", "甲市总", ())]
    r = run(tmp_path, graph)
    assert (r.entities["UnionBody"].tp, r.entities["UnionBody"].fp) == (1, 1)


def test_missing_files_raise_input_error(tmp_path):
    with pytest.raises(InputError, match="not found"):
        evaluate(tmp_path / "graph.jsonl", [write(tmp_path / "gold.jsonl", GOLD)])
    with pytest.raises(InputError, match="not found"):
        evaluate(write(tmp_path / "graph.jsonl", PERFECT), [tmp_path / "nope.jsonl"])


def test_broken_gold_raises_input_error(tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"entities": [{"type": "Nope", "name": "x"}]}\n', encoding="utf-8")
    with pytest.raises(InputError, match="bad.jsonl:1"):
        load_gold([tmp_path / "bad.jsonl"])
    (tmp_path / "bad2.jsonl").write_text("not json\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad2.jsonl"):
        load_gold([tmp_path / "bad2.jsonl"])
