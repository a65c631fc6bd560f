"""Decoding: the encodings Chinese pages come in, and refusal of binary or empty files."""

from __future__ import annotations

import pytest

from kg.ingest.decode import NotText, decode_bytes

TEXT = "甘肃省某县总工会为货车司机建设“司机之家”。\n第二段：职工服务。\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("utf-16"), "utf-16"),
        (b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("utf-32"), "utf-32-le"),
    ],
)
def test_encodings_decode_to_the_same_text(data: bytes, encoding: str) -> None:
    text, found = decode_bytes(data)
    assert text == TEXT
    assert found == encoding


def test_big5_traditional_text() -> None:
    trad = "臺灣省總工會舉辦職工技能競賽,為勞動者提供職業培訓與關懷服務。各級工會積極響應。\n" * 3
    text, found = decode_bytes(trad.encode("big5"))
    assert text == trad
    assert found == "big5"


def test_crlf_becomes_newline() -> None:
    assert decode_bytes("一\r\n\r\n二\r三".encode())[0] == "一\n\n二\n三"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
        b"PK\x03\x04" + b"\x00" * 40,
        "正文".encode() + b"\x00\x01\x02" + b"abc",
        bytes(range(1, 32)) * 20,
    ],
)
def test_binary_refused(data: bytes) -> None:
    with pytest.raises(NotText, match="binary"):
        decode_bytes(data)


@pytest.mark.parametrize("data", [b"", b"   \n\n", "\ufeff".encode("utf-8-sig") + b"\n"])
def test_empty_refused(data: bytes) -> None:
    with pytest.raises(NotText, match="empty"):
        decode_bytes(data)


def test_bad_utf16_after_bom_refused() -> None:
    with pytest.raises(NotText, match="undecodable"):
        decode_bytes(b"\xff\xfe" + b"\x00\xd8\x41")
