"""Server URLs in messages: credentials written into a URL (scheme://user:password@host) never get printed."""

from __future__ import annotations

import re

_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/?#@\s]*@")


def redact(text: str) -> str:
    """`text` with the user:password@ part of every URL in it replaced by ***@."""
    return _USERINFO.sub(r"\1***@", text)
