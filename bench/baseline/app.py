"""The raw baseline: Starlette + asyncpg, no ORM, no validation layer.

Serves scenario 1 (`GET /api/v1/tasks?project_id=`, default page, sorted by position) and
scenario 4 (`GET /api/v1/tasks/{id}`) with the SQL TaskFlow runs (captured from its engine
with bench/explain.py; listed in docs/benchmarks.md), the same JWT check (PyJWT HS256,
pinned, required claims, memoized per token string as TaskFlow does) and the same session
lookup, and the same JSON. It stands for what
Python does on this machine.

    TASKFLOW_DATABASE_URL=postgresql://... TASKFLOW_SECRET_KEY=... \
        uvicorn bench.baseline.app:app --loop uvloop --http httptools --workers 1
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import asyncpg
import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

SECRET = os.environ["TASKFLOW_SECRET_KEY"]
DATABASE_URL = os.environ["TASKFLOW_DATABASE_URL"]
POOL_SIZE = int(os.environ.get("BASELINE_POOL_SIZE", "10"))

AUTH_SQL = """SELECT users.id, users.email, users.username, users.username_key,
  users.full_name, users.hashed_password, users.is_active, users.is_verified,
  users.is_superuser, users.created_at, users.updated_at, users.password_changed_at,
  auth_sessions.id, auth_sessions.user_id, auth_sessions.created_at, auth_sessions.last_used_at,
  auth_sessions.expires_at, auth_sessions.revoked_at, auth_sessions.user_agent, auth_sessions.ip
FROM users JOIN auth_sessions ON auth_sessions.user_id = users.id
WHERE users.id = $1::BIGINT AND auth_sessions.id = $2::BIGINT
  AND auth_sessions.revoked_at IS NULL AND auth_sessions.expires_at > $3::TIMESTAMPTZ
  AND users.is_active IS true"""

# The view of a task: counts, `voted_by_me` and the labels (a JSON array) as subqueries.
TASK_VIEW = """tasks.project_id, tasks.parent_id, tasks.title, tasks.description,
  tasks.status, tasks.priority, tasks.due_at, tasks.completed_at, tasks.assignee_id,
  tasks.position, tasks.vote_count, tasks.created_by, tasks.created_at, tasks.updated_at,
  tasks.version, tasks.id,
  (SELECT count(*) FROM comments WHERE comments.task_id = tasks.id) AS comment_count,
  EXISTS (SELECT * FROM votes WHERE votes.task_id = tasks.id AND votes.user_id = $1::BIGINT)
    AS voted_by_me,
  (SELECT json_agg(json_build_object('id', labels.id, 'name', labels.name,
    'color', labels.color))
   FROM task_labels JOIN labels ON labels.id = task_labels.label_id
   WHERE task_labels.task_id = tasks.id) AS labels"""

MEMBER_PROJECTS = (
    "tasks.project_id IN (SELECT project_members.project_id FROM project_members "
    "WHERE project_members.user_id = $1::BIGINT)"
)

# The page with its total as an uncorrelated subquery: one statement.
LIST_SQL = f"""SELECT {TASK_VIEW},
  (SELECT count(*) FROM tasks WHERE {MEMBER_PROJECTS} AND tasks.project_id = $2::BIGINT)
    AS total
FROM tasks
WHERE {MEMBER_PROJECTS} AND tasks.project_id = $2::BIGINT
ORDER BY tasks.position ASC, tasks.id ASC LIMIT $3::INTEGER OFFSET $4::INTEGER"""

# The task with the caller's role (no row: not a member, or no such task: 404).
DETAIL_SQL = f"""SELECT {TASK_VIEW}, project_members.role FROM tasks
JOIN project_members ON project_members.project_id = tasks.project_id
  AND project_members.user_id = $1::BIGINT
WHERE tasks.id = $2::BIGINT"""

REQUIRED = ["sub", "sid", "exp", "iat", "jti", "type"]
UNAUTHORIZED = Response(
    b'{"detail":"Not authenticated"}',
    401,
    {"WWW-Authenticate": "Bearer"},
    media_type="application/json",
)
NOT_FOUND = Response(b'{"detail":"Task not found"}', 404, media_type="application/json")


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _task(row: asyncpg.Record) -> dict[str, Any]:
    labels = sorted(
        json.loads(row["labels"] or "[]"), key=lambda label: (label["name"], label["id"])
    )
    return {
        "id": row["id"],
        "project_id": row["project_id"],
        "parent_id": row["parent_id"],
        "title": row["title"],
        "description": row["description"],
        "status": row["status"],
        "priority": row["priority"],
        "due_at": _time(row["due_at"]),
        "completed_at": _time(row["completed_at"]),
        "assignee_id": row["assignee_id"],
        "labels": labels,
        "position": row["position"],
        "vote_count": row["vote_count"],
        "voted_by_me": row["voted_by_me"],
        "comment_count": row["comment_count"],
        "created_by": row["created_by"],
        "created_at": _time(row["created_at"]),
        "updated_at": _time(row["updated_at"]),
        "version": row["version"],
    }


def _json(content: Any, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode()
    return Response(body, headers=headers, media_type="application/json")


@lru_cache(maxsize=4096)
def _claims(token: str) -> tuple[int, int, int] | None:
    """(user id, session id, exp) of a token that checks out, expiry aside: memoized, as
    TaskFlow does (only the exact string that passed before is a hit)."""
    try:
        claims = jwt.decode(
            token,
            SECRET,
            algorithms=["HS256"],
            options={"require": REQUIRED, "verify_exp": False},
        )
        if claims.get("type") != "access":
            return None
        return int(claims["sub"]), int(claims["sid"]), int(claims["exp"])
    except (jwt.InvalidTokenError, ValueError, TypeError):
        return None


async def _user_id(request: Request, conn: asyncpg.Connection) -> int | None:
    header = request.headers.get("authorization", "")
    if not header.startswith("Bearer "):
        return None
    claims = _claims(header[7:])
    now = datetime.now(UTC)
    if claims is None or claims[2] <= now.timestamp():
        return None
    user_id, session_id, _ = claims
    row = await conn.fetchrow(AUTH_SQL, user_id, session_id, now)
    return None if row is None else user_id


async def list_tasks(request: Request) -> Response:
    pool: asyncpg.Pool = request.app.state.pool
    project_id = int(request.query_params["project_id"])
    limit, offset = 20, 0
    async with pool.acquire() as conn:
        user_id = await _user_id(request, conn)
        if user_id is None:
            return UNAUTHORIZED
        rows = await conn.fetch(LIST_SQL, user_id, project_id, limit, offset)
    total = rows[0]["total"] if rows else 0
    items = [_task(row) for row in rows]
    return _json({"items": items, "total": total, "limit": limit, "offset": offset})


async def get_task(request: Request) -> Response:
    pool: asyncpg.Pool = request.app.state.pool
    task_id = int(request.path_params["task_id"])
    async with pool.acquire() as conn:
        user_id = await _user_id(request, conn)
        if user_id is None:
            return UNAUTHORIZED
        row = await conn.fetchrow(DETAIL_SQL, user_id, task_id)
    if row is None:
        return NOT_FOUND
    return _json(_task(row), {"ETag": f'"{row["version"]}"'})


async def live(request: Request) -> Response:
    """The framework floor: no database, no token (TaskFlow's GET /health/live)."""
    return Response(b'{"status":"ok"}', media_type="application/json")


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(DATABASE_URL, min_size=POOL_SIZE, max_size=POOL_SIZE)
    yield
    await app.state.pool.close()


app = Starlette(
    routes=[
        Route("/health/live", live),
        Route("/api/v1/tasks", list_tasks),
        Route("/api/v1/tasks/{task_id:int}", get_task),
    ],
    lifespan=lifespan,
)
