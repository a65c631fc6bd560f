"""The lexicon loader: every shipped file parses, and a malformed line fails with file and line number."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.errors import SchemaError
from kg.extract.lexicon import Columns, read_rows
from kg.settings import LEXICON_DIR

HEADER = "# A test taxonomy.\n# columns: canonical, aliases (|), broader\n"


def _tsv(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "groups.tsv"
    path.write_text(header + body, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", sorted(p for p in LEXICON_DIR.iterdir() if p.suffix in {".tsv", ".txt"}),
                         ids=lambda p: p.name)
def test_every_shipped_file_is_well_formed(path: Path) -> None:
    assert read_rows(path)


def test_columns_declaration() -> None:
    cols = Columns.parse(" canonical, aliases (|), broader")
    assert cols.names == ("canonical", "aliases", "broader")
    assert cols.lists == frozenset({1})


def test_good_rows_keep_trailing_empty_columns(tmp_path: Path) -> None:
    rows = read_rows(_tsv(tmp_path, "骑手\t外卖骑手|送餐员\t\n货车司机\t\t\n"))
    assert rows == (("骑手", "外卖骑手|送餐员", ""), ("货车司机", "", ""))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("骑手\t外卖骑手,送餐员\t\n", "groups.tsv:3: column 'aliases' is a list: separate its values with |"),
        ("骑手\t外卖骑手、送餐员\t\n", "groups.tsv:3: column 'aliases' is a list"),
        ("骑手\t\t\t多余\n", "groups.tsv:3: 4 tab-separated columns, the file declares 3"),
        ("\n\t外卖骑手\t\n", "groups.tsv:4: the first column (canonical) is empty"),
        ("骑手\t\t劳动者|职工\n", "groups.tsv:3: column 'broader' holds one value"),
    ],
)
def test_malformed_line_names_file_and_line(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(SchemaError, match="^" + re.escape(message)):
        read_rows(_tsv(tmp_path, body))


def test_tsv_without_declaration_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="needs one '# columns:"):
        read_rows(_tsv(tmp_path, "骑手\t外卖骑手\t\n", header="# no declaration\n"))


def test_word_list_rejects_a_second_column(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    path.write_text("# words\n开展 推出\n打造\t建立\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"^words.txt:3: 2 tab-separated columns"):
        read_rows(path)
