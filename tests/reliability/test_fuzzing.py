"""Schemathesis against TaskFlow's own OpenAPI schema, on a real server, SQLite and PostgreSQL.

Every operation, authenticated as a superuser with seeded data (see fuzz_hooks.py), through
all four phases: explicit examples, coverage of boundary values, random fuzzing, and stateful
sequences that follow the `Location` of what was created.
The run must find no 5xx, no response that breaks its declared schema or content type, and
no status code the schema does not document.

Bounded: TASKFLOW_FUZZ_MAX_EXAMPLES cases per operation (default 20) keeps one backend under
about a minute. The seed is random unless TASKFLOW_FUZZ_SEED is set; a failure prints the
seed and a `curl` line that reproduces it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.conftest import empty_postgres
from tests.servers import ServerProcess, run_server, server_env

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def fuzz_settings(
    backend: str, tmp_path: Path, postgres_schema: str | None
) -> AsyncIterator[dict[str, str]]:
    """Server settings with limits high enough for a fuzzer (it logs in and fails a lot)."""
    settings = {
        "TASKFLOW_REGISTER_MAX_PER_HOUR": "1000000",
        "TASKFLOW_PASSWORD_RESET_MAX_PER_HOUR": "1000000",
        # Wrong passwords sent to DELETE /users/me count as failed logins of the account.
        "TASKFLOW_LOGIN_MAX_ATTEMPTS": "1000000",
    }
    if backend == "postgresql":
        assert postgres_schema is not None
        settings["TASKFLOW_DATABASE_URL"] = postgres_schema
    else:  # a fresh file: `serve` migrates it, so the migrated schema is the one fuzzed
        settings["TASKFLOW_DATABASE_URL"] = f"sqlite:///{tmp_path / 'fuzz.db'}"
    yield settings
    if backend == "postgresql" and postgres_schema is not None:
        await empty_postgres(postgres_schema)


@pytest.fixture
def fuzzed_server(fuzz_settings: dict[str, str], tmp_path: Path) -> Iterator[ServerProcess]:
    with run_server(tmp_path / "server", {**fuzz_settings, "TASKFLOW_LOG_LEVEL": "WARNING"}) as s:
        yield s


def test_schemathesis_finds_nothing(
    fuzzed_server: ServerProcess, fuzz_settings: dict[str, str], tmp_path: Path
) -> None:
    max_examples = os.environ.get("TASKFLOW_FUZZ_MAX_EXAMPLES", "20")
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{fuzzed_server.url}/api/v1/openapi.json",
        "--checks",
        CHECKS,
        "--max-examples",
        max_examples,
        "--no-shrink",
        "--generation-database",
        "none",
        "--request-timeout",
        "20",
        "--workers",
        "1",
        "--no-color",
    ]
    if seed := os.environ.get("TASKFLOW_FUZZ_SEED"):
        command += ["--seed", seed]
    env = {
        # the hooks create superusers with `taskflow create-superuser` in the server's database
        **server_env(tmp_path, fuzz_settings),
        "SCHEMATHESIS_HOOKS": "tests.reliability.fuzz_hooks",
        "TASKFLOW_FUZZ_BASE_URL": fuzzed_server.url,
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        command,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = result.stdout[-20_000:] + result.stderr[-5_000:]
    assert result.returncode == 0, report + "\n--- server log ---\n" + fuzzed_server.log()[-5_000:]
    assert "Server error" not in result.stdout
