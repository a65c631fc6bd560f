"""Stories printed in two places on a page are stitched by the text they share, opening part first."""

from __future__ import annotations

from kg.ingest import segment_articles
from kg.model import Document

CONTINUED = """某省工会扎实推进职工服务阵地建设,积极回应职工关切——

## 织密职工服务阵地网络 当好职工贴心娘家人

心中,持续织密服务阵地网络,让职工就近享受帮扶服务。

近年来,省总工会推动阵地建设向园区、商圈延伸,服务阵地网络覆盖城乡。

## 某市举办职工篮球赛

本报讯(记者甲)日前,某市职工篮球赛开幕,来自各行业的16支球队参赛。比赛持续一周。



阅读提示

省总工会推动服务阵地建设向园区延伸,织密职工服务阵地网络,当好职工贴心娘家人。

本报记者 乙丙

今年以来,某省工会把服务阵地建设作为重点工作,始终把职工放在
"""

KICKER_ON_TOP = """某县总工会建设职工驿站,吸引货车司机走进工会——

“歇歇脚,去驿站喝口茶”

“技能比武展风采”

本报记者 丁戊

“这次比武让我学到很多。”某厂职工在技能比武现场说。厂工会组织职工开展技能比武活动,展示技能风采。

## 某地举办读书分享会

本报讯(记者己)某地职工读书分享会日前举办。

本报记者 庚辛

“歇歇脚,去驿站喝口茶。”货车司机在县总工会建设的职工驿站里说。驿站为货车司机提供热水、休息和入会服务,县总工会在驿站开展入会宣传。
"""


def _arts(text: str):  # type: ignore[no-untyped-def]
    return segment_articles(Document(id="p.txt", path="p.txt", text=text))


def test_opening_part_at_page_end_joined_to_its_headline() -> None:
    arts = _arts(CONTINUED)
    assert [a.headline for a in arts] == ["织密职工服务阵地网络 当好职工贴心娘家人", "某市举办职工篮球赛"]
    story = arts[0]
    assert story.byline == "本报记者 乙丙"
    body = story.body.text
    assert body.index("今年以来,某省工会") < body.index("近年来,省总工会")
    assert "始终把职工放在心中,持续织密服务阵地网络" in body  # sentence re-joined at the seam
    assert len(story.spans) >= 2
    assert story.spans[0][0] > story.spans[-1][0]  # opening part printed later on the page
    for i, ch in enumerate(story.body.text):
        assert CONTINUED[story.body.to_orig(i)] == ch


def test_kicker_and_headline_above_another_headline_go_to_their_orphan_body() -> None:
    arts = _arts(KICKER_ON_TOP)
    by_headline = {a.headline: a for a in arts}
    assert set(by_headline) == {"“歇歇脚,去驿站喝口茶”", "“技能比武展风采”", "某地举办读书分享会"}
    station = by_headline["“歇歇脚,去驿站喝口茶”"]
    assert station.byline == "本报记者 庚辛"
    assert station.kicker == "某县总工会建设职工驿站,吸引货车司机走进工会——"
    assert station.body.text.startswith("“歇歇脚,去驿站喝口茶。”货车司机")
    contest = by_headline["“技能比武展风采”"]
    assert contest.byline == "本报记者 丁戊" and contest.kicker == ""
    assert contest.body.text.startswith("“这次比武让我学到很多。”")


def test_unrelated_orphan_stays_an_article_without_headline() -> None:
    text = (
        "## 某市举办职工篮球赛\n\n本报讯(记者甲)日前,某市职工篮球赛开幕,16支球队参赛。\n\n"
        "本报记者 乙丙\n\n海边渔村的夜晚,灯火点点,渔民们修补渔网,准备第二天出海。\n"
    )
    arts = _arts(text)
    assert [a.headline for a in arts] == ["某市举办职工篮球赛", ""]
    assert arts[1].byline == "本报记者 乙丙"
