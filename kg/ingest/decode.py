"""Bytes → text: BOMs, strict UTF-8, GB18030, Big5, then charset-normalizer; binary refused.

`decode_bytes` decodes a whole file; `sniff_encoding` picks the encoding of a file too large to hold,
from its first bytes, for a streaming decoder.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"%PDF",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"BZh",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\x7fELF",
    b"MZ",
    b"RIFF",
    b"OggS",
    b"ID3",
    b"\xd0\xcf\x11\xe0",
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_NEWLINES = re.compile(r"\r\n?")


class NotText(ValueError):
    """The bytes are not a text file we can read; the message is the skip reason."""


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _guess(data: bytes) -> tuple[str, str]:
    """Try the encodings of Chinese text in order of how strictly they reject wrong input."""
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    gb, big5 = _strict(data, "gb18030"), _strict(data, "big5")
    if gb is not None and big5 is not None:
        best = from_bytes(data, cp_isolation=["gb18030", "big5"]).best()
        return (big5, "big5") if best is not None and best.encoding == "big5" else (gb, "gb18030")
    if gb is not None or big5 is not None:
        return (gb, "gb18030") if gb is not None else (big5, "big5")  # type: ignore[return-value]
    best = from_bytes(data).best()
    if best is None:
        raise NotText("undecodable text (no known encoding fits)")
    return str(best), best.encoding


def _bom(data: bytes) -> str | None:
    return next((enc for b, enc in _BOMS if data.startswith(b)), None)


def _check_controls(text: str) -> None:
    if len(_CONTROL.findall(text[:65536])) > max(8, len(text[:65536]) // 100):
        raise NotText("binary file (control characters)")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode file bytes to (text, encoding) with newlines as "\\n"; raise NotText for binary or empty."""
    if not data.strip():
        raise NotText("empty file")
    bom = _bom(data)
    if bom is not None:
        text = _strict(data, bom)
        if text is None:
            raise NotText(f"undecodable text (bad {bom} after its byte-order mark)")
        text, encoding = text.lstrip("\ufeff"), bom
    elif data.startswith(_MAGIC) or b"\x00" in data[:65536]:
        raise NotText("binary file")
    else:
        text, encoding = _guess(data)
    _check_controls(text)
    text = _NEWLINES.sub("\n", text)
    if not text.strip():
        raise NotText("empty file")
    return text, encoding


def _safe_end(head: bytes) -> int:
    """Where `head` can be cut without splitting a character in UTF-8, GB18030 or Big5: after its last
    byte below 0x30 (no multi-byte sequence of these encodings contains one), else its end."""
    at = max(head.rfind(bytes([b])) for b in range(0x30))
    return at + 1 if at >= 0 else len(head)


def sniff_encoding(head: bytes) -> str:
    """The encoding of a large file from its first bytes (which may end mid-character); NotText if binary."""
    bom = _bom(head)
    if bom is None:
        return decode_bytes(head[: _safe_end(head)])[1]
    try:
        text = codecs.getincrementaldecoder(bom)().decode(head, final=False)
    except UnicodeDecodeError:
        raise NotText(f"undecodable text (bad {bom} after its byte-order mark)") from None
    _check_controls(text)
    return bom
