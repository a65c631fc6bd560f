"""Bytes → text: BOMs, UTF-16 without one, strict UTF-8, GB18030, Big5, the one of those three with a few
bad bytes, then charset-normalizer; binary refused.

A few undecodable bytes (a damaged download) do not lose a file: they become U+FFFD and are counted, so
the reader can warn. `decode` decodes a whole file; `sniff_encoding` picks the encoding of a file too
large to hold, from its first bytes, for a streaming decoder (which marks bad bytes with MARK_ERRORS).
"""

from __future__ import annotations

import codecs
import re
from itertools import repeat
from typing import NamedTuple

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

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
_MESS_SAMPLE = 1 << 15
"""Characters of a candidate decoding that charset-normalizer's mess ratio looks at."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_NEWLINES = re.compile(r"\r\n?")


class NotText(ValueError):
    """The bytes are not a text file we can read; the message is the skip reason."""


class Decoded(NamedTuple):
    """A file's text, the encoding it was read in, and how many bad bytes became U+FFFD."""

    text: str
    encoding: str
    replaced: int = 0


MARK_ERRORS = "kg-mark"
"""Codec error handler: each undecodable byte becomes a lone surrogate U+DC00+byte, a character no correct
decoding yields (strict UTF-8/16/32 refuse surrogates, GB18030 and Big5 never give one), so bad bytes can
be found, counted and replaced in the decoded text (`replace_marks`)."""
MARKS = re.compile("[\udc00-\udcff]")


def _mark(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "".join(chr(0xDC00 + b) for b in exc.object[exc.start : exc.end]), exc.end


codecs.register_error(MARK_ERRORS, _mark)


def replace_marks(text: str) -> tuple[str, int]:
    """`text` with each marked bad byte (see MARK_ERRORS) replaced by U+FFFD, and how many there were."""
    return MARKS.subn("\ufffd", text)


def tolerable(bad: int, size: int) -> bool:
    """Whether `bad` undecodable bytes in `size` bytes are damage to read past (at most 1 in 50, and 4 or
    0.2 %), not a sign of the wrong encoding."""
    return bad * 50 <= size and bad <= max(4, size // 500)


def _lossy(data: bytes, encoding: str) -> Decoded:
    """`data` decoded with bad bytes replaced by U+FFFD, counted."""
    text, bad = replace_marks(data.decode(encoding, MARK_ERRORS))
    return Decoded(text, encoding, bad)


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _guess(data: bytes) -> Decoded:
    """Try the encodings of Chinese text in order of how strictly they reject wrong input; then the one of
    them that fits but for a few bad bytes; then whatever charset-normalizer finds."""
    text = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8")
    gb, big5 = _strict(data, "gb18030"), _strict(data, "big5")
    if gb is not None and big5 is not None:
        best = from_bytes(data, cp_isolation=["gb18030", "big5"]).best()
        return Decoded(big5, "big5") if best is not None and best.encoding == "big5" else Decoded(gb, "gb18030")
    if gb is not None or big5 is not None:
        return Decoded(gb, "gb18030") if gb is not None else Decoded(big5, "big5")  # type: ignore[arg-type]
    damaged = [d for d in map(_lossy, repeat(data), ("utf-8", "gb18030", "big5")) if tolerable(d.replaced, len(data))]
    if damaged:  # GB18030 and Big5 both read most Big5 or GB bytes: the one that makes sense wins
        return min(damaged, key=lambda d: (mess_ratio(d.text[:_MESS_SAMPLE], maximum_threshold=1e9), d.replaced))
    best = from_bytes(data).best()
    if best is None:
        raise NotText("undecodable text (no known encoding fits)")
    return Decoded(str(best), best.encoding)


def _bom(data: bytes) -> str | None:
    return next((enc for b, enc in _BOMS if data.startswith(b)), None)


def _utf16_order(data: bytes) -> str | None:
    """The byte order, "utf-16-le" or "utf-16-be", of bytes that look like UTF-16 without a byte-order mark: NULs
    (the high half of every ASCII character: line ends, digits, punctuation) nearly all at odd offsets
    (little-endian) or nearly all at even ones (big-endian). None otherwise."""
    sample = data[:65536]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) < 2 or min(even, odd) * 4 > max(even, odd):
        return None
    return "utf-16-le" if odd > even else "utf-16-be"


def _check_controls(text: str) -> None:
    if len(_CONTROL.findall(text[:65536])) > max(8, len(text[:65536]) // 100):
        raise NotText("binary file (control characters)")


def decode(data: bytes) -> Decoded:
    """Decode file bytes (newlines as "\\n"); NotText for binary or empty files, or text in no known encoding.
    A few bad bytes (see `tolerable`) become U+FFFD, counted in `replaced`."""
    if not data.strip():
        raise NotText("empty file")
    bom = _bom(data)
    if bom is not None:
        decoded = _lossy(data, bom)
        if not tolerable(decoded.replaced, len(data)):
            raise NotText(f"undecodable text (bad {bom} after its byte-order mark)")
        decoded = decoded._replace(text=decoded.text.lstrip("\ufeff"))
    elif data.startswith(_MAGIC):
        raise NotText("binary file")
    elif b"\x00" in data[:65536]:
        order = _utf16_order(data)
        decoded = _lossy(data, order) if order else None
        if decoded is None or not tolerable(decoded.replaced, len(data)) or "\x00" in decoded.text:
            raise NotText("binary file")
    else:
        decoded = _guess(data)
    _check_controls(decoded.text)
    text = _NEWLINES.sub("\n", decoded.text)
    if not text.strip():
        raise NotText("empty file")
    return decoded._replace(text=text)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode file bytes to (text, encoding) (see `decode`, which also counts bytes replaced)."""
    text, encoding, _ = decode(data)
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
        if b"\x00" in head[:65536] and not head.startswith(_MAGIC):
            return decode(head[: len(head) // 2 * 2]).encoding  # UTF-16 (a cut surrogate pair is one bad pair)
        return decode(head[: _safe_end(head)]).encoding
    text = codecs.getincrementaldecoder(bom)(MARK_ERRORS).decode(head, final=False)
    if not tolerable(len(MARKS.findall(text)), len(head)):
        raise NotText(f"undecodable text (bad {bom} after its byte-order mark)")
    _check_controls(text)
    return bom
