"""kg's import graph, read from source: no cycles, and the per-document work's closure that kg.runtime.cache hashes."""

from __future__ import annotations

import networkx as nx

from kg.code import PACKAGE, closure, imports, modules
from kg.runtime.cache import WORK


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


STAGES = ("kg.ingest", "kg.extract", "kg.resolve", "kg.document", "kg.model", "kg.ontology", "kg.divisions")
"""Pure functions over the model: they never reach kg.runtime, directly or through another module."""
PROCESS_MACHINERY = {"kg.runtime.parallel", "kg.runtime.output_process", "kg.runtime.gcpause", "kg.runtime.cache"}
"""What only kg.pipeline (and the runtime itself) composes: writers and stores use atomic writes, OUT's
lock, shared derivations and progress bars, never this."""


def test_stages_never_import_the_runtime() -> None:
    runtime = {p for m, p in modules().items() if m.startswith("kg.runtime")}
    reached = {m: sorted(p.relative_to(PACKAGE.parent).as_posix() for p in set(closure(m)) & runtime)
               for m in modules() if m.startswith(STAGES)}
    assert {m: files for m, files in reached.items() if files} == {}


def test_only_the_pipeline_composes_the_process_machinery() -> None:
    users = {m for m in modules() if not m.startswith("kg.runtime") and imports(m) & PROCESS_MACHINERY}
    assert users == {"kg.pipeline"}


def test_the_runtime_knows_only_the_model_and_the_per_document_work() -> None:
    allowed = {"kg.model", "kg.document"}
    reached = {m: sorted(i for i in imports(m) if i.startswith(STAGES) and i not in allowed)
               for m in modules() if m.startswith("kg.runtime")}
    assert {m: stages for m, stages in reached.items() if stages} == {}


def test_no_private_name_is_imported_across_modules() -> None:
    import ast

    crossing = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kg"):
                crossing += [f"{name}: {node.module}.{a.name}" for a in node.names
                             if a.name.startswith("_") and not a.name.endswith("__")]
    assert crossing == []
