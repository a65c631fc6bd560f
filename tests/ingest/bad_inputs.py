"""The bad inputs of issue #9 as one table: how to make each, and what reading and building it must give.

Shared by tests/ingest/test_bad_inputs.py (read_documents) and tests/cli/test_build_bad_inputs.py (`kg build`).
Texts are invented (某 placeholders), never copied from the seeds.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

ARTICLE = (
    "某县总工会为环卫工人建成爱心驿站\n\n"
    "本报讯(记者甲乙)近日,某县总工会在城区建成爱心驿站,为环卫工人和快递员提供休息、饮水等服务。\n"
)
TRADITIONAL = (
    "某市總工會舉辦職工技能競賽\n\n"
    "本報訊(記者丙丁)近日,某市總工會為外送員和計程車司機舉辦職工技能競賽,並設立勞動者服務驛站,提供休息、飲水等服務。\n"
)
SIMPLIFIED_OF_TRADITIONAL = "某市总工会举办职工技能竞赛"
SCRIPT_TEXT = "脚本里的文字不是正文"
MENU_TEXT = "菜单栏目不是正文"
HTML_PAGE = f"""<!doctype html><html><head><title>站点</title>
<style>p {{ color: red }} /* 样式里的文字 */</style>
<script>var note = "{SCRIPT_TEXT}"; document.write("<p>{SCRIPT_TEXT}</p>");</script></head><body>
<nav><a href="/">首页</a> | <a href="/news">{MENU_TEXT}</a></nav>
<ul class="main-menu"><li><a href="/a">{MENU_TEXT}一</a></li><li><a href="/b">{MENU_TEXT}二</a></li></ul>
<div role="navigation">{MENU_TEXT}三</div>
<div class="breadcrumb">首页 &gt; {MENU_TEXT}四</div>
<h1>某县总工会为环卫工人建成爱心驿站</h1>
<p>本报讯(记者甲乙)近日,某县总工会在城区建成爱心驿站,为环卫工人和快递员提供休息、饮水等服务。</p>
<script>console.log("{SCRIPT_TEXT}")</script>
<p>驿站每天开放十二小时,配有饮水机和应急药箱。</p>
<select><option>{MENU_TEXT}五<option>{MENU_TEXT}六</select>
</body></html>"""
SPACED_NAME = "某市 工会 报道 (第1期).txt"
GBK_NAME = "某县工会简报.txt"


def png_bytes() -> bytes:
    """A real 1×1 PNG image (signature, IHDR, IDAT, IEND with their CRCs)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


def zip_bytes() -> bytes:
    """A real zip archive (made with zipfile) holding an article."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("article.txt", ARTICLE)
    return buf.getvalue()


def long_line(size: int = 1_000_000) -> str:
    """`size` bytes (UTF-8) of Han text in one line with no punctuation at all."""
    words = "工会职工服务驿站劳动者快递员建设开展活动某市总工会外卖配送员环卫工人技能培训帮扶困难"
    return (words * (size // (3 * len(words)) + 1))[: size // 3]


def _write(name: str, data: bytes | str, encoding: str = "utf-8") -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))

    return make


def _fifo(folder: Path) -> None:
    os.mkfifo(folder / "pipe.txt")


def _folder_loop(folder: Path) -> None:
    (folder / "sub").mkdir()
    os.symlink(folder, folder / "sub" / "loop")


def _self_link(folder: Path) -> None:
    os.symlink("self.txt", folder / "self.txt")


def _broken_link(folder: Path) -> None:
    os.symlink("missing.txt", folder / "gone.txt")


def _unreadable_file(folder: Path) -> None:
    path = folder / "secret.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    path.chmod(0)


def _unreadable_folder(folder: Path) -> None:
    (folder / "locked").mkdir()
    (folder / "locked" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "locked").chmod(0)


def _gbk_name(folder: Path) -> None:
    """A file whose name is GBK bytes (as unzipped from a Windows archive), not UTF-8."""
    with open(os.fsencode(folder) + b"/" + GBK_NAME.encode("gbk"), "w", encoding="utf-8") as f:
        f.write(ARTICLE)


NEST = 1200
"""Folders nested this deep (more than Python's recursion limit) hold an article."""
NESTED = "/".join(["d"] * NEST) + "/deep.txt"


def _nested(folder: Path) -> None:
    path = folder
    for _ in range(NEST):  # one level at a time: os.makedirs and Path.mkdir(parents=True) recurse
        path = path / "d"
        path.mkdir()
    (path / "deep.txt").write_text(ARTICLE, encoding="utf-8")


OUTSIDE = "kg-test-outside-"
"""Prefix of the temporary folder, outside every input, that the case below links to (removed by `unlock`)."""


def _link_out(folder: Path) -> None:
    """A symlink to a folder outside the input, holding an article (read only with --follow-links)."""
    outside = Path(tempfile.mkdtemp(prefix=OUTSIDE))
    (outside / "far.txt").write_text(ARTICLE, encoding="utf-8")
    os.symlink(outside, folder / "elsewhere")


def _link_root(folder: Path) -> None:
    os.symlink("/", folder / "root")


def _one_bad_byte(name: str, encoding: str) -> Callable[[Path], None]:
    """The article in `encoding` with one byte of its body (after the headline) replaced by 0xFF."""
    data = bytearray(ARTICLE.encode(encoding))
    data[len(ARTICLE.split("\n")[0].encode(encoding)) + 12] = 0xFF
    return _write(name, bytes(data))


def ascii_then_gbk() -> bytes:
    """A 1.1 MB HTML page whose first MiB is ASCII (an inline style sheet), then the article in GBK."""
    style = "".join(f".c{i} {{ margin: {i % 9}px; color: #{i % 4096:03x}; }}\n" for i in range(31_000))
    head = f"<!doctype html><html><head><style>\n{style}</style></head><body>\n".encode("ascii")
    body = "".join(f"<p>{line}</p>\n" for line in ARTICLE.split("\n") if line)
    page = head + body.encode("gbk") + b"</body></html>\n"
    assert len(head) > (1 << 20) + 50_000
    return page


def _own_extensions(folder: Path) -> None:
    (folder / "photo.png").write_bytes(png_bytes())
    (folder / "archive.zip").write_bytes(zip_bytes())


DOC = "doc"
IGNORED = "ignored"
NO_ARTICLES = "no articles"


@dataclass(frozen=True)
class Case:
    """One bad input. `read` is what read_documents gives for `file`: DOC (a document), IGNORED (not an
    input: other extension), or the reason it is skipped for. `build` is the warning `kg build` gives
    ("" none; the skip reason by default). `note`: a warning naming a file that is read all the same
    (not a skip), both by read_documents and by `kg build`. `as_root` False: root's DAC override reads
    it anyway."""

    name: str
    make: Callable[[Path], None]
    file: str
    read: str
    build: str | None = None
    as_root: bool = True
    in_sink: bool = True
    note: str = ""

    @property
    def warning(self) -> str:
        if self.build is not None:
            return self.build
        return "" if self.read in (DOC, IGNORED) else self.read


CASES = [
    Case("empty file", _write("empty.txt", b""), "empty.txt", "empty file"),
    Case("whitespace only", _write("blank.md", " \n\u3000\n\t\r\n"), "blank.md", "empty file"),
    Case("png image named .txt", _write("photo.txt", png_bytes()), "photo.txt", "binary file"),
    Case("zip archive named .md", _write("archive.md", zip_bytes()), "archive.md", "binary file"),
    Case("png and zip with their own extensions", _own_extensions, "photo.png", IGNORED),
    Case("bad utf-16 after its BOM", _write("bad16.txt", b"\xff\xfe" + b"\x00\xd8\x41"), "bad16.txt", "undecodable"),
    Case("html with only script, style, nav and menus",
         _write("chrome.html", f"<html><head><script>x='{SCRIPT_TEXT}'</script></head><body><nav>首页</nav>"
                               f"<ul class='menu'><li>{MENU_TEXT}</li></ul></body></html>"),
         "chrome.html", "no text"),
    Case("named pipe", _fifo, "pipe.txt", "not a regular file (a named pipe)"),
    Case("symlink loop (folder)", _folder_loop, "sub/loop", "symlink loop"),
    Case("symlink to itself", _self_link, "self.txt", "symlink loop"),
    Case("broken symlink", _broken_link, "gone.txt", "broken symlink"),
    Case("unreadable file (chmod 000)", _unreadable_file, "secret.txt", "Permission denied", as_root=False),
    Case("unreadable folder (chmod 000)", _unreadable_folder, "locked", "Permission denied", as_root=False),
    Case("punctuation only", _write("punct.txt", "。。。,,,!!!???……\n\n“”《》、、、\n"), "punct.txt", DOC, NO_ARTICLES),
    Case("digits only", _write("digits.txt", "2024 05 06\n\n1234567890\n\n3.1415926\n"), "digits.txt", DOC,
         NO_ARTICLES),
    Case("utf-8", _write("utf8.txt", ARTICLE), "utf8.txt", DOC),
    Case("gb18030", _write("gb.txt", ARTICLE, "gb18030"), "gb.txt", DOC),
    Case("utf-16 with BOM", _write("u16.txt", ARTICLE, "utf-16"), "u16.txt", DOC),
    Case("utf-16 little-endian without BOM", _write("u16le.txt", ARTICLE, "utf-16-le"), "u16le.txt", DOC),
    Case("utf-16 big-endian without BOM", _write("u16be.txt", ARTICLE, "utf-16-be"), "u16be.txt", DOC),
    Case("one bad byte in utf-8", _one_bad_byte("bad8.txt", "utf-8"), "bad8.txt", DOC,
         note="undecodable byte(s) replaced with U+FFFD (read as utf-8)"),
    Case("one bad byte in gb18030", _one_bad_byte("badgb.txt", "gb18030"), "badgb.txt", DOC,
         note="undecodable byte(s) replaced with U+FFFD (read as gb18030)"),
    Case("1.1 MB html, a MiB of ascii, then gbk", lambda folder: _write("styled.html", ascii_then_gbk())(folder),
         "styled.html", DOC),
    Case("big5 traditional", _write("trad.txt", TRADITIONAL, "big5"), "trad.txt", DOC),
    Case("name with spaces and Chinese", _write(SPACED_NAME, ARTICLE), SPACED_NAME, DOC),
    Case("file name in GBK bytes, not UTF-8", _gbk_name, GBK_NAME, DOC),
    Case("html with script, style, nav and menus", _write("page.html", HTML_PAGE), "page.html", DOC),
    Case("symlink to a folder outside the input", _link_out, "elsewhere", "symlink to a folder outside the input"),
    Case("symlink to /", _link_root, "root", "symlink to a folder outside the input (/)"),
    Case("1,200 nested folders", _nested, NESTED, DOC),
    Case("1 MB line without punctuation", _write("long.txt", "某县总工会开展活动\n\n" + long_line() + "\n"),
         "long.txt", DOC, in_sink=False),
]
SKIPS = [c for c in CASES if c.warning]


def case_id(case: Case) -> str:
    return case.name


def unprivileged() -> list[str] | None:
    """A command prefix that runs a child without root's right to read any file ([] when not root), or
    None when that is impossible here (root without setpriv or CAP_SETPCAP)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    probe = subprocess.run([*prefix, "true"], capture_output=True)
    return prefix if probe.returncode == 0 else None


_READ_CHILD = """
import json, logging, sys
from pathlib import Path
from kg.ingest import read_documents
logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
skipped = []
docs = [d.id for d in read_documents([Path(p) for p in sys.argv[1:]], skipped)]
print(json.dumps({"docs": docs, "skipped": [[s.path, s.reason] for s in skipped]}))
"""


def read_in_child(*paths: Path) -> tuple[list[str], list[tuple[str, str]], str]:
    """read_documents in a child process without root's DAC override: (doc ids, skipped, stderr)."""
    prefix = unprivileged()
    assert prefix is not None
    result = subprocess.run([*prefix, sys.executable, "-c", _READ_CHILD, *map(str, paths)], capture_output=True,
                            text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    return data["docs"], [tuple(s) for s in data["skipped"]], result.stderr


def kg_build(*args: str, as_root: bool = True, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """`kg build ARGS…` in a fresh interpreter (without root's DAC override when `as_root` is False)."""
    prefix: list[str] = []
    if not as_root:
        found = unprivileged()
        assert found is not None
        prefix = found
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([*prefix, sys.executable, "-m", "kg", "build", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=timeout)


def stderr_lines(text: str) -> list[str]:
    """The lines of a captured stderr, progress-bar redraws (carriage returns) split off."""
    return [line for line in text.replace("\r", "\n").split("\n") if line.strip()]


def _tree(folder: Path) -> Iterator[Path]:
    """Every path under `folder`, parents before children, without recursion (os.walk recurses per level)."""
    stack = [folder]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            yield Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))


def unlock(folder: Path) -> None:
    """Give back read/search rights taken by the unreadable cases, and remove the nested case's folders (too
    deep for shutil.rmtree, which recurses), so tmp folders can be removed."""
    for path in _tree(folder):
        if not path.is_symlink() and (path.is_dir() or path.is_file()):
            path.chmod(0o755 if path.is_dir() else 0o644)
    for link in [p for p in _tree(folder) if p.is_symlink()]:
        target = Path(os.path.realpath(link))
        if target.name.startswith(OUTSIDE) and target.is_dir():
            shutil.rmtree(target)
    chains = [p for p in _tree(folder) if p.name == "d" and p.parent.name != "d"]
    for top in chains:
        levels = [p for p in _tree(top) if p.is_dir() and not p.is_symlink()]
        for path in _tree(top):
            if not path.is_dir() or path.is_symlink():
                path.unlink()
        for path in reversed([top, *levels]):
            path.rmdir()
