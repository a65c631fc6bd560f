"""Per-rule-family tables: short sentences written for the test → expected entities and relations."""

from __future__ import annotations

import pytest

from kg.extract import extract
from kg.model import EntityType, Predicate
from tests.extract.conftest import make_article

T = EntityType
P = Predicate


def names(text: str, etype: EntityType, headline: str = "") -> set[str]:
    return {m.name for m in extract(make_article(text, headline)).mentions if m.type == etype}


def facts(text: str, headline: str = "") -> set[tuple[str, str, str]]:
    return {(c.subject, c.predicate.value, c.object) for c in extract(make_article(text, headline)).candidates}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("近日，江苏省无锡市总工会召开会议。", {"无锡市总工会"}),
        ("湖南省总工会今年推出新举措。", {"湖南省总工会"}),
        ("四川省泸州市江阳区总工会组织职工学习。", {"江阳区总工会"}),
        ("记者从宜宾市总工会获悉，宜宾市总将继续努力。", {"宜宾市总工会"}),
        ("日前，某某县物流行业工会联合会揭牌，大竹县快递行业联合工会同时成立。", {"大竹县快递行业联合工会"}),
        ("中国建材装备公司工会开展活动。", {"中国建材装备公司工会"}),
        ("中华全国总工会印发通知。", {"中华全国总工会"}),
        ("基层工会、各级工会和行业工会都要行动起来。", set()),
    ],
)
def test_union_bodies(text: str, expected: set[str]) -> None:
    assert names(text, T.UNION_BODY) == expected


@pytest.mark.parametrize(
    ("text", "headline", "expected"),
    [
        ("江西省萍乡市总工会启动活动。市总表示，将持续推进。", "", {"萍乡市总工会"}),
        ("据介绍，该县总工会已建成驿站10个。", "湖北大悟县总工会建驿站", {"大悟县总工会"}),
        ("福建省总工会部署工作。省总工会要求各地落实。", "", {"福建省总工会"}),
    ],
)
def test_union_abbreviations_resolve_to_the_article_body(text: str, headline: str, expected: set[str]) -> None:
    assert names(text, T.UNION_BODY, headline) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("河北省保定市的快递员很多。", {"河北省", "保定市"}),
        ("在贵州，工会组织不断壮大。", {"贵州省"}),
        ("他来自云南省大理白族自治州宾川县。", {"云南省", "大理白族自治州", "宾川县"}),
        ("全国各地都在行动，北疆和中部地区也不例外。", set()),
        ("他们拿出真金白银支持工会建设。", set()),
    ],
)
def test_regions(text: str, expected: set[str]) -> None:
    assert names(text, T.REGION) == expected


def test_sub_county_places() -> None:
    assert names("在陕西省宝鸡市眉县横渠镇，工会驿站开门迎客。", T.REGION) == {"陕西省", "宝鸡市", "眉县", "横渠镇"}
    found = facts("宁强县黄坝村村民都来了。")
    assert ("黄坝村", "located_in", "宁强县") in found
    assert "黄坝村" in names("在黄坝村，工会驿站开门迎客。", T.REGION)
    assert names("美丽乡村建设和农村发展。", T.REGION) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("淄博市总工会探索建立“两端三连”机制。", {"两端三连机制"}),
        ("县总工会开展“清凉一夏”“暖心早点”等活动。", {"清凉一夏", "暖心早点"}),
        ("该公司工会着力打造“聚心之家”。", {"聚心之家"}),
        ("记者分享“一句话感言”的心得。", set()),
        ("职工们说，这里就是温暖的“娘家”。", set()),
        ("市总工会实施产业工人技能提升工程，建好户外劳动者服务站。", {"产业工人技能提升工程", "工会驿站"}),
        ("我们开展了慰问活动。", set()),
        ("工会持续做好职工书屋和司机之家建设。", {"职工书屋", "司机之家"}),
        ("日前，南宁市第三届快递员技能大赛在体育馆举行。", {"南宁市第三届快递员技能大赛"}),
    ],
)
def test_initiatives(text: str, expected: set[str]) -> None:
    assert names(text, T.INITIATIVE) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("外卖小哥和快递小哥都来驿站歇脚。", {"外卖配送员", "快递员"}),
        ("工会关爱大车司机和环卫工。", {"货车司机", "环卫工人"}),
        ("职工和劳动者都是会员，群众也欢迎。", set()),
        ("新业态从业人员入会率提升。", {"新就业形态劳动者"}),
    ],
)
def test_worker_groups(text: str, expected: set[str]) -> None:
    assert names(text, T.WORKER_GROUP) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("衡水市总工会党组书记、副主席赵文华介绍，驿站已有20家。", {"赵文华"}),
        ("“太方便了！”骑手孙立新说。", {"孙立新"}),
        ("本报讯（记者张三丰 通讯员李四海）近日，工会召开会议。", set()),
        ("王师傅告诉记者，这里很温暖。", set()),
    ],
)
def test_persons(text: str, expected: set[str]) -> None:
    assert names(text, T.PERSON) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("衡水市总工会探索推出“红色驿家”服务品牌。", ("衡水市总工会", "runs", "红色驿家服务品牌")),
        ("衡水市总工会召开会议。会上，启动“暖心驿家”行动。", ("衡水市总工会", "runs", "暖心驿家行动")),
        ("“暖蜂行动”针对外卖骑手开展。", ("暖蜂行动", "serves", "外卖配送员")),
        ("衡水市总工会启动“暖蜂行动”，为快递小哥送清凉。", ("暖蜂行动", "serves", "快递员")),
        ("衡水市总工会党组书记、副主席赵文华说，要办好实事。", ("赵文华", "has_role", "衡水市总工会")),
        ("衡水市总工会联合衡水市交通运输局开展活动。", ("衡水市总工会", "partners_with", "衡水市交通运输局")),
        ("在衡水市总工会指导下，桃城区总工会建成驿站。", ("衡水市总工会", "guides", "桃城区总工会")),
        ("河北省衡水市总工会召开会议。", ("衡水市总工会", "located_in", "衡水市")),
        ("河北省衡水市桃城区河东街道居民很多。", ("河东街道", "located_in", "桃城区")),
    ],
)
def test_relations(text: str, expected: tuple[str, str, str]) -> None:
    assert expected in facts(text)


def test_model_workers_run_their_studio_rather_than_being_served() -> None:
    found = facts("衡水市总工会建成劳模创新工作室。衡水市总工会为劳模开展“康乐计划”疗休养活动。")
    assert ("劳模创新工作室", "serves", "劳动模范") not in found
    assert ("康乐计划疗休养活动", "serves", "劳动模范") in found


def test_has_role_keeps_the_title_chain() -> None:
    ex = extract(make_article("衡水市总工会党组书记、副主席赵文华说，要办好实事。"))
    roles = [dict(c.attrs).get("role") for c in ex.candidates if c.predicate == P.HAS_ROLE]
    assert roles == ["党组书记、副主席"]


def test_traditional_text_matches_through_the_folded_body() -> None:
    text = "衡水市總工會探索推出“紅色驛家”服務品牌，為外賣騎手服務。"
    found = facts(text)
    assert ("衡水市总工会", "runs", "红色驿家服务品牌") in found
    assert ("红色驿家服务品牌", "serves", "外卖配送员") in found


@pytest.mark.parametrize(
    ("text", "headline", "present", "absent"),
    [
        # a cue word inside 作为/成为 … is no cue
        ("衡水市总工会将“红色驿家”宣讲活动作为劳模展示风采的舞台。", "", None, ("红色驿家宣讲活动", "劳动模范")),
        # initiatives enumerated before 等 + group + noun
        ("全市建成20个工会驿站、司机之家等货车司机服务站点。", "", ("司机之家", "货车司机"), None),
        ("全市建成20个工会驿站、司机之家等货车司机服务站点。", "", ("工会驿站", "货车司机"), None),
        # a group opening its clause with a "can use" word: the paragraph's initiative
        ("衡水市总工会推出“暖蜂驿站”。骑手可免费领取饮用水。", "", ("暖蜂驿站", "外卖配送员"), None),
        ("衡水市总工会开放“暖心书屋”，设在多个驿站。环卫工人凭工牌即可借书。", "", ("暖心书屋", "环卫工人"), None),
        ("衡水市总工会推出“暖蜂行动”。快递小哥可在职工书屋借书。", "", ("职工书屋", "快递员"), None),
        ("衡水市总工会推出“暖蜂行动”。快递小哥可在职工书屋借书。", "", ("暖蜂行动", "快递员"), None),
        # a cued group in a sentence without initiative: the next sentence's initiative
        (
            "衡水市总工会多措并举，推动货车司机入会。线下，衡水市总工会推出“一站办理”举措。",
            "",
            ("一站办理举措", "货车司机"),
            None,
        ),
        # the paragraph's topic is its first initiative, or the article's main one when named
        (
            "衡水市总工会开展“为民办实事”项目，其中包括“暖蜂行动”。针对快递小哥的需求，增加饮水点。",
            "",
            ("为民办实事项目", "快递员"),
            ("暖蜂行动", "快递员"),
        ),
        (
            "衡水市总工会开展“为民办实事”项目，其中包括“暖蜂行动”。针对快递小哥的需求，增加饮水点。",
            "“暖蜂行动”温暖快递小哥",
            ("暖蜂行动", "快递员"),
            ("为民办实事项目", "快递员"),
        ),
        # a name written inside a longer initiative is not the one served
        (
            "衡水市总工会打造智能化工会驿站，为环卫工人提供休息场所。",
            "",
            ("智能化工会驿站", "环卫工人"),
            ("工会驿站", "环卫工人"),
        ),
        # 与<initiative>共建: the partner's initiative is not the one served
        (
            "衡水市总工会建设“暖心驿站”并推动与“爱心驿站”联合共建，为环卫工人和骑手提供便利。",
            "",
            ("暖心驿站", "环卫工人"),
            ("爱心驿站", "环卫工人"),
        ),
        # a directive sentence of a speech (要…重点关注…) does not say whom the topic is for
        (
            "衡水市总工会推进“暖心驿家”建设。要在维护权益上下功夫，重点关注环卫工人等群体。",
            "",
            None,
            ("暖心驿家", "环卫工人"),
        ),
        (
            "衡水市总工会推进“暖心驿家”建设。在维护权益上下功夫，重点关注环卫工人等群体。",
            "",
            ("暖心驿家", "环卫工人"),
            None,
        ),
        # a group inside a quoted title that is no initiative is not served by the sentence's initiative
        ("衡水市总工会推出“暖蜂计划”，优先推荐“全市优秀环卫工人”等评选表彰项目。", "", None, ("暖蜂计划", "环卫工人")),
        ("衡水市总工会推出“暖蜂计划”，优先推荐环卫工人参加评选。", "", ("暖蜂计划", "环卫工人"), None),
        # a group naming a facility (…服务驿站) is not served by the sentence's initiative
        ("衡水市总工会建设“暖心驿家”，推动全市30个快递员服务驿站提档升级。", "", None, ("暖心驿家", "快递员")),
        ("衡水市总工会建设“暖心驿家”，推动全市快递员入会。", "", ("暖心驿家", "快递员"), None),
        # a verb right after the group: the group is an actor, not a modifier of the name
        ("衡水市总工会召开会议。志愿者和环卫工人搭建“爱心小屋”。", "", None, ("爱心小屋", "环卫工人")),
    ],
)
def test_serves_rules(
    text: str, headline: str, present: tuple[str, str] | None, absent: tuple[str, str] | None
) -> None:
    found = facts(text, headline)
    if present:
        assert (present[0], "serves", present[1]) in found
    if absent:
        assert (absent[0], "serves", absent[1]) not in found


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # the main body runs a quoted brand named without a verb, not an unquoted facility
        ("衡水市总工会召开会议。“暖蜂驿站”每天开放。", ("衡水市总工会", "暖蜂驿站"), None),
        ("衡水市总工会召开会议。司机之家每天开放。", None, ("衡水市总工会", "司机之家")),
        # a generic facility the actor relies on (依托/利用/通过 X) is a resource, not an initiative it runs
        (
            "衡水市总工会依托职工书屋等阵地，打造“法律讲堂”品牌。",
            ("衡水市总工会", "法律讲堂品牌"),
            ("衡水市总工会", "职工书屋"),
        ),
        ("衡水市总工会依托“暖心驿家”品牌，开展相亲活动。", ("衡水市总工会", "暖心驿家品牌"), None),
        ("衡水市总工会通过建设职工书屋，丰富职工生活。", ("衡水市总工会", "职工书屋"), None),
        # X指导Y打造…: the guided body runs it
        ("衡水市总工会指导桃城区总工会打造“暖心驿站”。", ("桃城区总工会", "暖心驿站"), ("衡水市总工会", "暖心驿站")),
    ],
)
def test_runs_rules(text: str, present: tuple[str, str] | None, absent: tuple[str, str] | None) -> None:
    found = facts(text)
    if present:
        assert (present[0], "runs", present[1]) in found
    if absent:
        assert (absent[0], "runs", absent[1]) not in found
