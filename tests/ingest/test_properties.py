"""Properties over any text: segmentation never crashes and every body character maps back to the original."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.ingest import segment_articles
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
