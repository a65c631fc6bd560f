"""Shared fixtures: a small hand-made KnowledgeGraph for output tests, and repo paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ids import entity_id, relation_id
from kg.model import (
    Article,
    Entity,
    EntityType,
    Evidence,
    KnowledgeGraph,
    MappedText,
    Piece,
    Predicate,
    Relation,
)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = ROOT.parent / "shared" / "gold" / "seeds"

T = EntityType


def make_graph() -> KnowledgeGraph:
    """A tiny graph written for the tests (not taken from the seeds), with hostile text in it."""
    body = "某市总工会推出“暖心驿站”项目,为外卖配送员提供休息场所。某市总工会与某市人社局合作。"
    hostile = "张三\"}; DROP ALL <script>alert(1)</script> ' OR 1=1 //"
    article = Article(
        doc_id="fixture.txt", index=0, headline="某市总工会推出暖心驿站", byline="本报讯(记者甲)",
        body=MappedText(body, (Piece(0, 10, len(body)),), body), spans=((10, 10 + len(body)),),
    )
    ents = [
        Entity(entity_id(T.REGION, "某省"), T.REGION, "某省", ("某",), (("level", "province"), ("code", "990000")),
               (article.key,)),
        Entity(entity_id(T.REGION, "某市"), T.REGION, "某市", (), (("level", "city"), ("code", "990100")),
               (article.key,)),
        Entity(entity_id(T.UNION_BODY, "某市总工会"), T.UNION_BODY, "某市总工会", ("某市总", "市总"), (),
               (article.key,)),
        Entity(entity_id(T.INITIATIVE, "暖心驿站项目"), T.INITIATIVE, "暖心驿站项目", ("暖心驿站",), (),
               (article.key,)),
        Entity(entity_id(T.WORKER_GROUP, "外卖配送员"), T.WORKER_GROUP, "外卖配送员", ("骑手",),
               (("broader", "新就业形态劳动者"),), (article.key,)),
        Entity(entity_id(T.WORKER_GROUP, "新就业形态劳动者"), T.WORKER_GROUP, "新就业形态劳动者", (), (), ()),
        Entity(entity_id(T.ORGANIZATION, "某市人社局"), T.ORGANIZATION, "某市人社局", (), (), (article.key,)),
        Entity(entity_id(T.PERSON, hostile), T.PERSON, hostile, (), (), (article.key,)),
    ]
    ids = {e.name: e.id for e in ents}

    def ev(start: int, end: int, rule: str) -> Evidence:
        return Evidence("fixture.txt", 0, 10 + start, 10 + end, body[start:end], rule, 0.9)

    facts = [
        ("某市总工会", Predicate.RUNS, "暖心驿站项目", ev(0, 29, "runs.verb"), ()),
        ("暖心驿站项目", Predicate.SERVES, "外卖配送员", ev(0, 29, "serves.for"), ()),
        ("某市总工会", Predicate.LOCATED_IN, "某市", ev(0, 29, "located_in.name"), ()),
        ("某市", Predicate.LOCATED_IN, "某省", ev(0, 29, "located_in.table"), ()),
        ("某市总工会", Predicate.PARTNERS_WITH, "某市人社局", ev(29, 43, "partners.with"), ()),
        (hostile, Predicate.HAS_ROLE, "某市总工会", ev(29, 43, "role.title"), (("role", "主席'\"<b>"),)),
    ]
    rels = [
        Relation(relation_id(ids[s], p, ids[o]), ids[s], p, ids[o], (e,), e.confidence, attrs)
        for s, p, o, e, attrs in facts
    ]
    return KnowledgeGraph(
        entities=tuple(sorted(ents, key=lambda e: e.id)),
        relations=tuple(sorted(rels, key=lambda r: r.id)),
        articles=(article,),
    )


@pytest.fixture
def small_graph() -> KnowledgeGraph:
    return make_graph()


@pytest.fixture(scope="session")
def seeds_graph() -> KnowledgeGraph:
    """The graph of the five seed pages, built once per test session (a failure here fails its users)."""
    from kg.pipeline import build_graph

    return build_graph([SEEDS])
