"""Reading inputs: folders recursively and in order, ids, and HTML pages. Bad inputs (skipped files, encodings,
large files) are the table in tests/ingest/test_bad_inputs.py."""

from __future__ import annotations

import os
from pathlib import Path

from kg.ingest import read_documents
from kg.ingest.read import escaped, unique_names
from kg.model import Skipped

PAGE = "某县总工会建设工会驿站\n\n本报讯(记者李四)近日,某县总工会建成工会驿站,服务户外劳动者。\n"


def _read(*paths: Path) -> tuple[list, list[Skipped]]:
    skipped: list[Skipped] = []
    return list(read_documents(list(paths), skipped)), skipped


def test_folder_read_recursively_sorted_with_relative_ids(tmp_path: Path) -> None:
    (tmp_path / "b" / "c").mkdir(parents=True)
    (tmp_path / "b" / "c" / "z.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "b" / "a.txt").write_text(PAGE, encoding="utf-8")
    (tmp_path / "a.htm").write_text(f"<p>{PAGE}</p>", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    docs, skipped = _read(tmp_path)
    assert [d.id for d in docs] == ["a.htm", "b/a.txt", "b/c/z.md"]
    assert not skipped
    assert all("某县总工会" in d.text for d in docs)


def test_single_file_id_is_its_name_whatever_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "page.data"
    path.parent.mkdir()
    path.write_text(PAGE, encoding="utf-8")
    docs, _ = _read(path)
    assert [d.id for d in docs] == ["page.data"]
    assert docs[0].text == PAGE


def test_missing_input_recorded(tmp_path: Path) -> None:
    docs, skipped = _read(tmp_path / "nope.txt")
    assert docs == [] and skipped[0].reason == "not found"


def test_same_relative_name_from_two_folders_gets_distinct_ids(tmp_path: Path) -> None:
    for name in ("x", "y"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "p.txt").write_text(PAGE, encoding="utf-8")
    docs, _ = _read(tmp_path / "x", tmp_path / "y")
    assert len({d.id for d in docs}) == 2


def test_html_page_reads_and_segments(tmp_path: Path) -> None:
    from kg.ingest import segment_articles

    html = (
        "<html><head><script>var a=1;</script></head><body><nav>首页 | 要闻</nav>"
        "<h2>某市总工会建成暖心驿站</h2><p>本报讯(记者甲乙)近日,某市总工会建成暖心驿站&amp;服务点。</p>"
        "<p>驿站面向外卖配送员开放。</p></body></html>"
    )
    (tmp_path / "page.html").write_text(html, encoding="gb18030")
    (doc,) = _read(tmp_path)[0]
    (art,) = segment_articles(doc)
    assert art.headline == "某市总工会建成暖心驿站"
    assert art.body.text == "本报讯(记者甲乙)近日,某市总工会建成暖心驿站&服务点。\n\n驿站面向外卖配送员开放。"
    assert "首页" not in doc.text and "var a" not in doc.text


def test_ids_of_names_that_read_alike_are_distinct_and_independent_of_order() -> None:
    """Issue #23: a GBK name reads like its UTF-8 twin; the UTF-8 one keeps the name, the GBK one is shown by
    its escaped bytes, and hashed if even that is some other file's name."""
    utf8 = "某县工会简报.txt"
    gbk = os.fsdecode(utf8.encode("gbk"))
    assert unique_names([gbk]) == [utf8], "alone, a GBK name reads as its characters"
    assert unique_names([utf8, gbk]) == [utf8, escaped(gbk)]
    assert unique_names([gbk, utf8]) == [escaped(gbk), utf8]
    assert "\\x" in escaped(gbk) and escaped(gbk) != utf8
    taken = escaped(gbk)  # a UTF-8 name spelling out the escapes
    ids = unique_names([taken, gbk, utf8])
    assert ids[0] == taken and ids[2] == utf8 and ids[1].startswith(f"{taken}~") and len(set(ids)) == 3


def test_twin_files_read_alike_but_keep_their_own_text(tmp_path: Path) -> None:
    (tmp_path / "某县简报.txt").write_text(PAGE, encoding="utf-8")
    with open(os.fsencode(tmp_path) + b"/" + "某县简报.txt".encode("gbk"), "w", encoding="utf-8") as f:
        f.write(PAGE.replace("某县", "某市"))
    docs, skipped = _read(tmp_path)
    assert skipped == []
    by_id = {d.id: d for d in docs}
    gbk_id = "某县简报.txt".encode("gbk").decode("utf-8", "backslashreplace")
    assert set(by_id) == {"某县简报.txt", gbk_id}
    assert by_id["某县简报.txt"].text == PAGE and "某市" in by_id[gbk_id].text
    assert by_id[gbk_id].path == str(tmp_path / gbk_id), "its path as shown tells it apart too"
