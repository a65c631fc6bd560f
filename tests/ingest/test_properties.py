"""Properties over any input: decoding refuses or decodes, HTML and long texts read in pieces equal the whole,
segmentation never crashes and every body character maps back to the original."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.ingest import read as read_module
from kg.ingest import segment_articles
from kg.ingest.decode import NotText, decode_bytes
from kg.ingest.html import HtmlText, html_to_text
from kg.ingest.read import split_parts
from kg.model import Document

# Building blocks of a page, so generated texts hit headings, bylines, boxes, captions and column breaks.
_PIECES = [
    "# 某市总工会推出新举措",
    "## 某刊2025年第1期要目",
    "某县总工会建设驿站——",
    "本报讯(记者甲乙 通讯员丙丁)",
    "【本 报 讯】（记者戊己）",
    "本报记者 庚辛",
    "阅 读 提 示",
    "### 阅读提示",
    "本报通讯员 壬癸 摄",
    "王某摄/中新社",
    "扫一扫阅读全部目录",
    "工会(gōnghuì)",
    "區(qū)",
    "臺灣總工會舉辦競賽",
    "针对外",
    "卖配送员等群体开展服务。",
    "近日,某地工会开展活动,",
    "“引号未闭合",
    "职工。",
    "ＡＢＣ１２３（全角）",
    "\n",
    "\n\n",
    "\n\n\n\n",
    "  ",
    "\u3000",
    "\r\n",
]

page_text = st.one_of(
    st.lists(st.sampled_from(_PIECES), max_size=40).map("".join),
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=8)), max_size=30).map("".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page_text)
def test_every_body_char_maps_back_to_the_original(text: str) -> None:
    doc = Document(id="x.txt", path="x.txt", text=text)
    for art in segment_articles(doc):
        body = art.body
        assert len(body.norm) == len(body.text)
        for i, ch in enumerate(body.text):
            assert doc.text[body.to_orig(i)] == ch
        for s, e in art.spans:
            assert 0 <= s < e <= len(text)


@settings(max_examples=100, deadline=None)
@given(page_text)
def test_segmentation_is_deterministic(text: str) -> None:
    doc = Document(id="x.txt", path="x.txt", text=text)
    assert segment_articles(doc) == segment_articles(doc)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=400), page_text.map(lambda t: t.encode("utf-8")),
                 page_text.map(lambda t: t.encode("gb18030", "replace"))))
def test_any_bytes_decode_or_are_refused_with_a_reason(data: bytes) -> None:
    try:
        text, encoding = decode_bytes(data)
    except NotText as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert text.strip() and "\r" not in text and encoding


_html = st.lists(st.one_of(st.sampled_from(["<p>", "</p>", "<script>", "</script>", "<nav>", "</nav>", "<br>",
                                            "<h1>", "</h1>", "<div class='menu'>", "</div>", "<head>", "<body>",
                                            "&amp;", "&#x5de5;", "<!--", "-->", "\n\n", " "]),
                           st.sampled_from(_PIECES), st.text(max_size=6)), max_size=40).map("".join)


@settings(max_examples=200, deadline=None)
@given(_html, st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=8))
def test_html_read_in_pieces_equals_html_read_whole(html: str, sizes: list[int]) -> None:
    parser, out, pos, i = HtmlText(), [], 0, 0
    while pos < len(html):
        step = sizes[i % len(sizes)]
        out.append(parser.feed(html[pos : pos + step]))
        pos, i = pos + step, i + 1
    out.append(parser.close())
    assert "".join(out) == html_to_text(html)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=30)), max_size=200).map("".join),
       st.integers(min_value=1, max_value=97))
def test_parts_of_a_streamed_text_rebuild_it(text: str, step: int) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(read_module, "PART_CHARS", 40)
        mp.setattr(read_module, "MAX_PART_CHARS", 160)
        parts = list(split_parts(text[i : i + step] for i in range(0, len(text), step)))
    assert "".join(p for _, p in parts) == text
    assert [s for s, _ in parts] == [sum(len(p) for _, p in parts[:k]) for k in range(len(parts))]
    assert all(len(p) <= 160 + p.count("\n") for _, p in parts[:-1])
