"""Bad input through `kg build` (issue #9): every bad input of tests/ingest/bad_inputs.py in one folder gives
one warning line naming it and the build goes on; alone it gives a one-line error and exit 2; `--strict`
fails on any warning; the summary lists every skipped file and why."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.errors import InputError
from tests.ingest.bad_inputs import (
    ARTICLE,
    CASES,
    DOC,
    GBK_NAME,
    MENU_TEXT,
    SCRIPT_TEXT,
    SKIPS,
    SPACED_NAME,
    TRADITIONAL,
    Case,
    case_id,
    kg_build,
    long_line,
    stderr_lines,
    unlock,
    unprivileged,
)

_ROOT_PROOF = unprivileged() is not None
"""Whether the cases root could read anyway can be tested here (not root, or root able to drop the right)."""


def _slug(case: Case) -> str:
    return re.sub(r"\W+", "-", case.name).strip("-")


@dataclass
class Sink:
    """One build of a folder holding a good article and every bad input (each in its own subfolder)."""

    inp: Path
    out: Path
    returncode: int
    stdout: str
    warnings: list[str]
    errors: list[str]
    articles: list[dict]

    def path(self, case: Case) -> str:
        return str(self.inp / _slug(case) / case.file)


def _sink_cases() -> list[Case]:
    return [c for c in CASES if c.in_sink and (c.as_root or _ROOT_PROOF)]


@pytest.fixture(scope="module")
def sink(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    base = tmp_path_factory.mktemp("sink")
    inp, out = base / "in", base / "out"
    inp.mkdir()
    (inp / "good.txt").write_text(ARTICLE, encoding="utf-8")
    for case in _sink_cases():
        (inp / _slug(case)).mkdir()
        case.make(inp / _slug(case))
    result = kg_build(str(inp), "--out", str(out), "-j", "1", "--only", "articles", "--only", "graph",
                      as_root=all(c.as_root for c in _sink_cases()), timeout=300)
    lines = stderr_lines(result.stderr)
    articles_file = out / "articles.jsonl"
    articles = [json.loads(x) for x in articles_file.read_text(encoding="utf-8").splitlines()] if (
        articles_file.exists()) else []
    yield Sink(inp, out, result.returncode, result.stdout, [x for x in lines if x.startswith("WARNING: ")],
               [x for x in lines if x.startswith("error") or "Traceback" in x], articles)
    unlock(inp)


def test_build_with_every_bad_input_succeeds(sink: Sink) -> None:
    assert sink.returncode == 0 and sink.errors == []
    skips = [c for c in _sink_cases() if c.warning]
    notes = [c for c in _sink_cases() if c.note]
    assert f"skipped: {len(skips)}" in sink.stdout.splitlines()[0]
    assert len(sink.warnings) == len(skips) + len(notes), "one warning line per bad input, no others"
    assert f"warnings:  {len(notes)}" in sink.stdout.splitlines(), "files read despite a warning are listed too"
    assert any(a["doc"] == "good.txt" for a in sink.articles)


@pytest.mark.parametrize("case", [c for c in CASES if c.in_sink], ids=case_id)
def test_bad_input_in_a_build(case: Case, sink: Sink) -> None:
    if not (case.as_root or _ROOT_PROOF):
        pytest.skip("running as root and cannot drop the DAC override (no setpriv / CAP_SETPCAP)")
    path = sink.path(case)
    mine = [w for w in sink.warnings if path in w]
    docs = {a["doc"] for a in sink.articles if a["doc"].startswith(_slug(case) + "/")}
    if case.warning:
        (line,) = mine
        assert line.startswith(f"WARNING: skipping {path}: ") and case.warning in line
        (listed,) = [x for x in sink.stdout.splitlines() if x.startswith(f"  skipped {path}: ")]
        assert case.warning in listed, "the summary lists the skipped file and why"
        assert f"{_slug(case)}/{case.file}" not in docs
    else:
        assert f"skipped {path}" not in sink.stdout
        if case.note:
            (line,) = mine
            assert line.startswith(f"WARNING: {path}: ") and case.note in line
            assert f"  {line.removeprefix('WARNING: ')}" in sink.stdout.splitlines(), "listed in the summary"
        else:
            assert mine == []
        expected = {f"{_slug(case)}/{case.file}"} if case.read == DOC else set()
        assert docs == expected, "its articles under its file name, verbatim" if case.read == DOC else "not an input"


def test_script_and_menu_text_never_reach_the_outputs(sink: Sink) -> None:
    (page,) = [a for a in sink.articles if a["doc"].endswith("/page.html")]
    assert page["headline"] == "某县总工会为环卫工人建成爱心驿站"
    assert "驿站每天开放十二小时" in page["body"]
    for path in sink.out.rglob("*"):
        if path.is_file() and path.suffix in (".jsonl", ".json", ".txt"):
            text = path.read_text(encoding="utf-8")
            assert SCRIPT_TEXT not in text and MENU_TEXT not in text and "color: red" not in text, path


def test_file_names_with_spaces_and_chinese_kept_verbatim(sink: Sink) -> None:
    (case,) = [c for c in CASES if c.file == SPACED_NAME]
    doc_id = f"{_slug(case)}/{SPACED_NAME}"
    assert [a["headline"] for a in sink.articles if a["doc"] == doc_id] == [ARTICLE.split("\n")[0]]
    graph = (sink.out / "graph.jsonl").read_text(encoding="utf-8")
    assert json.dumps(f"{doc_id}#0", ensure_ascii=False) in graph, "article keys keep the name"
    assert f'"doc":{json.dumps(doc_id, ensure_ascii=False)}' in graph, "evidence keeps the name"


def test_traditional_text_kept_and_folded(sink: Sink) -> None:
    (trad,) = [a for a in sink.articles if a["doc"].endswith("/trad.txt")]
    assert trad["headline"] == TRADITIONAL.split("\n")[0] and trad["byline"] == "本報訊(記者丙丁)"
    assert trad["body"] == TRADITIONAL.split("\n\n")[1].strip()
    records = [json.loads(x) for x in (sink.out / "graph.jsonl").read_text(encoding="utf-8").splitlines()]
    found = {r["properties"]["name"]: r["properties"]["aliases"] for r in records if r["type"] == "node"
             and any(k.endswith("/trad.txt#0") for k in r["properties"].get("articles", []))}
    assert "职工技能竞赛" in found, "entities found through the Simplified fold, named in Simplified"
    assert "職工技能競賽" in found["职工技能竞赛"], "the Traditional spelling kept as an alias"


@pytest.mark.parametrize("case", SKIPS, ids=case_id)
def test_bad_input_alone_is_a_one_line_error(case: Case, tmp_path: Path) -> None:
    if not (case.as_root or _ROOT_PROOF):
        pytest.skip("running as root and cannot drop the DAC override (no setpriv / CAP_SETPCAP)")
    inp = tmp_path / "in"
    inp.mkdir()
    case.make(inp)
    try:
        result = kg_build(str(inp), "--out", str(tmp_path / "out"), "-q", "-j", "1", as_root=case.as_root,
                          timeout=120)
    finally:
        unlock(inp)
    lines = stderr_lines(result.stderr)
    assert result.returncode == InputError.exit_code
    assert "Traceback" not in result.stderr
    assert lines[-1] == f"error: no text found in {inp}"
    assert any(str(inp / case.file) in x and case.warning in x for x in lines[:-1])
    assert not (tmp_path / "out" / "articles.jsonl").exists()


# --- --strict -----------------------------------------------------------------------------------------------


def _folder(tmp_path: Path, files: dict[str, bytes | str]) -> Path:
    inp = tmp_path / "in"
    inp.mkdir()
    for name, data in files.items():
        (inp / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return inp


def test_strict_passes_clean_input(tmp_path: Path) -> None:
    inp = _folder(tmp_path, {"a.txt": ARTICLE})
    result = kg_build(str(inp), "--out", str(tmp_path / "out"), "-q", "-j", "1", "--strict", "--only", "articles")
    assert result.returncode == 0, result.stderr


def test_strict_fails_on_skipped_files_naming_the_first_and_the_count(tmp_path: Path) -> None:
    inp = _folder(tmp_path, {"a.txt": ARTICLE, "b.txt": b"", "c.txt": b"\x89PNG\r\n\x1a\n\x00\x00", "d.md": " \n"})
    result = kg_build(str(inp), "--out", str(tmp_path / "out"), "-q", "-j", "1", "--strict", "--only", "articles")
    lines = stderr_lines(result.stderr)
    assert result.returncode == InputError.exit_code
    assert lines[-1] == f"error: --strict: 3 warning(s), first: skipped {inp / 'b.txt'}: empty file"
    assert sum(x.startswith("error") for x in lines) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "articles.jsonl").exists(), "nothing written"


def test_strict_fails_on_a_document_without_articles(tmp_path: Path) -> None:
    inp = _folder(tmp_path, {"a.txt": ARTICLE, "z.txt": "1234567890\n\n。。。\n"})
    result = kg_build(str(inp), "--out", str(tmp_path / "out"), "-q", "-j", "1", "--strict", "--only", "articles")
    assert result.returncode == InputError.exit_code
    assert stderr_lines(result.stderr)[-1].startswith(f"error: --strict: 1 warning(s), first: skipped {inp / 'z.txt'}: "
                                                      "no articles")


def test_strict_fails_on_a_warning_that_is_not_a_skipped_file(tmp_path: Path) -> None:
    """The extraction cache cannot be written (OUT/.cache is a file): a warning, not a skipped input. A plain
    build lists it once (not once per document) in the summary and succeeds; --strict fails on it."""
    inp = _folder(tmp_path, {"a.txt": ARTICLE, "b.txt": ARTICLE})
    out = tmp_path / "out"
    out.mkdir()
    (out / ".cache").write_text("not a folder", encoding="utf-8")
    plain = kg_build(str(inp), "--out", str(out), "-j", "1", "--only", "articles")
    assert plain.returncode == 0, plain.stderr
    summary = plain.stdout.splitlines()
    assert "warnings:  1" in summary
    assert any(x.startswith("  cannot write the extraction cache under") for x in summary)
    strict = kg_build(str(inp), "--out", str(out), "-q", "-j", "1", "--only", "articles", "--strict")
    assert strict.returncode == InputError.exit_code
    assert stderr_lines(strict.stderr)[-1].startswith(
        "error: --strict: 1 warning(s), first: cannot write the extraction cache under")


# --- where inputs are looked for (issue #23) --------------------------------------------------------------


def _docs(out: Path) -> list[str]:
    return [json.loads(x)["doc"] for x in (out / "articles.jsonl").read_text("utf-8").splitlines()]


def test_follow_links_reads_a_linked_folder_outside_the_input(tmp_path: Path) -> None:
    inp = _folder(tmp_path, {"a.txt": ARTICLE})
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "far.txt").write_text(TRADITIONAL, encoding="utf-8")
    (inp / "link").symlink_to(outside)
    plain = kg_build(str(inp), "--out", str(tmp_path / "plain"), "-j", "0", "--only", "articles")
    assert plain.returncode == 0, plain.stderr
    (warning,) = [x for x in stderr_lines(plain.stderr) if x.startswith("WARNING")]
    assert warning == (f"WARNING: skipping {inp / 'link'}: symlink to a folder outside the input ({outside}); "
                       "not followed without --follow-links")
    assert _docs(tmp_path / "plain") == ["a.txt"]
    followed = kg_build(str(inp), "--out", str(tmp_path / "followed"), "-j", "0", "--only", "articles",
                        "--follow-links")
    assert followed.returncode == 0 and "WARNING" not in followed.stderr, followed.stderr
    assert sorted(set(_docs(tmp_path / "followed"))) == ["a.txt", "link/far.txt"]


def test_out_inside_the_input_is_never_read(tmp_path: Path) -> None:
    """Building a folder into a subfolder of itself, again and again, reads the same documents: not the
    outputs (graph.html is an .html file) of the build before, nor those of another kg output folder."""
    inp = _folder(tmp_path, {"a.txt": ARTICLE, "b.txt": TRADITIONAL})
    out = inp / "out"
    summaries = []
    for _ in range(2):
        result = kg_build(str(inp), "--out", str(out), "-j", "0", "--only", "articles", "--only", "html")
        assert result.returncode == 0 and "WARNING" not in result.stderr, result.stderr
        assert result.stdout.splitlines()[0].startswith("documents: 2 "), result.stdout
        assert sorted(set(_docs(out))) == ["a.txt", "b.txt"]
        summaries.append(result.stdout)
    notice = f"notice:    the output folder {out} is inside the input {inp}; it was not read"
    assert all(notice in summary.splitlines() for summary in summaries)
    other = inp / "elsewhere" / "old-out"
    assert kg_build(str(inp / "a.txt"), "--out", str(other), "-q", "-j", "0", "--only", "html").returncode == 0
    result = kg_build(str(inp), "--out", str(out), "-j", "0", "--only", "articles", "--only", "html")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("documents: 2 ")
    (warning,) = [x for x in stderr_lines(result.stderr) if x.startswith("WARNING")]
    assert warning == f"WARNING: skipping {other}: a kg output folder (holds .kg.lock), not read as input"


def test_twin_names_in_gbk_and_utf8_get_distinct_ids(tmp_path: Path) -> None:
    """Two files whose names read alike, one in GBK bytes, one in UTF-8: two documents, each with its own
    text; the UTF-8 one keeps its name as id, the GBK one is named by its escaped bytes."""
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / GBK_NAME).write_text(TRADITIONAL, encoding="utf-8")
    with open(os.fsencode(inp) + b"/" + GBK_NAME.encode("gbk"), "w", encoding="utf-8") as f:
        f.write(ARTICLE)
    result = kg_build(str(inp), "--out", str(tmp_path / "out"), "-q", "-j", "0", "--only", "articles",
                      "--only", "graph")
    assert result.returncode == 0, result.stderr
    gbk_id = GBK_NAME.encode("gbk").decode("utf-8", "backslashreplace")
    articles = [json.loads(x) for x in (tmp_path / "out" / "articles.jsonl").read_text("utf-8").splitlines()]
    assert {a["doc"]: a["headline"] for a in articles} == {GBK_NAME: TRADITIONAL.split("\n")[0],
                                                            gbk_id: ARTICLE.split("\n")[0]}
    graph = (tmp_path / "out" / "graph.jsonl").read_text(encoding="utf-8")
    assert f'"doc":{json.dumps(gbk_id, ensure_ascii=False)}' in graph, "evidence points at the GBK file"


# --- scale --------------------------------------------------------------------------------------------------


def test_ten_thousand_tiny_files(tmp_path: Path) -> None:
    inp = tmp_path / "in"
    for i in range(10_000):
        sub = inp / f"{i // 1000:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{i:05d}.txt").write_text(
            f"某县总工会开展第{i}次送清凉活动\n\n本报讯 近日,某县总工会为{i % 50 + 1}名环卫工人送去清凉用品。\n",
            encoding="utf-8")
    start = time.perf_counter()
    result = kg_build(str(inp), "--out", str(tmp_path / "out"), "-j", "1", "--no-cache", "--only", "articles",
                      "--only", "graph", timeout=600)
    seconds = time.perf_counter() - start
    print(f"10,000 tiny files: {seconds:.1f}s")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "documents: 10000   articles: 10000   skipped: 0"
    docs = [json.loads(x)["doc"] for x in (tmp_path / "out" / "articles.jsonl").read_text("utf-8").splitlines()]
    assert docs == sorted(docs) and docs[0] == "00/00000.txt" and docs[-1] == "09/09999.txt"


@pytest.mark.slow
def test_one_megabyte_line_without_punctuation_builds(tmp_path: Path) -> None:
    inp = _folder(tmp_path, {"a.txt": ARTICLE, "long.txt": "某县总工会开展活动\n\n" + long_line() + "\n"})
    start = time.perf_counter()
    try:
        result = kg_build(str(inp), "--out", str(tmp_path / "out"), "-q", "-j", "1", "--only", "articles",
                          "--only", "graph", timeout=90)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"kg build did not finish in 90 s: {exc}") from None
    assert result.returncode == 0, result.stderr
    print(f"1 MB line: {time.perf_counter() - start:.1f}s")
