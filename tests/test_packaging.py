"""The wheel: it ships every module and the schema (ontology, shapes, lexicons) as package data, a
non-editable install builds the seeds from another folder, and every imported package is declared."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the checkout (so the build leaves nothing in the work tree)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for name in ("kg", "schema"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(src)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return next(dist.glob("kg-*.whl"))


def test_wheel_holds_every_module_and_schema_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "kg").rglob("*.py")}
    schema = {"kg/_schema/" + p.relative_to(ROOT / "schema").as_posix()
              for p in (ROOT / "schema").rglob("*") if p.is_file()}
    assert modules - names == set()
    assert schema - names == set()
    assert "kg/export/templates/graph.html.j2" in names


def test_non_editable_install_builds_the_seeds(wheel: Path, tmp_path: Path) -> None:
    """Installed from the wheel into a fresh virtual environment (its dependencies borrowed from this
    interpreter's site-packages, so the test needs no network), kg builds the seeds from another folder."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3.*/site-packages"))
    (site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                              "--quiet", "--no-deps", "--no-index", str(wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    work = tmp_path / "elsewhere"
    shutil.copytree(SEEDS, work / "pages")
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import kg.settings as s; print(s.SCHEMA_DIR)"],
                           cwd=work, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(site), where
    done = subprocess.run([str(venv / "bin" / "kg"), "build", "pages", "--out", "out", "-q", "-j", "0",
                           "--only", "graph", "--only", "rdf", "--only", "shacl"],
                          cwd=work, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = (work / "out" / "graph.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) > 100
    assert (work / "out" / "rdf" / "graph.ttl").stat().st_size > 0


def _imported_top_levels() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "kg").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"kg"}


def _requirement_name(spec: str) -> str:
    for stop in "[<>=!~; ":
        spec = spec.split(stop)[0]
    return spec.lower().replace("_", "-")


def test_every_imported_package_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_requirement_name(s) for s in project["dependencies"]}
    optional = {_requirement_name(s) for specs in project["optional-dependencies"].values() for s in specs}
    providers = metadata.packages_distributions()
    missing = {}
    for module in sorted(_imported_top_levels()):
        dists = {d.lower().replace("_", "-") for d in providers.get(module, [module])}
        if not dists & (declared | optional):
            missing[module] = sorted(dists)
    assert missing == {}
