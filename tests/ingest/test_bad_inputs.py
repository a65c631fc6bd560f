"""Bad input at the read level: the table of tests/ingest/bad_inputs.py, mixed encodings, and large files
streamed in parts with bounded memory (issue #9)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.ingest import fold, read_documents, segment_articles
from kg.ingest import read as read_module
from kg.ingest.html import html_to_text
from kg.ingest.read import split_parts
from kg.model import Document, Skipped
from tests.ingest.bad_inputs import (
    ARTICLE,
    CASES,
    DOC,
    IGNORED,
    ROOT,
    SIMPLIFIED_OF_TRADITIONAL,
    TRADITIONAL,
    Case,
    case_id,
    long_line,
    read_in_child,
    unlock,
    unprivileged,
)


@pytest.fixture
def folder(tmp_path: Path):  # type: ignore[no-untyped-def]
    """An input folder holding one good article (a bad input must not stop it from being read)."""
    path = tmp_path / "in"
    path.mkdir()
    (path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    yield path
    unlock(path)


def _read(folder: Path, case: Case, caplog: pytest.LogCaptureFixture) -> tuple[list[str], list[tuple[str, str]],
                                                                               list[str]]:
    """(doc ids, skipped, warning lines) of reading `folder`; in an unprivileged child when root must not
    be able to read the case's input."""
    if not case.as_root and unprivileged() != []:
        if unprivileged() is None:
            pytest.skip("running as root and cannot drop the DAC override (no setpriv / CAP_SETPCAP)")
        ids, skipped, stderr = read_in_child(folder)
        return ids, skipped, [line for line in stderr.splitlines() if line.startswith("WARNING")]
    found: list[Skipped] = []
    with caplog.at_level(logging.WARNING, logger="kg"):
        ids = [d.id for d in read_documents([folder], found)]
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    return ids, [(s.path, s.reason) for s in found], warnings


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_bad_input_read(case: Case, folder: Path, caplog: pytest.LogCaptureFixture) -> None:
    case.make(folder)
    ids, skipped, warnings = _read(folder, case, caplog)
    assert "good.txt" in ids, "the good file next to the bad input is still read"
    path = str(folder / case.file)
    if case.read == DOC:
        assert case.file in ids, "read as a document, its id the file name verbatim"
        assert skipped == []
        if case.note:
            (line,) = warnings
            assert line.startswith(f"{path}: ") and case.note in line
        else:
            assert warnings == []
    elif case.read == IGNORED:
        assert ids == ["good.txt"] and skipped == [] and warnings == []
    else:
        assert case.file not in ids
        (mine,) = [s for s in skipped if s[0] == path]
        assert case.read in mine[1]
        (line,) = [w for w in warnings if path in w]
        assert "\n" not in line and case.read in line


def test_mixed_encodings_in_one_folder(tmp_path: Path) -> None:
    """UTF-8, UTF-8 with BOM, GB18030, UTF-16 and Big5 side by side: each decoded to the same text, and the
    Traditional page read verbatim, folded to Simplified for matching and segmented like a Simplified one."""
    (tmp_path / "a-utf8.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b-bom.txt").write_bytes(b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"))
    (tmp_path / "c-gb.txt").write_bytes(ARTICLE.encode("gb18030"))
    (tmp_path / "d-u16.txt").write_bytes(ARTICLE.encode("utf-16"))
    (tmp_path / "e-big5.txt").write_bytes(TRADITIONAL.encode("big5"))
    skipped: list[Skipped] = []
    docs = {d.id: d for d in read_documents([tmp_path], skipped)}
    assert not skipped
    assert {k: d.encoding for k, d in docs.items()} == {
        "a-utf8.txt": "utf-8", "b-bom.txt": "utf-8-sig", "c-gb.txt": "gb18030", "d-u16.txt": "utf-16",
        "e-big5.txt": "big5",
    }
    assert all(docs[k].text == ARTICLE for k in ("a-utf8.txt", "b-bom.txt", "c-gb.txt", "d-u16.txt"))
    trad = docs["e-big5.txt"]
    assert trad.text == TRADITIONAL
    assert fold(trad.text).startswith(SIMPLIFIED_OF_TRADITIONAL) and len(fold(trad.text)) == len(trad.text)
    (art,) = segment_articles(trad)
    assert art.headline == TRADITIONAL.split("\n")[0]
    assert art.byline == "本報訊(記者丙丁)", "the Traditional dateline byline is recognised"
    (simplified,) = segment_articles(Document("s.txt", "s.txt", fold(trad.text)))
    assert (len(simplified.body.text), simplified.spans) == (len(art.body.text), art.spans)


# --- large files: streamed in parts -------------------------------------------------------------------------


def _small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shrink the streaming sizes so a few hundred KB exercise what 200 MB does."""
    monkeypatch.setattr(read_module, "SNIFF_BYTES", 4096)
    monkeypatch.setattr(read_module, "PART_CHARS", 20_000)
    monkeypatch.setattr(read_module, "MAX_PART_CHARS", 80_000)
    monkeypatch.setattr(read_module, "_READ_CHARS", 7_001)


def _page(n: int, traditional: bool = False) -> str:
    if traditional:
        return f"# 某市總工會第{n}期簡報\n\n本報訊(記者甲乙)近日,某市總工會第{n}次為快遞員送去清涼用品。\n\n\n"
    return f"# 某市总工会第{n}期简报\n\n本报讯(记者甲乙)近日,某市总工会第{n}次为快递员送去清凉用品。\n\n\n"


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16", "big5"])
def test_large_file_read_in_parts_that_rebuild_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   encoding: str) -> None:
    _small_parts(monkeypatch)
    pages = [_page(n, traditional=encoding == "big5") for n in range(3000)]
    text = "".join(pages).replace("\n", "\r\n")  # CRLF, so some fall across read boundaries
    path = tmp_path / "big.txt"
    path.write_bytes(text.encode(encoding))
    skipped: list[Skipped] = []
    docs = list(read_documents([path], skipped))
    assert not skipped and len(docs) > 5
    assert "".join(d.text for d in docs) == text.replace("\r\n", "\n")
    pos = 0
    for d in docs:
        assert d.id == f"big.txt#char={pos},{pos + len(d.text)}" and d.path == str(path)
        assert d.text.endswith("\n\n\n"), "cut after a page break"
        pos += len(d.text)
    assert sum(len(segment_articles(d)) for d in docs) == len(pages)


def test_streamed_html_equals_whole_html(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _small_parts(monkeypatch)
    html = "".join(f"<h1>某市总工会第{n}期</h1><script>var s='{n}脚本';</script><p>本报讯 第{n}段正文。</p>"
                   for n in range(4000))
    path = tmp_path / "big.html"
    path.write_text(html, encoding="utf-8")
    docs = list(read_documents([path], []))
    assert len(docs) >= 2
    assert "".join(d.text for d in docs) == html_to_text(html)
    assert not any("脚本" in d.text for d in docs)


def test_large_file_without_breaks_cut_at_the_hard_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    _small_parts(monkeypatch)
    text = long_line(600_000)
    parts = list(split_parts(text[i : i + 7001] for i in range(0, len(text), 7001)))
    assert "".join(p for _, p in parts) == text
    assert all(len(p) <= 80_000 for _, p in parts) and len(parts) == -(-len(text) // 80_000)


def test_single_part_keeps_the_plain_id_and_bad_bytes_later_are_replaced_or_end_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    _small_parts(monkeypatch)
    (tmp_path / "one.txt").write_text(ARTICLE * 200, encoding="utf-8")
    assert [d.id for d in read_documents([tmp_path / "one.txt"], [])] == ["one.txt"]
    good = "".join(_page(n) for n in range(2000))
    (tmp_path / "tail.txt").write_bytes(good.encode("utf-8") + b"\xff\xfe\xfa" + ARTICLE.encode("utf-8"))
    skipped: list[Skipped] = []
    with caplog.at_level(logging.WARNING, logger="kg"):
        docs = list(read_documents([tmp_path / "tail.txt"], skipped))
    assert "".join(d.text for d in docs) == good + "\ufffd" * 3 + ARTICLE, "a few bad bytes replaced, all else kept"
    assert skipped == []
    assert [r.getMessage() for r in caplog.records] == [
        f"{tmp_path / 'tail.txt'}: 3 undecodable byte(s) replaced with U+FFFD (read as utf-8)"]
    (tmp_path / "junk.txt").write_bytes(good.encode("utf-8") + bytes(range(0x80, 0x100)) * 40 + ARTICLE.encode())
    docs = list(read_documents([tmp_path / "junk.txt"], skipped))
    assert "".join(d.text for d in docs) == good, "every character before the bad bytes is kept"
    assert [(s.path, s.reason) for s in skipped] == [
        (str(tmp_path / "junk.txt"), f"undecodable utf-8 at character {len(good)}; rest of file not read")
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "big5"])
def test_one_bad_byte_is_replaced_and_the_rest_of_the_file_kept(encoding: str, tmp_path: Path,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    text = TRADITIONAL if encoding == "big5" else ARTICLE
    data = bytearray(text.encode(encoding))
    data[len(data) // 2] = 0xFF
    (tmp_path / "a.txt").write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="kg"):
        (doc,) = read_documents([tmp_path / "a.txt"], [])
    assert doc.encoding == encoding and "\ufffd" in doc.text
    head, tail = text[: len(text) // 3], text[-len(text) // 3 :]
    assert doc.text.startswith(head) and doc.text.endswith(tail), "only the damaged characters are lost"
    (line,) = [r.getMessage() for r in caplog.records]
    assert line.startswith(f"{tmp_path / 'a.txt'}: ") and f"replaced with U+FFFD (read as {encoding})" in line


def test_large_utf16_without_bom_and_ascii_started_gbk_are_streamed_in_their_encodings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _small_parts(monkeypatch)
    text = "".join(_page(n) for n in range(300))
    for encoding in ("utf-16-le", "utf-16-be"):
        (tmp_path / f"{encoding}.txt").write_bytes(text.encode(encoding))
    (tmp_path / "late.txt").write_bytes(b"# page\n\n" + b"x" * 10_000 + b"\n\n" + text.encode("gbk"))
    skipped: list[Skipped] = []
    docs = list(read_documents([tmp_path], skipped))
    assert skipped == []
    for name, encoding in (("late.txt", "gb18030"), ("utf-16-be.txt", "utf-16-be"), ("utf-16-le.txt", "utf-16-le")):
        mine = [d for d in docs if d.id.split("#")[0] == name]
        assert {d.encoding for d in mine} == {encoding}
        assert "".join(d.text for d in mine).endswith(text)


def test_long_lines_without_punctuation_read_in_linear_time(tmp_path: Path) -> None:
    """Three 1 MB lines with no punctuation: read and segmented in seconds (no quadratic step)."""
    line = long_line()
    (tmp_path / "lines.txt").write_text(f"某县总工会开展活动\n\n{line}\n{line[::-1]}\n{line}\n", encoding="utf-8")
    start = time.perf_counter()
    docs = list(read_documents([tmp_path / "lines.txt"], []))
    articles = [a for d in docs for a in segment_articles(d)]
    seconds = time.perf_counter() - start
    assert sum(len(a.body.text) for a in articles) >= 3 * len(line)
    assert seconds < 30, f"{seconds:.1f}s"


_INGEST_CHILD = """
import json, re, sys
from pathlib import Path
from kg.ingest import read_documents, segment_articles

def peak_kb():  # this process's own high-water RSS (ru_maxrss would include the parent's, kept across exec)
    with open("/proc/self/status") as f:
        return int(re.search(r"VmHWM:\\s+(\\d+) kB", f.read()).group(1))

skipped, docs, articles, chars, first = [], 0, 0, 0, 0
for doc in read_documents([Path(sys.argv[1])], skipped):
    docs += 1
    chars += len(doc.text)
    articles += len(segment_articles(doc))
    if docs == 1:
        first = peak_kb()
print(json.dumps({"docs": docs, "articles": articles, "chars": chars, "skipped": len(skipped),
                  "first_kb": first, "peak_kb": peak_kb()}))
"""
_LARGE_PAGE = (
    "# 某市总工会为户外劳动者建成第{n}座暖心驿站\n\n"
    "本报讯(记者甲乙 通讯员丙丁)近日,某市总工会在某区某街道建成第{n}座户外劳动者服务驿站,"
    "为快递员、外卖配送员、环卫工人等群体提供饮水、休息、充电和应急药品等服务。\n\n"
    "据介绍,该驿站由某市总工会与某区人社局合作建设,面积约{m}平方米,配备了冰箱、微波炉和图书角,"
    "每天开放时间不少于十二小时。今年以来,某市总工会累计投入资金{m}万元,在全市建设驿站{n}个。\n\n"
    "某市总工会相关负责人表示,下一步将推动驿站向乡镇延伸,让新就业形态劳动者感受到工会组织的温暖。\n\n\n"
)


def write_large(path: Path, size: int) -> tuple[int, int]:
    """Write at least `size` bytes of distinct newspaper pages; return (pages, characters)."""
    pages = chars = written = 0
    with path.open("w", encoding="utf-8") as f:
        while written < size:
            block = "".join(_LARGE_PAGE.format(n=n, m=n % 97 + 20) for n in range(pages, pages + 1000))
            f.write(block)
            pages, chars, written = pages + 1000, chars + len(block), written + len(block.encode("utf-8"))
    return pages, chars


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the peak RSS from /proc (Linux)")
def test_200mb_file_ingested_in_bounded_memory(tmp_path: Path) -> None:
    """A 200 MB file is read and segmented part by part: the child's peak RSS stays far below the file's
    size and barely grows after the first part (read whole, as before, it peaked at 1.6 GB)."""
    path = tmp_path / "big.txt"
    pages, chars = write_large(path, 200 * 10**6)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", _INGEST_CHILD, str(path)], capture_output=True, text=True,
                            cwd=ROOT, timeout=600)
    seconds = time.perf_counter() - start
    path.unlink()
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    print(f"200 MB ingest: {seconds:.1f}s, {got}")
    assert (got["chars"], got["articles"], got["skipped"]) == (chars, pages, 0)
    assert got["docs"] >= chars // (4 << 20)
    peak_mb, first_mb = got["peak_kb"] / 1024, got["first_kb"] / 1024
    assert peak_mb < 160, f"peak RSS {peak_mb:.0f} MB for a 200 MB file"
    assert peak_mb - first_mb < 64, f"RSS grew {peak_mb - first_mb:.0f} MB after the first part"
