"""Cleanup steps: pinyin glosses, duplicate paragraphs, column breaks, boxes — each keeping offsets."""

from __future__ import annotations

import pytest

from kg.ingest.clean import Box, Float, clean_items, crosses_word, drop_duplicates, strip_invisible, strip_pinyin
from kg.ingest.paragraphs import Para, split_paragraphs


def _paras(text: str) -> list[Para]:
    return split_paragraphs(text)


def _texts(items: list) -> list[str]:
    return [x.text if isinstance(x, Para | Box) else f"<float {x.text}>" for x in items]


def _check_offsets(text: str, items: list) -> None:
    for p in items:
        if isinstance(p, Para):
            assert "".join(text[s:e] for s, e in p.parts) == p.text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("各级工会(gōnghuì)组织职工", "各级工会组织职工"),
        ("城區(qū)的驿站", "城區的驿站"),
        ("工会（gōng huì）服务", "工会服务"),
        ("外卖骑手(qíshǒu)、快递员(kuàidìyuán)", "外卖骑手、快递员"),
        ("举办EAP(EAP)活动和“工会(APP)”上线", "举办EAP(EAP)活动和“工会(APP)”上线"),
        ("(gōnghuì)在开头不算", "(gōnghuì)在开头不算"),
        ("比例(30%)不变", "比例(30%)不变"),
    ],
)
def test_pinyin_glosses_stripped(raw: str, clean: str) -> None:
    para = strip_pinyin(_paras(raw)[0])
    assert para.text == clean
    _check_offsets(raw, [para])


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("暖\u200b心驿站", "暖心驿站"),
        ("\ufeff某县\u200d总工会\u2060成立", "某县总工会成立"),
        ("骑手\u200e驿\u202a站\u202c和\u00ad快递员", "骑手驿站和快递员"),
        ("没有不可见字符", "没有不可见字符"),
    ],
)
def test_invisible_characters_dropped(raw: str, clean: str) -> None:
    para = strip_invisible(_paras(raw)[0])
    assert para.text == clean
    _check_offsets(raw, [para])


def test_duplicate_paragraph_dropped_keeping_first() -> None:
    dup = "要把党对工会组织的领导转化为广大职工的政治自觉、思想自觉和行动自觉。"
    text = f"第一段说明情况,内容较长一些。\n\n{dup}\n\n{dup}\n\n最后一段。"
    kept = drop_duplicates(_paras(text))
    assert [p.text for p in kept] == ["第一段说明情况,内容较长一些。", dup, "最后一段。"]
    assert kept[1].parts[0][0] == text.index(dup)


def test_short_repeated_lines_are_kept() -> None:
    assert len(drop_duplicates(_paras("本报记者 王五\n\n正文。\n\n本报记者 王五"))) == 3


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        (
            "今年以来,市总工会深入企业走访,针对外\n\n卖配送员、快递员等群体的流动性,推出专项服务。",
            "今年以来,市总工会深入企业走访,针对外卖配送员、快递员等群体的流动性,推出专项服务。",
        ),
        (
            "市总工会采用线上线下双轮驱动的方式推动入会。线下,淮\n\n北市总推出“一站办理”举措。",
            "市总工会采用线上线下双轮驱动的方式推动入会。线下,淮北市总推出“一站办理”举措。",
        ),
        ("如何服务新就业形态劳动者,激发他\n\n们的工作热情?", "如何服务新就业形态劳动者,激发他们的工作热情?"),
        ("联合交通、邮政等部门,\n\n为该群体量身定制方案。", "联合交通、邮政等部门,为该群体量身定制方案。"),
    ],
)
def test_column_break_rejoined(text: str, joined: str) -> None:
    items = clean_items(_paras(text))
    assert _texts(items) == [joined]
    _check_offsets(text, items)


@pytest.mark.parametrize(
    "text",
    [
        "做好服务,增强组织凝聚力\n\n如何服务新就业形态劳动者,让他们满意?",  # section title, then body
        "市总工会采用“重点建+兜底建”模\n\n年度工作“回头看”\n\n## 某省保障春节期间工会服务",  # kicker follows
        "全文完整地结束了。\n\n下一段重新开始。",
        "某某工会开展活动\n\n\n\n卖场里的新变化很大,职工满意。",  # page-region break
        "某某工会开展活动,第一\n\n本报记者 赵六",
    ],
)
def test_no_join_where_the_text_does_not_continue(text: str) -> None:
    assert len(clean_items(_paras(text))) == len(_paras(text))


def test_box_lifted_and_text_rejoined_around_it() -> None:
    text = (
        "2013年3月,市总支持成立了由公益红娘领衔的劳模创新工作室。红娘\n\n阅 读 提 示\n\n"
        "某市总聚焦职工婚恋需求,打造服务品牌。\n\n带领200名志愿者,将零散的牵线搭桥升级为专业服务。"
    )
    items = clean_items(_paras(text))
    assert isinstance(items[0], Box) and items[0].text == "某市总聚焦职工婚恋需求,打造服务品牌。"
    assert items[1].text.endswith("工作室。红娘带领200名志愿者,将零散的牵线搭桥升级为专业服务。")
    _check_offsets(text, items)


def test_stray_subhead_inside_a_split_paragraph_floats_out() -> None:
    text = (
        "2023年底,为了提升工作水平,市总按照地域相邻、行业相近等原则,推动获得荣誉的模范职\n\n"
        "市总推动模范职工之家结对共建\n\n工之家与基础薄弱的新业态工会结成对子。"
    )
    items = clean_items(_paras(text))
    assert isinstance(items[0], Float) and items[0].text == "市总推动模范职工之家结对共建"
    assert items[1].text.endswith("模范职工之家与基础薄弱的新业态工会结成对子。")
    _check_offsets(text, items)


def test_crosses_word() -> None:
    assert crosses_word("激发他", "们的工作热情")
    assert crosses_word("针对外", "卖配送员")
    assert not crosses_word("增强组织凝聚力", "如何服务")
