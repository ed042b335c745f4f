"""What a service imports: the project modules it reaches, and the distributions they need."""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path

PROJECT_PACKAGES = ("masterx", "services", "simulator")


def module_file(root: Path, module: str) -> Path | None:
    base = root.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported_names(path: Path, module: str) -> Iterable[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            yield target
            yield from (f"{target}.{alias.name}" for alias in node.names)


def closure(root: Path, entry: str) -> tuple[set[Path], set[str]]:
    """Project files reached from module ``entry`` (with their packages' ``__init__``), and
    the top-level names of everything else imported."""
    files: set[Path] = set()
    external: set[str] = set()
    pending = [entry]
    seen: set[str] = set()
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        seen.add(module)
        top = module.split(".")[0]
        if top not in PROJECT_PACKAGES:
            external.add(top)
            continue
        path = module_file(root, module)
        if path is None:
            continue  # an attribute imported from a module (from x import name)
        parts = module.split(".")
        for i in range(1, len(parts)):
            init = module_file(root, ".".join(parts[:i]))
            if init is not None:
                files.add(init)
        files.add(path)
        pending.extend(_imported_names(path, module))
    return files, external


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_runtime_distributions(
    lock: Path, project: str, left_out: set[str], extras: tuple[str, ...] = ()
) -> set[str]:
    """The project's non-dev dependencies in ``uv.lock`` with these extras of it, transitively,
    minus ``left_out``."""
    packages = {p["name"]: p for p in tomllib.loads(lock.read_text(encoding="utf-8"))["package"]}
    found: set[str] = set()
    root = packages[project]
    direct = list(root["dependencies"])
    for extra in extras:
        direct.extend(root.get("optional-dependencies", {}).get(extra, ()))
    pending = [(d["name"], tuple(d.get("extra", ()))) for d in direct]
    while pending:
        name, extras = pending.pop()
        if name in left_out or (name in found and not extras):
            continue
        found.add(name)
        entry = packages[name]
        deps = list(entry.get("dependencies", ()))
        for extra in extras:
            deps.extend(entry.get("optional-dependencies", {}).get(extra, ()))
        pending.extend((d["name"], tuple(d.get("extra", ()))) for d in deps)
    return {_normalise(n) for n in found}


@functools.cache
def _packages() -> Mapping[str, list[str]]:
    return importlib.metadata.packages_distributions()


def distributions_of(top_level: str) -> set[str]:
    """Installed distributions providing an importable top-level name (empty for stdlib)."""
    if top_level in sys.stdlib_module_names:
        return set()
    mapping = _packages()
    return {_normalise(d) for d in mapping.get(top_level, ())}
