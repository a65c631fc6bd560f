"""Same-length normalisation for matching: NFKC width folding and Traditional→Simplified.

`fold(text)[i]` always corresponds to `text[i]`, so offsets found in folded text
are offsets into the original.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import opencc

# Characters outside these ranges may change under NFKC (full-width forms, compatibility ideographs…).
_MAYBE_WIDE = re.compile(
    "[^\x00-\x9f\u4e00-\u9fff\u3001\u3002\u3008-\u3011\u2014\u2018\u2019\u201c\u201d\u2026\u00b7]+"
)


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@cache
def _nfkc_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


def _nfkc_run(m: re.Match[str]) -> str:
    return "".join(map(_nfkc_char, m.group()))


@cache
def _t2s_char(ch: str) -> str:
    out = _t2s().convert(ch)
    return out if len(out) == 1 else ch


def _t2s_same_length(text: str) -> str:
    """Convert to Simplified; where a phrase conversion changes length, convert that line char by char."""
    out = _t2s().convert(text)
    if len(out) == len(text):
        return out
    lines = text.split("\n")
    done = []
    for line in lines:
        conv = _t2s().convert(line)
        done.append(conv if len(conv) == len(line) else "".join(map(_t2s_char, line)))
    return "\n".join(done)


def simplify(text: str) -> str:
    """`text` in Simplified characters, same length: layout keywords (本報訊, 記者, 攝) match on Traditional pages."""
    return _t2s_same_length(text) if text else text


def fold(text: str) -> str:
    """Return `text` folded for matching (Simplified, NFKC width-folded), with the same length."""
    if not text:
        return text
    return _MAYBE_WIDE.sub(_nfkc_run, _t2s_same_length(text))
