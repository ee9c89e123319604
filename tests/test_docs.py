"""The docs stay true: every test a page names exists, and docs/configuration.md lists every
setting with its real default (a promise without its test, or a stale one, fails here)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import AliasChoices

from taskflow.config import Settings

ROOT = Path(__file__).resolve().parent.parent
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
_CODE = re.compile(r"`([^`\n]+)`")
_REFERENCE = re.compile(
    r"^(?:(?P<path>[\w./-]*test_\w+\.py)(?:::)?)?(?P<test>test_\w+)?(?:\[.*\])?$"
)


def _defined_tests() -> dict[Path, set[str]]:
    tests: dict[Path, set[str]] = {}
    for path in (ROOT / "tests").rglob("test_*.py"):
        text = path.read_text(encoding="utf-8")
        tests[path] = set(re.findall(r"^(?:async )?def (test_\w+)", text, flags=re.MULTILINE))
    return tests


def _references(page: Path) -> list[tuple[str | None, str | None, str]]:
    found = []
    for code in _CODE.findall(page.read_text(encoding="utf-8")):
        match = _REFERENCE.match(code.strip())
        if match and (match["path"] or match["test"]):
            found.append((match["path"], match["test"], code))
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_test_a_page_names_exists(page: Path) -> None:
    defined = _defined_tests()
    every_name = set().union(*defined.values())
    missing = []
    for path, test, code in _references(page):
        if path is None:
            if test not in every_name:
                missing.append(code)
            continue
        # `tests/reliability/test_faults.py` or, under a heading naming the folder, `test_faults.py`
        files = [f for f in defined if f.as_posix().endswith("/" + path.removeprefix("tests/"))]
        if not files or (test is not None and not any(test in defined[f] for f in files)):
            missing.append(code)
    assert missing == [], f"{page.name} names tests that do not exist: {missing}"


# The pages that promise behaviour (architecture.md and benchmarks.md describe and measure).
PROMISING = ("configuration", "deploy", "projects-and-tasks", "realtime", "reliability", "security")


@pytest.mark.parametrize("name", PROMISING)
def test_a_page_of_promises_names_its_tests(name: str) -> None:
    assert len(_references(ROOT / "docs" / f"{name}.md")) >= 5


def _env_names(name: str, field: object) -> list[str]:
    """The names a setting is read from, the main one first (`DATABASE_URL` is a fallback)."""
    alias = getattr(field, "validation_alias", None)
    if isinstance(alias, AliasChoices):
        return [str(choice) for choice in alias.choices]
    return [f"TASKFLOW_{name.upper()}"]


def _documented_settings() -> dict[str, str]:
    """env name -> the default column, from every table row of docs/configuration.md."""
    rows: dict[str, str] = {}
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for line in page.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 3:
            continue
        for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cells[0]):
            rows[name] = cells[1].strip("`")
    return rows


def _as_documented(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Path):
        return f"./{value}"
    if value == []:
        return "empty"
    return str(value)


def test_configuration_page_lists_every_setting_with_its_default() -> None:
    documented = _documented_settings()
    names = {name: _env_names(name, field) for name, field in Settings.model_fields.items()}
    fields = {names[name][0]: field for name, field in Settings.model_fields.items()}
    every_name = {env_name for env_names in names.values() for env_name in env_names}
    assert sorted(set(every_name) - set(documented)) == [], "settings missing from the page"
    unknown = [n for n in documented if n not in every_name and not n.startswith("TASKFLOW_TEST_")]
    assert unknown == [], "the page documents settings that do not exist"
    for env_name, field in fields.items():
        default = field.get_default(call_default_factory=True)
        if default is None:  # unset, generated, or derived from another setting
            continue
        assert documented[env_name] == _as_documented(default), env_name
