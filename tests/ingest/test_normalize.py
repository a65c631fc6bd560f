"""fold(): same-length matching text — Simplified characters, half-width forms."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kg.ingest import fold


def test_traditional_to_simplified() -> None:
    assert fold("臺灣區總工會舉辦職工技能競賽") == "台湾区总工会举办职工技能竞赛"


def test_width_folding() -> None:
    assert fold("ＡＢＣ１２３（记者）：　") == "ABC123(记者): "


def test_simplified_unchanged() -> None:
    text = "兰州市总工会建立“四上三点两融合”机制,服务外卖配送员。"
    assert fold(text) == text


def test_chars_whose_nfkc_is_longer_are_kept() -> None:
    assert fold("㈱①ﬁ") == "㈱1ﬁ"


@given(st.text())
def test_fold_keeps_length(text: str) -> None:
    assert len(fold(text)) == len(text)


@given(st.text(alphabet="臺灣區總會舉辦職競賽為勞動者與關懷務各級積極響應 \n,。ＡＢ１"))
def test_fold_of_traditional_text_is_simplified_and_aligned(text: str) -> None:
    folded = fold(text)
    assert len(folded) == len(text)
    assert all(a == b for a, b in zip(text, folded, strict=True) if a in " \n,。")
