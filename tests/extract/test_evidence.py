"""Extraction never raises, and every evidence quote is the original text at its span."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import extract
from tests.extract.conftest import make_article

CHARS = (
    "总工会市县省区镇村街道社区“”「」。，、；：！？\n 开展推出打造为针对联合与在指导下"
    "主席说记者骑手快递员司机之家驿站行动机制甘肃兰州衡水王李张0123456789aZ·()（）"
)
ALPHABET = st.sampled_from(list(CHARS))


@settings(max_examples=150, deadline=None)
@given(body=st.text(alphabet=ALPHABET, max_size=200), prefix=st.text(max_size=20))
def test_extract_never_raises_and_quotes_match(body: str, prefix: str) -> None:
    original = prefix + body
    ex = extract(make_article(body, prefix=prefix))
    for c in ex.candidates:
        ev = c.evidence
        assert original[ev.start : ev.end] == ev.quote
    for m in ex.mentions:
        assert 0 <= m.start < m.end <= len(body)


@settings(max_examples=60, deadline=None)
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
