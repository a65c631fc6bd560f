"""Files kg reads from inside other installed packages, found without importing them.

kg inlines vis-network as pyvis ships it and reads the division table jionlp ships (and jieba's
dictionary); pyproject.toml pins the version ranges that hold these files. If a package moves a
file, kg fails with one line naming the package, its version and the range it needs.
"""

from __future__ import annotations

from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

from kg.errors import DependencyError

REQUIRED = {"pyvis": ">=0.3.2,<0.4", "jionlp": ">=1.5.20,<2", "jieba": ">=0.42,<0.43"}
"""The version ranges of pyproject.toml for the packages whose files kg reads."""


def package_dir(package: str) -> Path:
    """The folder of an installed package (DependencyError when it is not installed)."""
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise DependencyError(f"{package} is not installed; kg needs {package}{REQUIRED.get(package, '')}")
    return Path(next(iter(spec.submodule_search_locations)))


def package_file(package: str, *patterns: str) -> Path:
    """The first file under the package's folder matching one of the glob `patterns`, tried in order
    (matches of one pattern sorted, so the choice is stable)."""
    folder = package_dir(package)
    found = [f for pattern in patterns for f in sorted(folder.glob(pattern))]
    if not found:
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            version = "unknown version"
        raise DependencyError(
            f"{package} {version} has no {' or '.join(patterns)}; kg reads it from {package}{REQUIRED.get(package, '')}"
        )
    return found[0]
