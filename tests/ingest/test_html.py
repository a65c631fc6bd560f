"""HTML pages reduced to text: blocks to paragraphs, headings marked, scripts and navigation gone."""

from __future__ import annotations

from kg.ingest.html import html_to_text

PAGE = """<!doctype html><html><head><title>站点标题</title><style>p{color:red}</style>
<script>var x = "脚本内容";</script></head><body>
<nav><a href="/">首页</a> <a href="/x">导航栏目</a></nav>
<h1>某市总工会推出“暖心驿站”</h1>
<p>本报讯(记者张三)近日,某市总工会&amp;人社局推出驿站。<br>第二行</p>
<div>第二段<b>加粗</b>文字。</div>
</body></html>"""


def test_html_text_keeps_content_and_drops_chrome() -> None:
    text = html_to_text(PAGE)
    assert "# 某市总工会推出“暖心驿站”" in text
    assert "本报讯(记者张三)近日,某市总工会&人社局推出驿站。\n第二行" in text
    assert "第二段加粗文字。" in text
    for gone in ("脚本内容", "导航栏目", "color:red", "站点标题"):
        assert gone not in text


def test_html_blocks_become_paragraphs() -> None:
    paras = [p for p in html_to_text(PAGE).split("\n\n") if p.strip()]
    assert len(paras) == 3
