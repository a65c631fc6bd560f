"""kg's own modules and the imports between them, read from the source (nothing is imported).

kg.runtime.cache hashes the source of the per-document work and everything it imports, so a change to any
code that shapes an extraction starts a fresh cache; the tests check that no two modules import
each other, directly or through others.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def module_name(path: Path) -> str:
    """`kg/extract/orgs.py` → `kg.extract.orgs`; a package's `__init__.py` → the package."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of kg by dotted name (sorted)."""
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str) -> frozenset[str]:
    """The kg modules that module `name` imports anywhere in its body (also inside functions).

    `from kg.x import y` counts as an import of `kg.x.y` when that is a module, else of `kg.x`."""
    known = modules()
    path = known[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            subs = {f"{base}.{a.name}" for a in node.names} & known.keys()
            found |= subs
            if len(subs) < len(node.names):
                found.add(base)
    return frozenset(found & known.keys() - {name})


def closure(name: str) -> list[Path]:
    """The source files of module `name` and of every kg module it imports, directly or not (sorted)."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(imports(current) - seen)
    return sorted(modules()[m] for m in seen)
