"""Schemathesis against TaskFlow's own OpenAPI schema, on a real server, SQLite and PostgreSQL.

Every operation, authenticated as a superuser with seeded data (see fuzz_hooks.py), through
all four phases: explicit examples, coverage of boundary values, random fuzzing, and stateful
sequences that follow the `Location` of what was created. Every check is on: no 5xx, no
status code, content type or body the schema does not declare, invalid input refused and
valid input accepted (the schema says exactly what the server enforces), 405 for a method a
path does not declare, and what was just created is there. schemathesis.toml (next to this
file) lists the few answers a schema cannot promise for valid input, and why.

Bounded: TASKFLOW_FUZZ_MAX_EXAMPLES cases per operation (default 10) and a fixed seed
(TASKFLOW_FUZZ_SEED to change it); a failure prints a `curl` line that reproduces it.
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
        "negative_data_rejection",
        "positive_data_acceptance",
        "unsupported_method",
        "ensure_resource_availability",
    ]
)
PHASES = "examples,coverage,fuzzing,stateful"
SEED = "20261201"
ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).with_name("schemathesis.toml")


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
    settings = {**fuzz_settings, "TASKFLOW_LOG_LEVEL": "WARNING"}
    # A generous start-up: the suite runs beside other tests on a small machine.
    with run_server(tmp_path / "server", settings, live_timeout=120) as s:
        yield s


def test_schemathesis_finds_nothing(
    fuzzed_server: ServerProcess, fuzz_settings: dict[str, str], tmp_path: Path
) -> None:
    max_examples = os.environ.get("TASKFLOW_FUZZ_MAX_EXAMPLES", "10")
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--config-file",
        str(CONFIG),
        "run",
        f"{fuzzed_server.url}/api/v1/openapi.json",
        "--checks",
        CHECKS,
        "--phases",
        PHASES,
        "--seed",
        os.environ.get("TASKFLOW_FUZZ_SEED", SEED),
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
    # Every phase ran (a phase that could not start is not a pass).
    for phase in ("Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in result.stdout, report
    print(result.stdout[-1_500:])  # schemathesis's own summary (shown with pytest -rP)
