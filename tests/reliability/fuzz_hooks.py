"""Schemathesis hooks for the fuzzing test: a superuser's bearer token, with seeded data.

Loaded by `schemathesis run` through SCHEMATHESIS_HOOKS; the server's URL comes from
TASKFLOW_FUZZ_BASE_URL and its database from TASKFLOW_DATABASE_URL. A superuser reaches every
route, the administration ones included. The fuzzer may end its own session (logout-all, a
deleted session) or rename its own account (PATCH /users/{id} as superuser): a 401 makes
schemathesis fetch a token again, and each fetch creates a new superuser with
`taskflow create-superuser`, logs it in and seeds data, so the run stays authenticated.

A new password the schema allows (8-128 characters, no NUL) may still be refused by the
password policy (a common password, the username): the schema cannot list 30,000 words.
Such a password is replaced by an uncommon one of the same length, so that a refusal means
the schema and the server disagree on something else.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from typing import Any

import httpx
import schemathesis

PASSWORD = "a long and unusual passphrase"
UNCOMMON = "Zq7#wXp9-Lk3!vBn" * 8  # 128 characters, no word in it
# The body fields that set a new password, by operation.
NEW_PASSWORDS = {
    "POST /api/v1/auth/register": "password",
    "POST /api/v1/users/me/password": "new_password",
    "POST /api/v1/auth/password-reset/confirm": "new_password",
}


def _new_superuser() -> str:
    name = "fuzzadmin" + secrets.token_hex(6)
    command = ["create-superuser", "--email", f"{name}@example.com", "--username", name]
    subprocess.run(
        [sys.executable, "-m", "taskflow", *command],
        env={**os.environ, "TASKFLOW_SUPERUSER_PASSWORD": PASSWORD},
        check=True,
        capture_output=True,
        timeout=60,
    )
    return name


def _seeded_session(base_url: str) -> str:
    """Log a new superuser in; give it a project, a label, tasks, a comment, a vote, a member."""
    admin = _new_superuser()
    with httpx.Client(base_url=f"{base_url}/api/v1", timeout=30) as http:
        member = "fuzz" + secrets.token_hex(6)
        http.post(
            "/auth/register",
            json={"email": f"{member}@example.com", "username": member, "password": PASSWORD},
        )
        tokens = http.post("/auth/token", data={"username": admin, "password": PASSWORD})
        tokens.raise_for_status()
        token: str = tokens.json()["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        project = http.post("/projects", json={"name": "Fuzzed"}).json()
        label = http.post(f"/projects/{project['id']}/labels", json={"name": "bug"}).json()
        task = http.post(
            "/tasks",
            json={"title": "Seed", "project_id": project["id"], "label_ids": [label["id"]]},
        ).json()
        http.post("/tasks", json={"title": "Child", "parent_id": task["id"]})
        http.post(f"/tasks/{task['id']}/comments", json={"body": "First"})
        http.put(f"/tasks/{task['id']}/vote")
        http.post(f"/projects/{project['id']}/members", json={"user": member, "role": "editor"})
    return token


@schemathesis.auth(refresh_interval=120)
class Superuser:
    def get(self, case: Any, ctx: Any) -> str:
        return _seeded_session(os.environ["TASKFLOW_FUZZ_BASE_URL"])

    def set(self, case: Any, data: str, ctx: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schemathesis.hook
def map_case(ctx: Any, case: Any) -> Any:
    field = NEW_PASSWORDS.get(f"{case.method.upper()} {case.operation.path}")
    body = case.body
    if field is not None and isinstance(body, dict):
        value = body.get(field)
        if isinstance(value, str) and 8 <= len(value) <= 128 and "\x00" not in value:
            case.body = {**body, field: UNCOMMON[: len(value)]}
    return case
