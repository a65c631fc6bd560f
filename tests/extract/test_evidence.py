"""Extraction never raises, and every evidence quote is the original text at its span.

The properties run ingestion too (a generated page → articles → extraction), over text that mixes the
genre's words with any Unicode; examples are derandomized so CI sees the same ones every run.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.document import process_document
from kg.extract import extract
from kg.ingest import segment_articles
from kg.model import Document
from tests.extract.conftest import make_article

DETERMINISTIC = settings(deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])

CHARS = (
    "总工会市县省区镇村街道社区“”「」。，、；：！？\n 开展推出打造为针对联合与在指导下"
    "主席说记者骑手快递员司机之家驿站行动机制甘肃兰州衡水王李张0123456789aZ·()（）"
)
ALPHABET = st.sampled_from(list(CHARS))


@settings(DETERMINISTIC, max_examples=150)
@given(body=st.text(alphabet=ALPHABET, max_size=200), prefix=st.text(max_size=20))
def test_extract_never_raises_and_quotes_match(body: str, prefix: str) -> None:
    original = prefix + body
    ex = extract(make_article(body, prefix=prefix))
    for c in ex.candidates:
        ev = c.evidence
        assert original[ev.start : ev.end] == ev.quote
    for m in ex.mentions:
        assert 0 <= m.start < m.end <= len(body)


@settings(DETERMINISTIC, max_examples=60)
@given(body=st.text(max_size=300))
def test_extract_never_raises_on_any_text(body: str) -> None:
    extract(make_article(body))


def test_evidence_points_into_the_original_document() -> None:
    prefix = "某报 第3版\n\n"
    body = "衡水市总工会探索推出“红色驿家”服务品牌。驿站为快递小哥服务。"
    ex = extract(make_article(body, prefix=prefix))
    original = prefix + body
    assert ex.candidates
    for c in ex.candidates:
        assert original[c.evidence.start : c.evidence.end] == c.evidence.quote
        assert c.evidence.doc == "t.txt" and c.evidence.rule and 0 < c.evidence.confidence <= 1


GENRE = (
    "总工会", "工会", "市总工会", "县总工会", "驿站", "“", "”", "「", "」", "，", "。", "、", "；", ";", "：",
    "省", "市", "县", "区", "街道", "江西省", "九江市", "湖口县", "为", "针对", "开展", "推出", "打造", "建立", "与",
    "合作", "在", "指导下", "快递员", "骑手", "外卖配送员", "货车司机", "新就业形态劳动者", "主席", "党组书记、",
    "表示", "说", "行动", "机制", "项目", "服务", "暖心", "户外劳动者服务", "(", ")", "（", "）",
    "本报讯(记者甲 通讯员乙)", "# ", "\n", "\n\n", " ", "\u3000", "工会(gōnghuì)", "他\n\n们", "區(qū)",
    "臺灣總工會舉辦", "<script>", "\"}; DROP ALL",
)
"""Words, punctuation and page furniture of the genre (no names from the seeds), plus hostile fragments."""

NOISE = st.text(max_size=6)
FACT = st.builds(
    "{}{}{}{}“{}”{}{},为{}{}。{}".format,
    st.sampled_from(["江西省九江市", "九江市", "湖口县", "某某", ""]), st.sampled_from(["总工会", "工会", "市总"]),
    NOISE, st.sampled_from(["开展", "推出", "打造", "建立", "联合"]), st.text(max_size=10),
    st.sampled_from(["行动", "驿站", "项目", "机制", ""]), NOISE,
    st.sampled_from(["快递员", "骑手", "货车司机", "外卖配送员", "职工"]), st.sampled_from(["提供服务", "送清凉", ""]),
    NOISE,
)
"""A sentence of the genre (a body runs a quoted initiative for a group) with any Unicode spliced in."""
ROLE = st.builds("{}总工会{}主席{}表示,{}。".format, st.sampled_from(["九江市", "湖口县", ""]),
                 st.sampled_from(["党组书记、", ""]), st.text(min_size=2, max_size=3), NOISE)
PAGE = st.lists(st.one_of(FACT, ROLE, st.sampled_from(GENRE), NOISE), max_size=30).map("".join)
"""A page mixing the genre's sentences and words with any Unicode, so most pages yield facts."""


def _documents(text: str, prefix: str) -> Document:
    return Document(id="p.txt", path="p.txt", text=prefix + text)


@settings(DETERMINISTIC, max_examples=200)
@given(text=PAGE, prefix=st.sampled_from(["", "\n\n", "某报 第3版\n\n", "\ufeff", "“"]))
def test_ingest_and_extract_any_page_quote_the_original(text: str, prefix: str) -> None:
    """Per document, as the pipeline runs it: never raises, and every quote is doc.text[start:end],
    non-blank, inside the spans of the article it was read from."""
    doc = _documents(text, prefix)
    result = process_document(doc).result
    assert [x.article for x in result.extractions] == [a.index for a in result.articles]
    for article, ex in zip(result.articles, result.extractions, strict=True):
        lo, hi = min(s for s, _ in article.spans), max(e for _, e in article.spans)
        for c in ex.candidates:
            ev = c.evidence
            assert 0 <= lo <= ev.start < ev.end <= hi <= len(doc.text)
            assert doc.text[ev.start : ev.end] == ev.quote and ev.quote.strip()
            assert (ev.doc, ev.article) == (doc.id, article.index) and 0 < ev.confidence <= 1


@settings(DETERMINISTIC, max_examples=200)
@given(text=PAGE)
def test_raw_extraction_offsets_point_at_their_text(text: str) -> None:
    """Before the pipeline re-anchors quotes: a mention's text lies in its body slice (an initiative's
    is the bare name inside its quotes and head noun), and a quote (cleaned text: glosses and column
    breaks dropped) starts and ends where its span does and is a subsequence of it."""
    doc = _documents(text, "")
    for article in segment_articles(doc):
        ex = extract(article)
        for m in ex.mentions:
            assert m.text and m.text in article.body.text[m.start : m.end]
        for c in ex.candidates:
            original = doc.text[c.evidence.start : c.evidence.end]
            quote = c.evidence.quote
            assert quote[:1] == original[:1] and quote[-1:] == original[-1:]
            rest = iter(original)
            assert all(ch in rest for ch in quote), (quote, original)


@settings(DETERMINISTIC, max_examples=60)
@given(text=PAGE)
def test_extraction_is_deterministic(text: str) -> None:
    doc = _documents(text, "")
    assert process_document(doc).result == process_document(doc).result
