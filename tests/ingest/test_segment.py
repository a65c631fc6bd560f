"""Segmentation of a page into articles: headlines, bylines, captions, tables of contents, boxes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.ingest import segment_articles
from kg.ingest.paragraphs import Para
from kg.ingest.segment import MAX_ARTICLE_CHARS, Segment, cap_articles
from kg.model import Article, Document

PAGE = """

某市总工会推出三项举措,服务新就业形态劳动者——

# 暖心驿站开进商圈

本报讯(记者甲乙 通讯员丙丁)“在这里能热饭、能充电。”近日,某市总工会在商圈建成暖心驿站。

据介绍,驿站配备休息区和充电设施,面向外卖配送员开放。

## 某刊2025年第1期要目

推动工会工作高质量发展……某某
深化产业工人队伍建设改革……某某

扫一扫阅读《某刊》第1期全部目录

## 某县举办职工技能大赛

【本 报 讯】（记者戊己）日前,某县总工会举办职工技能大赛,200余名职工参赛。

服务有温度

大赛期间,县总工会为参赛职工提供免费午餐。



送清凉进工地

7月8日,某市总工会工作人员为建筑工人送上防暑物资。

本报通讯员 庚辛 摄

某区工会打造“15分钟服务圈”——

## 服务圈里的新故事

### 阅读提示

某区工会整合阵地资源,打造服务圈,让职工就近享受服务。

本报记者 壬癸

清晨,服务圈里的职工书屋已有读者。区总工会相关负责人介绍,服务圈覆盖全区。
"""


def _doc(text: str, doc_id: str = "page.txt") -> Document:
    return Document(id=doc_id, path=doc_id, text=text)


def _articles(text: str) -> list[Article]:
    return segment_articles(_doc(text))


def test_articles_headlines_kickers_bylines() -> None:
    arts = _articles(PAGE)
    assert [a.headline for a in arts] == [
        "暖心驿站开进商圈",
        "某县举办职工技能大赛",
        "送清凉进工地",
        "服务圈里的新故事",
    ]
    assert [a.index for a in arts] == [0, 1, 2, 3]
    first, contest, photo, circle = arts
    assert first.kicker == "某市总工会推出三项举措,服务新就业形态劳动者——"
    assert first.byline == "本报讯(记者甲乙 通讯员丙丁)"
    assert contest.byline == "【本 报 讯】（记者戊己）"
    assert circle.byline == "本报记者 壬癸"
    assert circle.kicker == "某区工会打造“15分钟服务圈”——"


def test_inline_byline_kept_in_body_and_line_byline_not() -> None:
    first, _, _, circle = _articles(PAGE)
    assert first.body.text.startswith("本报讯(记者甲乙 通讯员丙丁)“在这里能热饭")
    assert "本报记者" not in circle.body.text


def test_section_titles_stay_in_the_story() -> None:
    contest = _articles(PAGE)[1]
    assert "服务有温度" in contest.body.text
    assert contest.body.text.endswith("提供免费午餐。")


def test_table_of_contents_skipped() -> None:
    bodies = "".join(a.body.text for a in _articles(PAGE))
    assert "要目" not in bodies and "某某" not in bodies and "扫一扫" not in bodies


def test_photo_caption_is_its_own_short_article() -> None:
    photo = _articles(PAGE)[2]
    assert photo.kind == "caption"
    assert photo.byline == "本报通讯员 庚辛 摄"
    assert photo.body.text == "7月8日,某市总工会工作人员为建筑工人送上防暑物资。"


def test_summary_box_marker_is_not_body() -> None:
    circle = _articles(PAGE)[3]
    assert "阅读提示" not in circle.body.text
    assert circle.body.text.endswith("服务圈覆盖全区。")


def test_spans_point_at_the_original_text() -> None:
    for a in _articles(PAGE):
        covered = "".join(PAGE[s:e] for s, e in a.spans)
        assert covered.replace("\n", "") == a.body.text.replace("\n", "")


def test_traditional_input_norm_is_simplified_text_is_original() -> None:
    text = (
        "臺北縣總工會舉辦職工技能競賽\n\n本報記者 張三\n\n日前,縣總工會舉辦職工技能競賽,為勞動者提供服務。\n"
    )
    arts = _articles(text)
    assert len(arts) == 1
    body = arts[0].body
    assert body.text == "日前,縣總工會舉辦職工技能競賽,為勞動者提供服務。"
    assert body.norm == "日前,县总工会举办职工技能竞赛,为劳动者提供服务。"
    assert arts[0].headline == "臺北縣總工會舉辦職工技能競賽"
    start = body.norm.index("总工会")
    assert text[body.to_orig(start) : body.to_orig(start) + 3] == "總工會"


def test_page_starting_mid_sentence_is_still_an_article() -> None:
    text = "些都值得一试!”他说。\n\n## 某地工会新闻\n\n本报讯(记者甲)某地工会开展活动。\n"
    arts = _articles(text)
    assert [a.headline for a in arts] == ["", "某地工会新闻"]
    assert arts[0].body.text == "些都值得一试!”他说。"


def test_pinyin_and_duplicates_removed_in_article_bodies() -> None:
    dup = "他们还为职工准备了保暖用品和节日礼包,让大家感受到组织的温暖。"
    text = f"## 工会(gōnghuì)送温暖\n\n本报讯(记者甲)各地工會(gōnghuì)开展活动。\n\n{dup}\n\n{dup}\n"
    (art,) = _articles(text)
    assert art.body.text == f"本报讯(记者甲)各地工會开展活动。\n\n{dup}"
    assert art.headline == "工会送温暖"


def test_empty_or_blank_document_gives_no_articles() -> None:
    assert _articles("\n\n   \n") == []


def test_headline_mentioning_a_catalogue_is_not_a_table_of_contents() -> None:
    text = (
        "## 人社部发布新职业目录 网约配送员在列\n\n本报讯(记者甲)日前,人社部发布新职业目录。\n\n"
        "## 某刊第3期要目\n\n文章一……作者\n"
    )
    arts = _articles(text)
    assert [a.headline for a in arts] == ["人社部发布新职业目录 网约配送员在列"]


# Text with no article breaks is cut into bounded articles (issue #23: extraction was quadratic in
# the length of one article, and a one-line file was one article as long as the file)

_SENTENCE = "近日,某市总工会在商圈建成暖心驿站,为外卖配送员提供休息、饮水、充电等服务。"


def _mapped_back(text: str, art: Article) -> None:
    """Every run of the article's body is the original text at the offsets it records."""
    for p in art.body.pieces:
        assert art.body.text[p.clean_start : p.clean_start + p.length] == text[p.orig_start : p.orig_start + p.length]
    assert "".join(text[s:e] for s, e in art.spans).replace("\n", "") == art.body.text.replace("\n", "")


def _words(text: str) -> str:
    return "".join(text.split())


def test_a_long_line_is_cut_at_sentence_ends_into_bounded_articles() -> None:
    text = "标题在前 " + _SENTENCE * 2_000  # one line, about 80,000 characters
    arts = _articles(text)
    assert len(arts) >= len(text) // MAX_ARTICLE_CHARS
    assert all(len(a.body.text) <= MAX_ARTICLE_CHARS for a in arts)
    assert _words("".join(a.body.text for a in arts)) == _words(text)  # nothing lost or repeated, in order
    assert all(a.body.text.endswith("。") for a in arts)
    for a in arts:
        _mapped_back(text, a)


def test_single_newline_paragraphs_and_text_without_punctuation_are_capped_too() -> None:
    lines = "\n".join([_SENTENCE] * 1_500)  # paragraphs on single newlines: one block
    no_stop = "甲" * 50_000  # no sentence end, no comma: cut at the limit
    for text in (lines, no_stop, lines + "\n\n\n" + no_stop):
        arts = _articles(text)
        assert all(len(a.body.text) <= MAX_ARTICLE_CHARS for a in arts)
        assert _words("".join(a.body.text for a in arts)) == _words(text)
        for a in arts:
            _mapped_back(text, a)


def test_a_long_article_keeps_its_headline_on_the_first_piece() -> None:
    paras = [f"第{k}段" + _SENTENCE * 40 for k in range(20)]  # distinct: repeated paragraphs are dropped
    text = "# 暖心驿站开进商圈\n\n本报讯(记者甲乙)\n\n" + "\n\n".join(paras)
    arts = _articles(text)
    assert len(arts) > 1
    assert arts[0].headline == "暖心驿站开进商圈" and arts[0].byline
    assert all(not a.headline and not a.byline for a in arts[1:])
    assert all(len(a.body.text) <= MAX_ARTICLE_CHARS for a in arts)
    for a in arts:  # cut between paragraphs: each piece starts a paragraph
        assert a.body.text.startswith(("第", "本报讯"))
    assert _words("".join(a.body.text for a in arts)) == _words("本报讯(记者甲乙)" + "".join(paras))


def test_articles_under_the_cap_are_left_whole() -> None:
    segs = [Segment(0, body=[Para(((0, 40),), "甲" * 40)]), Segment(1, body=[Para(((40, 80),), "乙" * 40)])]
    assert cap_articles(segs, limit=40) == segs
    cut = cap_articles(segs, limit=30)
    assert [len(s.body[0].text) for s in cut] == [30, 10, 30, 10]
    assert [s.body[0].parts for s in cut] == [((0, 30),), ((30, 40),), ((40, 70),), ((70, 80),)]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 5), st.integers(1, 6)), min_size=1, max_size=6),
    st.lists(st.integers(0, 40), max_size=6),
)
def test_one_pass_slices_and_removals_as_slice_and_join(gaps: list[tuple[int, int]], cuts: list[int]) -> None:
    parts, pos = [], 0
    for gap, n in gaps:  # runs of the original with gaps between them (a paragraph re-joined)
        parts.append((pos + gap, pos + gap + n))
        pos += gap + n
    text = "".join(chr(0x4E00 + k) * (e - s) for k, (s, e) in enumerate(parts))
    para = Para(tuple(parts), text)
    bounds = sorted({0, len(text), *(c for c in cuts if c <= len(text))})
    assert para.slices(bounds) == [para.slice(a, b) for a, b in zip(bounds, bounds[1:], strict=False)]
    spans = list(zip(bounds[1:-1:2], bounds[2:-1:2], strict=False))  # sorted, disjoint
    joined = Para((), "", para.gap)
    keep, pos = [], 0
    for s, e in spans:
        keep.append((pos, s))
        pos = e
    for s, e in [*keep, (pos, len(text))]:
        if s < e:
            joined = joined.join(para.slice(s, e))
    assert para.without(spans) == joined  # the one-pass removal gives what joining the kept slices gives


class _Scanned(str):
    """Document text that counts the characters its `find` searches (how often ingest scans the page)."""

    searched = 0

    def find(self, sub: str, start: int | None = None, end: int | None = None) -> int:  # type: ignore[override]
        lo, hi = start or 0, len(self) if end is None else end
        at = super().find(sub, lo, hi)
        self.searched += (at + len(sub) if at >= 0 else hi) - lo
        return at


def test_a_page_cut_into_many_articles_is_searched_a_bounded_number_of_times() -> None:
    text = _Scanned(_SENTENCE * 5_000)  # 200,000 characters on one line: ten articles, no blank line
    arts = segment_articles(Document(id="line.txt", path="line.txt", text=text))
    assert len(arts) >= 10
    assert text.searched <= 2 * len(text)  # each article searched the whole page for a separator: 20x
