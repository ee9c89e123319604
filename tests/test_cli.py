"""The `taskflow` command, run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.servers import ServerProcess, run_server

TASKFLOW = [sys.executable, "-m", "taskflow"]


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TASKFLOW_")}
    clean.update({"TASKFLOW_DATA_DIR": str(tmp_path / "data"), **env})
    return subprocess.run(
        [*TASKFLOW, *args], cwd=tmp_path, env=clean, capture_output=True, text=True, timeout=120
    )


def test_openapi_prints_the_schema(tmp_path: Path) -> None:
    result = _run(["openapi"], tmp_path)
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["info"]["title"] == "TaskFlow"
    assert schema["openapi"].startswith("3.")


def test_migrate_creates_the_sqlite_database(tmp_path: Path) -> None:
    result = _run(["migrate"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "taskflow.db").exists()


def test_production_without_secret_stops_with_one_line(tmp_path: Path) -> None:
    result = _run(["serve", "--port", "8999"], tmp_path, TASKFLOW_ENV="production")
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [
        "taskflow: invalid configuration: TASKFLOW_SECRET_KEY must be set to at least 32 "
        "characters when TASKFLOW_ENV=production"
    ]


def test_invalid_setting_names_it(tmp_path: Path) -> None:
    result = _run(["migrate"], tmp_path, TASKFLOW_ACCESS_TOKEN_EXPIRE_MINUTES="never")
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith(
        "taskflow: invalid configuration: TASKFLOW_ACCESS_TOKEN_EXPIRE_MINUTES:"
    )


def test_create_superuser_with_password_from_env(tmp_path: Path) -> None:
    assert _run(["migrate"], tmp_path).returncode == 0
    result = _run(
        ["create-superuser", "--email", "Admin@Example.com", "--username", "admin"],
        tmp_path,
        TASKFLOW_SUPERUSER_PASSWORD="a long enough password",
    )
    assert result.returncode == 0, result.stderr
    assert "superuser admin created" in result.stdout
    again = _run(
        ["create-superuser", "--email", "admin@example.com", "--username", "other"],
        tmp_path,
        TASKFLOW_SUPERUSER_PASSWORD="a long enough password",
    )
    assert again.returncode != 0
    assert "Email already registered" in again.stderr


@pytest.mark.parametrize(
    ("email", "username", "password", "complaint"),
    [
        ("not-an-email", "admin", "a long enough password", "email:"),
        ("admin@example.com", "a d", "a long enough password", "username:"),
        ("admin@example.com", "admin", "short", "password: Password must be at least 8"),
        ("admin@example.com", "admin", "password123", "too common"),
    ],
)
def test_create_superuser_applies_the_registration_rules(
    tmp_path: Path, email: str, username: str, password: str, complaint: str
) -> None:
    assert _run(["migrate"], tmp_path).returncode == 0
    result = _run(
        ["create-superuser", "--email", email, "--username", username],
        tmp_path,
        TASKFLOW_SUPERUSER_PASSWORD=password,
    )
    assert result.returncode != 0
    assert complaint in result.stderr


@pytest.mark.parametrize("command", ["serve", "migrate", "create-superuser", "worker", "openapi"])
def test_every_command_has_help(tmp_path: Path, command: str) -> None:
    result = _run([command, "--help"], tmp_path)
    assert result.returncode == 0
    assert "Usage:" in result.stdout


def _register(server: ServerProcess) -> None:
    response = httpx.post(
        f"{server.url}/api/v1/auth/register",
        json={"email": "ada@example.com", "username": "ada", "password": "a long enough password"},
        timeout=30,
    )
    assert response.status_code == 201, response.text


def _wait_for(server: ServerProcess, text: str) -> str:
    deadline = time.monotonic() + 20
    while text not in server.log():
        assert time.monotonic() < deadline, f"{text!r} never logged:\n{server.log()}"
        time.sleep(0.1)
    return server.log()


def test_serve_without_public_url_puts_its_own_port_in_email_links(tmp_path: Path) -> None:
    with run_server(tmp_path / "data", {}) as server:
        _register(server)
        log = _wait_for(server, "/verify-email?token=")
    assert f"http://127.0.0.1:{server.port}/verify-email?token=" in log
    assert "http://127.0.0.1:8000/" not in log


def test_serve_keeps_a_configured_public_url(tmp_path: Path) -> None:
    with run_server(tmp_path / "data", {"TASKFLOW_PUBLIC_URL": "https://tasks.example.org"}) as s:
        _register(s)
        log = _wait_for(s, "/verify-email?token=")
    assert "https://tasks.example.org/verify-email?token=" in log
    assert f":{s.port}/verify-email" not in log


def test_serve_in_production_writes_only_json_lines(tmp_path: Path) -> None:
    with run_server(tmp_path / "data", {"TASKFLOW_ENV": "production"}) as server:
        _register(server)
        _wait_for(server, "POST /api/v1/auth/register 201")
    lines = [line for line in server.log().splitlines() if line.strip()]
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"not a JSON line: {line!r}")
    assert all(isinstance(record, dict) for record in records)
    start = [r for r in records if r["message"].startswith("TaskFlow serving on")]
    assert start == [
        {
            "time": start[0]["time"],
            "level": "INFO",
            "logger": "taskflow.cli",
            "message": f"TaskFlow serving on http://127.0.0.1:{server.port} (production)",
            "address": f"http://127.0.0.1:{server.port}",
            "workers": 1,
            "public_url": f"http://127.0.0.1:{server.port}",
        }
    ]
    assert any(r["logger"] == "alembic.runtime.migration" for r in records)  # the migration too
    assert any(r["logger"] == "uvicorn.error" for r in records)  # and uvicorn's own lines


def test_migrate_in_production_writes_only_json_lines(tmp_path: Path) -> None:
    result = _run(["migrate"], tmp_path, TASKFLOW_ENV="production", TASKFLOW_SECRET_KEY="k" * 40)
    assert result.returncode == 0, result.stderr
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]
    assert records[-1]["message"] == "database is up to date"
