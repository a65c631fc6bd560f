"""Files read from inside other packages: found where the pinned versions keep them, a clear error otherwise."""

from __future__ import annotations

import pytest

from kg.errors import DependencyError
from kg.export.html import vis_network
from kg.package_files import package_file


def test_shipped_files_are_found() -> None:
    assert vis_network().name == "vis-network.min.js"
    assert package_file("jieba", "dict.txt").stat().st_size > 1_000_000
    assert package_file("jionlp", "dictionary/china_location.txt", "dictionary/china_location.zip").is_file()


def test_a_moved_file_names_package_version_and_range() -> None:
    expected = r"^pyvis \S+ has no lib/vis-0\.\*/x\.js; kg reads it from pyvis>=0\.3\.2"
    with pytest.raises(DependencyError, match=expected):
        package_file("pyvis", "lib/vis-0.*/x.js")


def test_a_missing_package_is_named() -> None:
    with pytest.raises(DependencyError, match="^no_such_kg_dependency is not installed"):
        package_file("no_such_kg_dependency", "x")
