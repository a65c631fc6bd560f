"""What a paragraph of a newspaper page is: heading, byline, photo credit, box marker, body text…

The patterns describe the genre (Chinese newspaper layout), not particular articles. They are written in
Simplified characters and matched on a same-length Simplified copy, so Traditional pages read the same.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from kg.ingest.normalize import simplify

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


class Kind(StrEnum):
    """Paragraph kinds the segmenter reacts to."""

    HEADING = "heading"  # markdown heading line ("# …", "## …")
    SHORT = "short"  # a single short line that does not end a sentence: headline, kicker, section title
    BOXMARK = "boxmark"  # "阅读提示": the next paragraph is a summary box, not body
    BYLINE = "byline"  # "本报记者 某某 本报通讯员 某某"
    LEAD = "lead"  # body paragraph opening with a dateline byline: 本报讯(记者…)
    CREDIT = "credit"  # photo credit on its own: "本报通讯员 某某 摄", "某某摄/中新社"
    TOCEND = "tocend"  # "扫一扫阅读…全部目录"
    TEXT = "text"


_HEADING = re.compile(r"^#{1,6}[ \t]*")
_BOX_WORDS = frozenset({"阅读提示", "导读", "内容提要"})
_SPACES = re.compile(r"[\s#\u3000]+")
_TOCEND = re.compile(r"^扫一扫.{0,40}目录$")
_TOC = re.compile(r"(?:要目|目录)[》」”]?$")
_REPORTER = r"(?:本报(?:特约)?(?:记者|通讯员)|特约记者|记者|通讯员)"
_NAME = rf"[{HAN}·]{{2,5}}"
_BYLINE = re.compile(rf"^{_REPORTER}[ \t\u3000]*{_NAME}(?:[ \t\u3000]+(?:{_REPORTER}[ \t\u3000]*)?{_NAME})*$")
_LEAD = re.compile(
    r"^(?:【[ \u3000]*本[ \u3000]*报[ \u3000]*讯[ \u3000]*】|本报讯"
    rf"|(?:本报|新华社|中新社)[{HAN}\d]{{1,16}}电)"
    r"[ \u3000]*(?:[(（][^()（）\n]{1,60}[)）])?"
)
_AGENCY = r"(?:(?:本报|新华社|中新社|人民网|新华网)?(?:特约)?(?:记者|通讯员|摄影记者)?)"
_NAMES = rf"[{HAN}·]{{2,5}}(?:[ \t\u3000]+[{HAN}·]{{2,5}})*"
_CREDIT_BODY = rf"{_AGENCY}[ \t\u3000]*{_NAMES}[ \t\u3000]*摄(?:[ \t\u3000]*[/／][ \t\u3000]*[{HAN}]{{2,6}})?"
_CREDIT = re.compile(rf"^{_CREDIT_BODY}$")
_CREDIT_TAIL = re.compile(rf"(?:(?<=[。!?!?”\s])|^)[ \t\u3000]*(?P<credit>{_CREDIT_BODY})[ \t\u3000]*$")
_CREDIT_SCAN = 12  # a photo credit's "摄" is within this many chars of the paragraph end
_LEAD_SCAN = 200  # a dateline byline ends within this many chars of the paragraph start
_SENTENCE_END = "。!?!?…"
_CLOSERS = "”’」』)）》"
_NOT_SHORT_END = frozenset(_SENTENCE_END + ";;,,、:：")
_OPENERS = {"“": "”", "‘": "’", "(": ")", "（": "）", "《": "》", "「": "」", "『": "』"}
SHORT_MAX = 80
# A line opening with a discourse connective and a comma is a sentence, never a headline or kicker.
_CONNECTIVE = re.compile(
    r"^(?:此外|另外|同时|与此同时|其中|据悉|据了解|据介绍|目前|近年来|近日|日前|今年以来|多年来|"
    r"然而|但是|而且|并且|因此|所以|随后|最终|如今|此前|为此|对此)[,，]"
)


def heading_level(text: str) -> int:
    """Number of leading '#' markers (0 if none)."""
    m = _HEADING.match(text)
    return len(m.group().strip()) if m else 0


def heading_text(text: str) -> str:
    """A heading line without its markdown markers."""
    return _HEADING.sub("", text).strip()


def balanced(text: str) -> bool:
    """True when every opening quote/bracket in `text` is closed."""
    return all(text.count(o) <= text.count(c) for o, c in _OPENERS.items())


def finished(text: str) -> bool:
    """True when a paragraph ends a sentence (or a kicker's dash), so the next one does not continue it."""
    t = text.rstrip()
    if not t or t.endswith("——"):
        return True
    if t[-1] in _SENTENCE_END:
        return True
    return t[-1] in _CLOSERS and len(t) > 1 and t[-2] in _SENTENCE_END


def is_kicker_line(text: str) -> bool:
    """A kicker line introducing the headline below it ends with a dash."""
    return text.rstrip().endswith("——")


def is_toc(text: str) -> bool:
    """A heading that announces a table of contents (《某刊》第N期要目)."""
    return bool(_TOC.search(simplify(heading_text(text))))


def lead_byline(text: str) -> str:
    """The dateline byline opening a body paragraph (本报讯(记者…)), or ''."""
    m = _LEAD.match(simplify(text[:_LEAD_SCAN]))
    return text[: m.end()].strip() if m else ""


def credit_start(text: str) -> int:
    """Offset where a trailing photo credit starts in `text`, or -1."""
    if "摄" not in simplify(text[-_CREDIT_SCAN:]):
        return -1
    m = _CREDIT_TAIL.search(simplify(text))
    return m.start("credit") if m else -1


@lru_cache(maxsize=1 << 16)
def _classify(text: str) -> Kind:
    text = simplify(text)
    if _HEADING.match(text):
        return Kind.BOXMARK if heading_text(text).replace(" ", "") in _BOX_WORDS else Kind.HEADING
    flat = _SPACES.sub("", text)
    if flat in _BOX_WORDS:
        return Kind.BOXMARK
    if "\n" not in text and _TOCEND.match(flat):
        return Kind.TOCEND
    if "\n" not in text and _BYLINE.match(text):
        return Kind.BYLINE
    if _CREDIT.match(text):
        return Kind.CREDIT
    if _LEAD.match(text):
        return Kind.LEAD
    if "\n" not in text and len(text) <= SHORT_MAX and text[-1] not in _NOT_SHORT_END and "。" not in text:
        return Kind.SHORT if balanced(text) and not _CONNECTIVE.match(text) else Kind.TEXT
    return Kind.TEXT


def classify(text: str) -> Kind:
    """The kind of one stripped paragraph."""
    if len(text) <= 200:
        return _classify(text)
    return Kind.LEAD if _LEAD.match(simplify(text[:_LEAD_SCAN])) else Kind.TEXT
