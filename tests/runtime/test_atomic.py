"""kg.runtime.atomic: outputs appear whole or not at all, unchanged ones are left alone, leftovers are swept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.runtime import atomic
from kg.runtime.atomic import (
    atomic_dir,
    atomic_path,
    is_temp,
    same_tree,
    sweep_temps,
    write_lines,
    write_text,
)


def _id(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


def test_write_replaces_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "a.txt"
    write_text(target, "old")
    write_lines(target, ["new", "lines"])
    assert target.read_bytes() == b"new\nlines\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.txt"]


def test_unchanged_content_keeps_the_file_untouched(tmp_path: Path) -> None:
    target = write_text(tmp_path / "a.txt", "same")
    before = _id(target)
    write_text(target, "same")
    assert _id(target) == before
    write_text(target, "other")
    assert _id(target) != before


def test_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = write_text(tmp_path / "a.txt", "old")
    with pytest.raises(ValueError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise ValueError("writer failed")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_outputs_get_shareable_modes(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        write_text(tmp_path / "a.txt", "x")
        with atomic_dir(tmp_path / "d") as tmp:
            (tmp / "f").write_text("x")
    finally:
        os.umask(mask)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "d").stat().st_mode & 0o777 == 0o755


def _fill(folder: Path, **files: str) -> None:
    for name, text in files.items():
        (folder / name).write_text(text)


def test_dir_swap_replaces_the_whole_folder(tmp_path: Path) -> None:
    target = tmp_path / "store"
    with atomic_dir(target) as tmp:
        _fill(tmp, a="1", b="2")
    with atomic_dir(target) as tmp:
        _fill(tmp, a="1", c="3")
    assert sorted(p.name for p in target.iterdir()) == ["a", "c"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]


def test_unchanged_folder_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "csv"
    with atomic_dir(target) as tmp:
        _fill(tmp, a="1")
    before = (_id(target), _id(target / "a"))
    with atomic_dir(target) as tmp:
        _fill(tmp, a="1")
    assert (_id(target), _id(target / "a")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csv"]


def test_failed_dir_write_keeps_the_old_folder(tmp_path: Path) -> None:
    target = tmp_path / "store"
    with atomic_dir(target) as tmp:
        _fill(tmp, a="old")
    with pytest.raises(ValueError), atomic_dir(target) as tmp:
        _fill(tmp, a="half")
        raise ValueError("load failed")
    assert (target / "a").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]


def test_exchange_swaps_two_folders_in_one_step(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    _fill(a, x="from a")
    _fill(b, y="from b")
    if not atomic._exchange(a, b):
        pytest.skip("renameat2(RENAME_EXCHANGE) not supported here")
    assert [p.name for p in a.iterdir()] == ["y"] and [p.name for p in b.iterdir()] == ["x"]


def test_two_rename_fallback_gives_the_same_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the OS has no atomic exchange (macOS, old kernels) the folder is still swapped."""
    monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)
    test_dir_swap_replaces_the_whole_folder(tmp_path)


def test_same_tree(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        (d / "sub").mkdir(parents=True)
        _fill(d / "sub", f="1")
    assert same_tree(a, b)
    _fill(b / "sub", f="2")
    assert not same_tree(a, b)
    _fill(b / "sub", f="1", g="")
    assert not same_tree(a, b)


def test_sweep_removes_only_temporaries(tmp_path: Path) -> None:
    keep = [".kg.lock", ".cache/extract/v1/ab/abcd.pickle", "rdf/graph.nq", "oxigraph/000001.sst"]
    gone = [".kg-tmp-graph.html.k2j3", "rdf/.kg-tmp-graph.nq.x9", ".cache/extract/v1/ab/.kg-tmp-abcd.pickle.q1",
            ".kg-tmp-oxigraph.ab12/000001.sst", ".kg-old-oxigraph/CURRENT"]
    for rel in keep + gone:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    removed = sweep_temps(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in removed) == sorted(
        [".kg-tmp-graph.html.k2j3", "rdf/.kg-tmp-graph.nq.x9", ".cache/extract/v1/ab/.kg-tmp-abcd.pickle.q1",
         ".kg-tmp-oxigraph.ab12", ".kg-old-oxigraph"])
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == sorted(keep)
    assert is_temp(".kg-tmp-graph.tmp") and not is_temp(".graph.tmp") and not is_temp(".backup.old")


def test_sweep_leaves_user_files_in_out_alone(tmp_path: Path) -> None:
    """Issue #23: a user's own `.something.tmp` / `.something.old` files and folders under OUT (a backup, a
    git index) survive a build's sweep, as does anything deeper than kg writes or behind a symlink."""
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    user = [".notes.tmp", ".backup.old/thesis.docx", "docs/.backup.old/thesis.docx", ".git/.index.tmp",
            "docs/deep/.kg-tmp-draft.x1", "rdf/.graph.nq.x9.tmp"]
    for rel in user:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text("mine")
    elsewhere.mkdir()
    (elsewhere / ".kg-tmp-kept.a1").write_text("mine")
    (out / "linked").symlink_to(elsewhere)
    (out / ".kg-tmp-graph.jsonl.zz").write_text("half")
    assert [p.name for p in sweep_temps(out)] == [".kg-tmp-graph.jsonl.zz"]
    assert all((out / rel).read_text() == "mine" for rel in user)
    assert (elsewhere / ".kg-tmp-kept.a1").exists()


def test_temporaries_are_named_as_kg_s_own(tmp_path: Path) -> None:
    target = tmp_path / "graph.html"
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".kg-tmp-graph.html.") and is_temp(tmp.name)
    with atomic_dir(tmp_path / "store") as folder:
        assert folder.name.startswith(".kg-tmp-store.") and is_temp(folder.name)


