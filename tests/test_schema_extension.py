"""Adding an entity type and a predicate to a copy of schema/ (ontology.ttl and one lexicon file, no code)
carries them through `kg build` into every output, the HTML legend, SHACL, the queries and `kg eval`.

The build runs in a subprocess with KG_SCHEMA_DIR pointing at the copy (one worker process, so the
workers read the copy too); this process keeps the shipped schema.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF, SKOS

from kg.settings import SCHEMA_DIR
from tests.conftest import ROOT

UKG = Namespace("https://w3id.org/ukg/ontology#")
ADDED = """
ukg:Award a owl:Class ;
    kgs:idPrefix "aw" ; kgs:shape "hexagon" ; kgs:color "#17becf" ; kgs:glyph "⬢" ;
    kgs:lexicon "awards.txt" ;
    rdfs:label "荣誉称号"@zh , "Award"@en ;
    skos:definition "授予组织的荣誉称号。"@zh , "An honour given to an organization."@en .

ukg:wins a owl:ObjectProperty ;
    kgs:color "#bcbd22" ; kgs:cue "荣获" ;
    rdfs:label "荣获"@zh , "wins"@en ;
    skos:definition "组织获得荣誉称号。"@zh , "The organization receives the award."@en ;
    rdfs:domain [ a owl:Class ; owl:unionOf ( ukg:UnionBody ukg:Organization ) ] ;
    rdfs:range ukg:Award .
"""
AWARDS = "# honours named in the extension test\n金桥奖\n银帆奖\n"
PAGE = """# 杭州市总工会荣获金桥奖

本报讯(记者甲乙)近日,杭州市总工会荣获金桥奖。杭州市总工会开展“职工书屋”活动,为快递员提供服务。
"""
UNION, AWARD = "杭州市总工会", "金桥奖"
GOLD = {"doc": "page.txt", "headline": "杭州市总工会荣获金桥奖", "first_chars": "",
        "entities": [{"type": "UnionBody", "name": UNION}, {"type": "Award", "name": AWARD}],
        "relations": [{"subject": UNION, "predicate": "wins", "object": AWARD, "evidence": "杭州市总工会荣获金桥奖"}]}


def _kg(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, env=env, cwd=ROOT)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """OUT of a build of the fixture page with the extended schema copy, and the environment using it."""
    tmp = tmp_path_factory.mktemp("extension")
    schema = tmp / "schema"
    shutil.copytree(SCHEMA_DIR, schema)
    with (schema / "ontology.ttl").open("a", encoding="utf-8") as fh:
        fh.write(ADDED)
    (schema / "lexicon" / "awards.txt").write_text(AWARDS, encoding="utf-8")
    (tmp / "in").mkdir()
    (tmp / "in" / "page.txt").write_text(PAGE, encoding="utf-8")
    env = {**os.environ, "KG_SCHEMA_DIR": str(schema), "PYTHONPATH": str(ROOT)}
    _kg(env, "build", str(tmp / "in"), "--out", str(tmp / "out"), "-q", "-j", "1")
    return tmp / "out", env


def _graph_lines(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "graph.jsonl").read_text(encoding="utf-8").splitlines()]


def _award_id(out: Path) -> str:
    return next(x["id"] for x in _graph_lines(out) if x["type"] == "node" and x["labels"] == ["Award"])


def test_graph_jsonl_holds_the_new_type_and_predicate(built: tuple[Path, dict[str, str]]) -> None:
    out, _ = built
    lines = _graph_lines(out)
    award = next(x for x in lines if x["type"] == "node" and x["labels"] == ["Award"])
    assert award["properties"]["name"] == AWARD and award["id"].startswith("aw-")
    wins = [x for x in lines if x["type"] == "relationship" and x["label"] == "WINS"]
    assert [(w["start"]["labels"], w["end"]["id"]) for w in wins] == [(["UnionBody"], award["id"])]
    assert wins[0]["properties"]["evidence"][0]["quote"].endswith("杭州市总工会荣获金桥奖。")


def test_rdf_uses_the_new_class_and_property(built: tuple[Path, dict[str, str]]) -> None:
    out, _ = built
    for name, fmt in (("graph.nt", "nt"), ("graph.ttl", "turtle")):
        g = Graph().parse(out / "rdf" / name, format=fmt)
        awards = list(g.subjects(RDF.type, UKG.Award))
        assert len(awards) == 1 and (awards[0], SKOS.prefLabel, Literal(AWARD, lang="zh")) in g, name
        assert [o for _, o in g.subject_objects(UKG.wins)] == awards, name


def test_property_graph_outputs_carry_them(built: tuple[Path, dict[str, str]]) -> None:
    out, env = built
    cypher = "MATCH (u:UnionBody)-[r:WINS]->(a:Award) RETURN u.name AS union_body, a.name AS award, r.predicate AS p"
    rows = json.loads(_kg(env, "query", "cypher", "--out", str(out), "--format", "json", cypher).stdout)
    assert rows == [{"union_body": UNION, "award": AWARD, "p": "wins"}]
    with (out / "neo4j-import" / "rels_WINS.csv").open(encoding="utf-8", newline="") as fh:
        assert len(list(csv.reader(fh))) == 2
    assert AWARD in (out / "neo4j-import" / "nodes_Award.csv").read_text(encoding="utf-8")
    g = nx.read_graphml(out / "graph.graphml")
    award = _award_id(out)
    assert g.nodes[award]["type"] == "Award"
    assert [d["type"] for _, v, d in g.edges(data=True) if v == award and d["type"] != "MENTIONS"] == ["WINS"]


def test_html_legend_lists_them_with_their_declared_style(built: tuple[Path, dict[str, str]]) -> None:
    out, _ = built
    html = (out / "graph.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S).group(1))
    assert {"type": "Award", "zh": "荣誉称号", "color": "#17becf", "glyph": "⬢", "count": 1} in data["types"]
    assert {"predicate": "wins", "zh": "荣获", "color": "#bcbd22", "count": 1} in data["predicates"]
    award = _award_id(out)
    assert [(n["shape"], n["color"]) for n in data["nodes"] if n["id"] == award] == [("hexagon", "#17becf")]
    assert [e["color"] for e in data["edges"] if e["to"] == award] == ["#bcbd22"]


def test_shacl_targets_the_new_type(built: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    out, env = built
    assert "conforms: true" in _kg(env, "validate", "--out", str(out)).stdout
    broken = tmp_path / "out"  # the award without its label: the generated EntityShape must catch it
    shutil.copytree(out, broken)
    nt = broken / "rdf" / "graph.nt"
    label = f"/entity/{_award_id(out)}> <{SKOS.prefLabel}>"
    nt.write_text("".join(x for x in nt.read_text(encoding="utf-8").splitlines(True) if label not in x), "utf-8")
    result = _kg(env, "validate", "--out", str(broken), check=False)
    assert result.returncode == 1 and "1 violation" in result.stdout, result.stdout + result.stderr


def test_counts_per_type_include_it(built: tuple[Path, dict[str, str]]) -> None:
    out, env = built
    for lang, suffix in (("sparql", "rq"), ("cypher", "cypher")):
        query = str(ROOT / "queries" / f"q09_counts_per_type.{suffix}")
        rows = json.loads(_kg(env, "query", lang, "--out", str(out), "--file", query, "--format", "json").stdout)
        assert {r["type"]: int(r["n"]) for r in rows}["Award"] == 1, lang


def test_eval_scores_the_new_type_and_predicate(built: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    out, env = built
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(GOLD, ensure_ascii=False) + "\n", encoding="utf-8")
    _kg(env, "eval", str(gold), "--out", str(out), "--json", str(tmp_path / "eval.json"))
    scores = json.loads((tmp_path / "eval.json").read_text(encoding="utf-8"))
    assert scores["entities"]["Award"]["tp"] == 1 and scores["entities"]["Award"]["fn"] == 0
    assert scores["relations"]["wins"]["tp"] == 1 and scores["relations"]["wins"]["fn"] == 0
