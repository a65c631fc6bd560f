"""HTML pages → plain text: blocks become paragraphs, h1–h3 become markdown headings, no script/style/menus.

`HtmlText` works on a stream (a page larger than memory is fed in pieces); `html_to_text` on a whole page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

#: Elements whose content is never text of the page.
_SKIP = frozenset(
    {"script", "style", "nav", "noscript", "template", "svg", "head", "select", "button", "iframe", "object",
     "menu"}
)
#: Site chrome marked by role or by a class/id word (navigation bars, menus, breadcrumbs) on these containers.
_CHROME_HOSTS = frozenset({"div", "ul", "ol", "dl", "section", "header", "footer", "aside", "table", "span"})
_CHROME_ROLES = frozenset({"navigation", "menu", "menubar", "search"})
_CHROME_WORDS = frozenset({"nav", "navbar", "navigation", "menu", "menubar", "breadcrumb", "breadcrumbs", "sidebar"})
_WORDS = re.compile(r"[A-Za-z]+")
_HEADINGS = {"h1": "# ", "h2": "## ", "h3": "### "}
_BLOCKS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "main",
        "li",
        "ul",
        "ol",
        "tr",
        "table",
        "blockquote",
        "figure",
        "figcaption",
        "h4",
        "h5",
        "h6",
        "dd",
        "dt",
        "pre",
        "hr",
    }
    | set(_HEADINGS)
)
_SPACES = re.compile(r"[ \t\r\f\v]+")


def _is_chrome(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    """True for elements that hold site chrome rather than the page's text."""
    if tag in _SKIP:
        return True
    if tag not in _CHROME_HOSTS:
        return False
    for name, value in attrs:
        if not value:
            continue
        if name == "role" and value.strip().lower() in _CHROME_ROLES:
            return True
        if name in ("class", "id") and any(w.lower() in _CHROME_WORDS for w in _WORDS.findall(value)):
            return True
    return False


class _Lines:
    """Joins streamed text into lines, spaces collapsed and stripped, runs of blank lines collapsed to one."""

    def __init__(self) -> None:
        self.pending = ""
        self.started = False
        self.blank = False

    def push(self, text: str, final: bool = False) -> str:
        """The finished lines of everything pushed so far (all of it when `final`)."""
        lines = (self.pending + text).split("\n")
        self.pending = "" if final else lines.pop()
        out: list[str] = []
        for line in (_SPACES.sub(" ", x).strip() for x in lines):
            if not line:
                self.blank = self.started
                continue
            if self.started:
                out.append("\n\n" if self.blank else "\n")
            out.append(line)
            self.started, self.blank = True, False
        if final:
            out.append("\n")
        return "".join(out)


class HtmlText(HTMLParser):
    """Incremental HTML → text: `feed` returns the text finished so far, `close` the rest."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._out: list[str] = []
        self._lines = _Lines()
        self._skip_tag = ""  # the element being skipped, "" when not skipping
        self._depth = 0  # nesting of `_skip_tag` inside the skipped element

    def feed(self, data: str) -> str:  # type: ignore[override]
        super().feed(data)
        return self._drain(final=False)

    def close(self) -> str:  # type: ignore[override]
        super().close()
        return self._drain(final=True)

    def _drain(self, final: bool) -> str:
        text = "".join(self._out)
        self._out.clear()
        return self._lines.push(text, final)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_tag:
            if tag == self._skip_tag:
                self._depth += 1
            elif self._skip_tag == "head" and tag == "body":  # a page that never closes its <head>
                self._skip_tag, self._depth = "", 0
            return
        if _is_chrome(tag, attrs):
            self._skip_tag, self._depth = tag, 1
        elif tag == "br":
            self._out.append("\n")
        elif tag in _BLOCKS:
            self._out.append("\n\n" + _HEADINGS.get(tag, ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._skip_tag and _is_chrome(tag, attrs):
            return  # <div class="menu"/> encloses nothing
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self._skip_tag:
            if tag == self._skip_tag:
                self._depth -= 1
                if not self._depth:
                    self._skip_tag = ""
            return
        if tag in _BLOCKS:
            self._out.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_tag:
            self._out.append(data.replace("\n", " "))


def html_to_text(html: str) -> str:
    """Reduce an HTML page to its visible text, one paragraph per block element."""
    parser = HtmlText()
    return parser.feed(html) + parser.close()
