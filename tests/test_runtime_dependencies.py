"""Every library the package imports is one its production install gets.

The Docker image installs the lock's runtime dependencies only (`uv sync --no-dev`). httpx,
which webhook deliveries and OpenID Connect sign-in use, was a dev dependency: the test
environment had it, a production install would have failed on the first delivery. This reads
every import under src/taskflow and checks each third-party one against the runtime
dependencies' closure in uv.lock (extras followed).
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "taskflow"


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_modules() -> dict[str, str]:
    """Top-level module -> a file importing it, for every absolute import of the package."""
    modules: dict[str, str] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                modules.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return modules


def _runtime_closure() -> set[str]:
    """The distributions `uv sync --no-dev` installs: the project's dependencies, theirs, and
    the extras named on the way."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    packages: dict[str, dict[str, Any]] = {
        _normalized(package["name"]): package for package in lock["package"]
    }
    project = packages["taskflow"]
    pending = list(project.get("dependencies", []))
    seen: set[str] = set()
    while pending:
        dependency = pending.pop()
        name = _normalized(dependency["name"])
        package = packages.get(name, {})
        if name not in seen:
            seen.add(name)
            pending.extend(package.get("dependencies", []))
        for extra in dependency.get("extra", []):
            pending.extend(package.get("optional-dependencies", {}).get(extra, []))
    return seen


def test_every_imported_library_is_a_runtime_dependency() -> None:
    closure = _runtime_closure()
    distributions = packages_distributions()
    missing = {}
    for module, where in _imported_modules().items():
        if module in sys.stdlib_module_names or module in {"taskflow", "__future__"}:
            continue
        names = distributions.get(module)
        assert names, f"{module} (imported by {where}) belongs to no installed distribution"
        if not any(_normalized(name) in closure for name in names):
            missing[module] = where
    assert not missing, f"imported, but not runtime dependencies in uv.lock: {missing}"


def test_the_check_sees_a_dev_only_library() -> None:
    """It can fail: pytest, a dev dependency, is outside the runtime closure."""
    closure = _runtime_closure()
    assert "pytest" not in closure
    assert {"fastapi", "sqlalchemy", "greenlet", "httpx", "argon2-cffi-bindings"} <= closure
