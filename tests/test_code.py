"""kg's import graph, read from source: no cycles, and the per-document work's closure that kg.cache hashes."""

from __future__ import annotations

import networkx as nx

from kg.cache import WORK
from kg.code import PACKAGE, closure, imports, modules


def _graph() -> nx.DiGraph:
    g = nx.DiGraph()
    for name in modules():
        g.add_node(name)
        g.add_edges_from((name, target) for target in imports(name))
    return g


def test_no_import_cycles() -> None:
    cycles = [sorted(c) for c in nx.strongly_connected_components(_graph()) if len(c) > 1]
    assert cycles == []


def test_imports_inside_functions_count() -> None:
    assert "kg.divisions" in imports("kg.extract.regions")  # imported inside a function there


def test_from_package_import_submodule() -> None:
    assert "kg.extract.dictionaries" in imports("kg.extract.orgs")
    assert "kg.extract" not in imports("kg.extract.orgs")


def test_cache_hashes_the_whole_per_document_work() -> None:
    names = {p.relative_to(PACKAGE.parent).as_posix() for p in closure(WORK)}
    assert {"kg/document.py", "kg/extract/orgs.py", "kg/ingest/segment.py", "kg/divisions.py",
            "kg/extract/lexicon.py", "kg/model.py"} <= names
    assert not names & {"kg/pipeline.py", "kg/resolve.py", "kg/outputs.py", "kg/cli/build.py"}


RUNTIME = {"kg.gcpause", "kg.parallel", "kg.output_process", "kg.memo", "kg.lock", "kg.cache", "kg.progress"}
"""How a build runs (processes, forking, collector pauses, memoisation, locks, the cache, progress bars)."""


def test_stages_never_import_the_runtime() -> None:
    stages = [m for m in modules() if m.startswith(("kg.ingest", "kg.extract", "kg.resolve", "kg.document"))]
    reached = {m: sorted(p.relative_to(PACKAGE.parent).as_posix() for p in closure(m)) for m in stages}
    runtime_files = {m.replace(".", "/") + ".py" for m in RUNTIME}
    assert {m: sorted(set(files) & runtime_files) for m, files in reached.items() if set(files) & runtime_files} == {}


def test_no_private_name_is_imported_across_modules() -> None:
    import ast

    crossing = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kg"):
                crossing += [f"{name}: {node.module}.{a.name}" for a in node.names
                             if a.name.startswith("_") and not a.name.endswith("__")]
    assert crossing == []
