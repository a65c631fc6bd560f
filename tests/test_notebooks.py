"""The tutorial notebooks: stored with outputs stripped, in sync with their generator, and run clean.

Each notebook is executed with nbclient on the venv's python3 kernel, from the repo root and from
notebooks/ (they find the repo root themselves); 02 and 03 reuse a build named by KG_OUT or build
their own when it is unset.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import find_kernel_specs
from nbclient import NotebookClient

from kg.pipeline import build
from kg.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CELL_TIMEOUT = 300
KERNEL = "python3"


def _generator():
    spec = importlib.util.spec_from_file_location("make_notebooks", NOTEBOOKS / "make_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_notebook_is_stored_stripped() -> None:
    names = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    assert names == sorted(_generator().NOTEBOOKS)
    for name in names:
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        nbformat.validate(nb)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code, name
        for cell in code:
            assert cell.execution_count is None, f"{name}: execution_count not stripped"
            assert cell.outputs == [], f"{name}: outputs not stripped"


def test_stored_notebooks_match_their_generator(tmp_path: Path) -> None:
    for written in _generator().write_all(tmp_path):
        stored = NOTEBOOKS / written.name
        assert stored.read_text(encoding="utf-8") == written.read_text(encoding="utf-8"), (
            f"{written.name} is stale: run python notebooks/make_notebooks.py"
        )


@pytest.fixture(scope="session")
def kernel() -> str:
    """The python3 kernel of this interpreter, registered in the venv when no kernelspec is found."""
    if KERNEL not in find_kernel_specs():
        subprocess.run([sys.executable, "-m", "ipykernel", "install", "--sys-prefix"], check=True)
    return KERNEL


@pytest.fixture(scope="session")
def built_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("nb-out")
    build([ROOT / "seeds"], Settings(out=out, progress=False, workers=1))
    return out


CASES = [
    ("01_build_and_explore.ipynb", "root", False),
    ("01_build_and_explore.ipynb", "notebooks", False),
    ("02_query_sparql_and_cypher.ipynb", "notebooks", True),
    ("02_query_sparql_and_cypher.ipynb", "root", False),
    ("03_export_for_research.ipynb", "root", True),
    ("03_export_for_research.ipynb", "notebooks", False),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "where", "reuse"), CASES, ids=[f"{n[:2]}-{w}-{'reuse' if r else 'build'}"
                                                                  for n, w, r in CASES])
def test_notebook_runs(name: str, where: str, reuse: bool, kernel: str, request: pytest.FixtureRequest,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    if reuse:
        monkeypatch.setenv("KG_OUT", str(request.getfixturevalue("built_out")))
    else:
        monkeypatch.delenv("KG_OUT", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    cwd = ROOT if where == "root" else NOTEBOOKS
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    resources = {"metadata": {"path": str(cwd)}}
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name=kernel, resources=resources)
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    texts = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert f"repo root: {ROOT}" in texts
