"""The resolve stage: entity merging, region chains, fact merging, symmetric partners, determinism."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

from kg.ids import entity_id
from kg.model import (
    Article,
    Candidate,
    EntityType,
    Evidence,
    Extraction,
    KnowledgeGraph,
    MappedText,
    Mention,
    Piece,
    Predicate,
)
from kg.resolve import Collector, noisy_or, normalise_name, resolve
from tests.conftest import ROOT

T = EntityType
P = Predicate
OFFSET = 100  # every test article body starts 100 characters into its document


def article(doc: str, index: int, body: str) -> Article:
    return Article(
        doc,
        index,
        "标题",
        "",
        MappedText(body, (Piece(0, OFFSET, len(body)),), body),
        ((OFFSET, OFFSET + len(body)),),
    )


def mention(body: str, type_: EntityType, text: str, name: str | None = None, nth: int = 0, **attrs: str) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = body.index(text, start + 1)
    return Mention(type_, text, start, start + len(text), name or text, "test", tuple(sorted(attrs.items())))


def cand(
    a: Article, st: EntityType, s: str, p: Predicate, ot: EntityType, o: str, conf: float = 0.9, **attrs: str
) -> Candidate:
    ev = Evidence(a.doc_id, a.index, OFFSET, OFFSET + 5, a.body.text[:5], "test.rule", conf)
    return Candidate(st, s, p, ot, o, ev, tuple(sorted(attrs.items())))


def extraction(a: Article, mentions: list[Mention], candidates: list[Candidate] = ()) -> Extraction:
    return Extraction(a.doc_id, a.index, tuple(mentions), tuple(candidates))


def by_name(g: KnowledgeGraph, type_: EntityType, name: str):
    matches = [e for e in g.entities if e.type is type_ and e.name == name]
    assert len(matches) == 1, [(e.type, e.name) for e in g.entities]
    return matches[0]


def facts(g: KnowledgeGraph) -> set[tuple[str, str, str]]:
    return {(g.entity(r.subject).name, r.predicate.value, g.entity(r.object).name) for r in g.relations}


def test_region_gets_table_attrs_and_parent_chain():
    body = "某日，兰州有关部门开会。随后各方发言。"
    a = article("a.txt", 0, body)
    g = resolve([extraction(a, [mention(body, T.REGION, "兰州", "兰州市", code="620100")])], [a])
    lz = by_name(g, T.REGION, "兰州市")
    assert lz.aliases == ("兰州",)
    assert (lz.attr("level"), lz.attr("code"), lz.articles) == ("city", "620100", ("a.txt#0",))
    gs = by_name(g, T.REGION, "甘肃省")
    assert (gs.attr("level"), gs.articles) == ("province", ())
    assert facts(g) == {("兰州市", "located_in", "甘肃省")}
    (rel,) = g.relations
    (ev,) = rel.evidence
    assert ev.rule == "located_in.division_table"
    assert ev.quote == "某日，兰州有关部门开会。"
    assert (ev.start, ev.end) == (OFFSET, OFFSET + len(ev.quote))


def test_region_evidence_quotes_extractions_sentence():
    """The closing quote of the sentence before stays with that sentence (extraction's splitter)."""
    body = "他说：“很好。”近日，兰州有关部门开会。"
    a = article("a.txt", 0, body)
    g = resolve([extraction(a, [mention(body, T.REGION, "兰州", "兰州市", code="620100")])], [a])
    (ev,) = g.relations[0].evidence
    assert ev.quote == "近日，兰州有关部门开会。"
    assert (ev.start, ev.end) == (OFFSET + body.index("近日"), OFFSET + len(body))


def test_county_without_code_resolved_by_name_full_chain():
    body = "民乐县的工作很好。"
    a = article("a.txt", 0, body)
    g = resolve([extraction(a, [mention(body, T.REGION, "民乐县")])], [a])
    assert facts(g) == {("民乐县", "located_in", "张掖市"), ("张掖市", "located_in", "甘肃省")}
    assert by_name(g, T.REGION, "张掖市").attr("level") == "city"


def test_ambiguous_district_left_unresolved_without_context():
    body = "朝阳区开展活动。"
    a = article("a.txt", 0, body)
    g = resolve([extraction(a, [mention(body, T.REGION, "朝阳区")])], [a])
    e = by_name(g, T.REGION, "朝阳区")
    assert e.attr("code") == "" and g.relations == ()


def test_ambiguous_district_resolved_by_context_and_disambiguated_across_articles():
    b1, b2 = "北京市朝阳区开展活动。", "长春市朝阳区也开展活动。"
    a1, a2 = article("a.txt", 0, b1), article("b.txt", 0, b2)
    g = resolve(
        [
            extraction(a1, [mention(b1, T.REGION, "北京市"), mention(b1, T.REGION, "朝阳区")]),
            extraction(a2, [mention(b2, T.REGION, "长春市"), mention(b2, T.REGION, "朝阳区")]),
        ],
        [a1, a2],
    )
    bj = by_name(g, T.REGION, "北京市朝阳区")
    cc = by_name(g, T.REGION, "长春市朝阳区")
    assert bj.aliases == cc.aliases == ("朝阳区",)
    assert (bj.attr("code"), cc.attr("code")) == ("110105", "220104")
    assert {
        ("北京市朝阳区", "located_in", "北京市"),
        ("长春市朝阳区", "located_in", "长春市"),
        ("长春市", "located_in", "吉林省"),
    } <= facts(g)


def test_town_from_table_under_its_district():
    body = "上海浦东新区陆家嘴街道建起驿站。"
    a = article("a.txt", 0, body)
    g = resolve(
        [
            extraction(
                a,
                [
                    mention(body, T.REGION, "上海", "上海市"),
                    mention(body, T.REGION, "浦东新区"),
                    mention(body, T.REGION, "陆家嘴街道"),
                ],
            )
        ],
        [a],
    )
    assert facts(g) == {("陆家嘴街道", "located_in", "浦东新区"), ("浦东新区", "located_in", "上海市")}


def test_place_missing_from_table_hangs_off_written_parent():
    body = "兰州市某某社区建起驿站。"
    a = article("a.txt", 0, body)
    g = resolve(
        [
            extraction(
                a,
                [
                    mention(body, T.REGION, "兰州市"),
                    mention(body, T.REGION, "某某社区", parent="兰州市", level="community"),
                ],
            )
        ],
        [a],
    )
    assert ("某某社区", "located_in", "兰州市") in facts(g)
    e = by_name(g, T.REGION, "某某社区")
    assert e.attr("level") == "community" and e.attr("parent") == ""


def test_mentions_merge_with_aliases_articles_and_facts_merge_evidence():
    b1, b2 = "甲市总工会推出暖心行动。", "甲市总再次推出暖心行动。"
    a1, a2 = article("b.txt", 3, b1), article("a.txt", 1, b2)
    ex1 = extraction(
        a1,
        [mention(b1, T.UNION_BODY, "甲市总工会"), mention(b1, T.INITIATIVE, "暖心行动")],
        [cand(a1, T.UNION_BODY, "甲市总工会", P.RUNS, T.INITIATIVE, "暖心行动", 0.9)],
    )
    ex2 = extraction(
        a2,
        [mention(b2, T.UNION_BODY, "甲市总", "甲市总工会"), mention(b2, T.INITIATIVE, "暖心行动")],
        [cand(a2, T.UNION_BODY, "甲市总工会", P.RUNS, T.INITIATIVE, "暖心行动", 0.8)],
    )
    g = resolve([ex1, ex2], [a1, a2])
    ub = by_name(g, T.UNION_BODY, "甲市总工会")
    assert ub.id == entity_id(T.UNION_BODY, "甲市总工会")
    assert ub.aliases == ("甲市总",) and ub.articles == ("a.txt#1", "b.txt#3")
    (rel,) = g.relations
    assert [e.doc for e in rel.evidence] == ["a.txt", "b.txt"]
    assert abs(rel.confidence - 0.98) < 1e-9


def test_confidence_is_noisy_or_capped():
    assert noisy_or([0.5]) == 0.5
    assert abs(noisy_or([0.9, 0.8]) - 0.98) < 1e-9
    assert noisy_or([0.9, 0.9, 0.9]) == 0.99


def test_partners_with_is_symmetric():
    b1, b2 = "甲市总工会与乙公司合作。", "乙公司与甲市总工会合作。"
    a1, a2 = article("a.txt", 0, b1), article("b.txt", 0, b2)
    ms1 = [mention(b1, T.UNION_BODY, "甲市总工会"), mention(b1, T.ORGANIZATION, "乙公司")]
    ms2 = [mention(b2, T.UNION_BODY, "甲市总工会"), mention(b2, T.ORGANIZATION, "乙公司")]
    g = resolve(
        [
            extraction(a1, ms1, [cand(a1, T.UNION_BODY, "甲市总工会", P.PARTNERS_WITH, T.ORGANIZATION, "乙公司")]),
            extraction(a2, ms2, [cand(a2, T.ORGANIZATION, "乙公司", P.PARTNERS_WITH, T.UNION_BODY, "甲市总工会")]),
        ],
        [a1, a2],
    )
    (rel,) = g.relations
    assert rel.subject < rel.object and len(rel.evidence) == 2


def test_candidate_endpoint_without_mention_becomes_entity():
    body = "丙县总工会指导丁镇工会。"
    a = article("a.txt", 0, body)
    g = resolve(
        [
            extraction(
                a,
                [mention(body, T.UNION_BODY, "丙县总工会")],
                [cand(a, T.UNION_BODY, "丙县总工会", P.GUIDES, T.UNION_BODY, "丁镇工会")],
            )
        ],
        [a],
    )
    e = by_name(g, T.UNION_BODY, "丁镇工会")
    assert e.articles == ("a.txt#0",)
    assert facts(g) == {("丙县总工会", "guides", "丁镇工会")}


def test_near_duplicate_names_merge_across_articles():
    b1, b2 = "甲市总工会建立“三心”机制。", "“三心”在各地推广。"
    a1, a2 = article("a.txt", 0, b1), article("b.txt", 0, b2)
    ex1 = extraction(a1, [mention(b1, T.UNION_BODY, "甲市总工会"), mention(b1, T.INITIATIVE, "“三心”机制", "三心机制")])
    ex1 = Extraction(
        ex1.doc_id,
        ex1.article,
        ex1.mentions + (Mention(T.INITIATIVE, "三心", b1.index("三心"), b1.index("三心") + 2, "三心机制"),),
        (cand(a1, T.UNION_BODY, "甲市总工会", P.RUNS, T.INITIATIVE, "三心机制"),),
    )
    ex2 = extraction(
        a2,
        [mention(b2, T.INITIATIVE, "三心")],
        [cand(a2, T.UNION_BODY, "甲市总工会", P.RUNS, T.INITIATIVE, "三心")],
    )
    g = resolve([ex1, ex2], [a1, a2])
    (ini,) = [e for e in g.entities if e.type is T.INITIATIVE]
    assert ini.name == "三心机制" and "三心" in ini.aliases and ini.articles == ("a.txt#0", "b.txt#0")
    (rel,) = g.relations
    assert len(rel.evidence) == 2


def test_alias_shared_by_two_names_does_not_chain_them():
    b1, b2, b3 = "暖心驿站开放，驿站很暖。", "爱心驿站开放，驿站很美。", "驿站开放。"
    arts = [article(f"{i}.txt", 0, b) for i, b in enumerate((b1, b2, b3))]
    exs = [
        extraction(arts[0], [mention(b1, T.INITIATIVE, "暖心驿站"), mention(b1, T.INITIATIVE, "驿站", "暖心驿站", 1)]),
        extraction(arts[1], [mention(b2, T.INITIATIVE, "爱心驿站"), mention(b2, T.INITIATIVE, "驿站", "爱心驿站", 1)]),
        extraction(arts[2], [mention(b3, T.INITIATIVE, "驿站")]),
    ]
    g = resolve(exs, arts)
    assert sorted(e.name for e in g.entities) == ["暖心驿站", "爱心驿站", "驿站"]


def test_worker_group_keeps_broader_attr():
    body = "为骑手送清凉。"
    a = article("a.txt", 0, body)
    g = resolve(
        [extraction(a, [mention(body, T.WORKER_GROUP, "骑手", "外卖配送员", broader="新就业形态劳动者")])],
        [a],
    )
    e = by_name(g, T.WORKER_GROUP, "外卖配送员")
    assert e.attr("broader") == "新就业形态劳动者" and e.aliases == ("骑手",)


def test_deterministic_and_order_independent():
    b1, b2 = "兰州市总工会推出暖心行动，服务骑手。", "甘肃省总工会在民乐县推出暖心行动。"
    a1, a2 = article("a.txt", 0, b1), article("b.txt", 0, b2)
    ex1 = extraction(
        a1,
        [
            mention(b1, T.UNION_BODY, "兰州市总工会"),
            mention(b1, T.REGION, "兰州市"),
            mention(b1, T.INITIATIVE, "暖心行动"),
            mention(b1, T.WORKER_GROUP, "骑手", "外卖配送员"),
        ],
        [
            cand(a1, T.UNION_BODY, "兰州市总工会", P.RUNS, T.INITIATIVE, "暖心行动"),
            cand(a1, T.UNION_BODY, "兰州市总工会", P.LOCATED_IN, T.REGION, "兰州市"),
        ],
    )
    ex2 = extraction(
        a2,
        [
            mention(b2, T.UNION_BODY, "甘肃省总工会"),
            mention(b2, T.REGION, "民乐县"),
            mention(b2, T.INITIATIVE, "暖心行动"),
        ],
        [cand(a2, T.UNION_BODY, "甘肃省总工会", P.RUNS, T.INITIATIVE, "暖心行动")],
    )
    g1 = resolve([ex1, ex2], [a1, a2])
    g2 = resolve([ex2, ex1], [a1, a2])
    assert g1.entities == g2.entities and g1.relations == g2.relations
    assert [e.id for e in g1.entities] == sorted(e.id for e in g1.entities)
    assert [r.id for r in g1.relations] == sorted(r.id for r in g1.relations)
    assert ("兰州市总工会", "located_in", "兰州市") in facts(g1)


def test_normalise_name():
    assert normalise_name("“四上三點”機制") == "四上三点机制"
    assert normalise_name("《职工 书屋》") == "职工书屋"
    assert normalise_name("１２３５１热线") == "12351热线"


def test_short_form_read_in_context_before_preferring_higher_level():
    body = "朝阳有关部门与北京各界共建。"
    a = article("a.txt", 0, body)
    g = resolve([extraction(a, [mention(body, T.REGION, "朝阳"), mention(body, T.REGION, "北京", "北京市")])], [a])
    assert ("朝阳区", "located_in", "北京市") in facts(g)
    assert by_name(g, T.REGION, "朝阳区").aliases == ("朝阳",)


def test_region_evidence_quote_is_exact_original_text():
    doc = "XXXX兰州有关部\n\n门开会。"
    body = "兰州有关部门开会。"  # cleaning joined a broken line: two pieces
    a = Article("d.txt", 0, "", "", MappedText(body, (Piece(0, 4, 5), Piece(5, 11, 4)), body), ((4, 15),))
    g = resolve([extraction(a, [mention(body, T.REGION, "兰州", "兰州市")])], [a])
    (rel,) = g.relations
    (ev,) = rel.evidence
    assert doc[ev.start : ev.end] == ev.quote == "兰州有关部"


def test_one_article_two_head_nouns_on_one_quoted_core_merge():
    body = "甲市总工会探索“五心五进”机制。这一五心五进新模式受到欢迎。"
    a = article("a.txt", 0, body)
    ms = [
        mention(body, T.INITIATIVE, "“五心五进”机制", "五心五进机制"),
        mention(body, T.INITIATIVE, "五心五进", "五心五进机制"),
        mention(body, T.INITIATIVE, "五心五进新模式"),
        mention(body, T.INITIATIVE, "五心五进", "五心五进新模式", 1),
    ]
    g = resolve([extraction(a, ms)], [a])
    (ini,) = g.entities
    assert {ini.name, *ini.aliases} == {"五心五进机制", "“五心五进”机制", "五心五进", "五心五进新模式"}


def test_same_core_in_different_articles_stays_apart():
    b1, b2 = "推出“五心五进”机制。", "推出“五心五进”行动。"
    a1, a2 = article("a.txt", 0, b1), article("b.txt", 0, b2)
    g = resolve(
        [
            extraction(a1, [mention(b1, T.INITIATIVE, "五心五进", "五心五进机制")]),
            extraction(a2, [mention(b2, T.INITIATIVE, "五心五进", "五心五进行动")]),
        ],
        [a1, a2],
    )
    assert sorted(e.name for e in g.entities) == ["五心五进机制", "五心五进行动"]


def test_chain_step_quotes_the_mention_naming_the_child_itself():
    body = "城关区有关部门开会。兰州市各界参加。兰州市再次开会。"
    a = article("a.txt", 0, body)
    district = mention(body, T.REGION, "城关区", code="620102")
    city = [mention(body, T.REGION, "兰州市", nth=n, code="620100") for n in (0, 1)]
    g = resolve([extraction(a, [district, *city])], [a])
    quotes = {(g.entity(r.subject).name, g.entity(r.object).name): [ev.quote for ev in r.evidence] for r in g.relations}
    assert quotes == {("城关区", "兰州市"): ["城关区有关部门开会。"], ("兰州市", "甘肃省"): ["兰州市各界参加。"]}
    assert by_name(g, T.REGION, "甘肃省").attrs == (("code", "620000"), ("level", "province"))


def test_mentions_of_an_article_not_read_add_no_parent_chain():
    body = "兰州有关部门开会。"
    a = article("a.txt", 0, body)
    g = resolve([extraction(a, [mention(body, T.REGION, "兰州", "兰州市", code="620100")])], [])
    assert [e.name for e in g.entities] == ["兰州市"] and g.relations == ()


def test_resolve_leaves_the_garbage_collector_as_it_found_it():
    body = "甲市总工会推出暖心行动。"
    a = article("a.txt", 0, body)
    ex = extraction(a, [mention(body, T.UNION_BODY, "甲市总工会")])
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            resolve([ex], [a])
            assert gc.isenabled() is enabled
    finally:
        gc.enable()


def fact_only_endpoint() -> tuple[list[Extraction], list[Article]]:
    """Four articles each stating one fact whose object no article mentions (evidence seen latest first)."""
    body = "丙县总工会指导丁镇工会。"
    arts = [article(doc, 0, body) for doc in ("d.txt", "b.txt", "c.txt", "a.txt")]
    exs = [extraction(a, [mention(body, T.UNION_BODY, "丙县总工会")],
                      [cand(a, T.UNION_BODY, "丙县总工会", P.GUIDES, T.UNION_BODY, "丁镇工会")]) for a in arts]
    return exs, arts


def test_endpoint_named_only_by_a_fact_takes_its_earliest_article_whatever_the_hashing():
    script = (
        "from kg.resolve import resolve\n"
        "from tests.test_resolve import T, by_name, fact_only_endpoint\n"
        "print(by_name(resolve(*fact_only_endpoint()), T.UNION_BODY, '丁镇工会').articles)\n"
    )
    runs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in range(6)}
    assert runs == {"('a.txt#0',)\n"}


def _region(name: str, start: int = 0) -> Mention:
    return Mention(EntityType.REGION, name, start, start + len(name), name, "test")


def test_a_region_named_only_once_all_articles_are_in_joins_the_same_name_written_before() -> None:
    # 朝阳区 alone is ambiguous (Beijing's or Changchun's): the first article keeps it by name; the
    # second places it under 北京市, and as no other 朝阳区 is reached, its division is named 朝阳区 too
    first = Extraction("a.txt", 0, (_region("朝阳区"),), ())
    second = Extraction("b.txt", 0, (_region("北京市"), _region("朝阳区", 3)), ())
    graph = resolve([first, second], [])
    chaoyang = [e for e in graph.entities if e.name == "朝阳区"]
    assert len(chaoyang) == 1
    assert chaoyang[0].articles == ("a.txt#0", "b.txt#0")
    assert ("code", "110105") in chaoyang[0].attrs


def test_collecting_article_by_article_equals_resolving_at_once() -> None:
    exs = [Extraction("a.txt", 0, (_region("北京市"), _region("朝阳区", 3)), ()),
           Extraction("b.txt", 0, (_region("长春市"), _region("朝阳区", 3)), ())]
    collector = Collector()
    for ex in exs:
        collector.add(ex, None)
    graph = collector.graph([])
    assert graph == resolve(exs, [])
    names = sorted(e.name for e in graph.entities)
    assert "北京市朝阳区" in names and "长春市朝阳区" in names  # two divisions reached: told apart by their parents
