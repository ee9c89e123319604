"""The raw baseline: Starlette + asyncpg, no ORM, no validation layer.

Serves scenario 0 (`GET /health/live`), 1 (`GET /api/v1/tasks?project_id=`, default page,
sorted by position), 4 (`GET /api/v1/tasks/{id}`), `GET /api/v1/users/me`, and the writes:
5 (`POST /api/v1/tasks`), 6 (`PATCH /api/v1/tasks/{id}` with If-Match) and a comment
(`POST /api/v1/tasks/{id}/comments`). The reads run the SQL TaskFlow runs (captured from its
engine: bench/explain.py, bench/write_check.py), with the same JWT check (PyJWT HS256,
pinned, required claims, memoized per token string as TaskFlow does) and the same session
check, and answer the same JSON.

The writes do what TaskFlow's do, in as few statements as a hand-written service would, in
one transaction: the role check (with the archived flag and whether the project has an
active webhook, as TaskFlow's access check, and the project's last position key), the task
with the next key (fractional-indexing, as TaskFlow makes it), the activity row, the creator's watch, the version snapshot (task history), the
version bump and ETag with `If-Match` as the UPDATE's condition; for a comment its
notifications to the task's watchers and their email jobs (SAQ, as TaskFlow queues them).
The events go to Redis after the commit. bench/write_check.py runs both and checks that
they are equal in effect: the rows written, the events published, the response JSON. The
baseline handles the benchmark's bodies (create: title, project_id, priority, description;
PATCH: title, priority), not the whole API.

    TASKFLOW_DATABASE_URL=postgresql://... TASKFLOW_SECRET_KEY=... TASKFLOW_REDIS_URL=... \
        uvicorn bench.baseline.app:app --loop uvloop --http httptools --workers 1
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import asyncpg
import jwt
from fractional_indexing import generate_key_between
from redis.asyncio import Redis
from saq import Queue
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

SECRET = os.environ["TASKFLOW_SECRET_KEY"]
DATABASE_URL = os.environ["TASKFLOW_DATABASE_URL"]
REDIS_URL = os.environ.get("TASKFLOW_REDIS_URL", "")
POOL_SIZE = int(os.environ.get("BASELINE_POOL_SIZE", "10"))
CHANNEL = "taskflow:events"  # TaskFlow's event bus channel
EMAIL_JOB = "notifications.email"  # and its email job, as TaskFlow queues it
EMAIL_JOB_OPTIONS = {"retries": 4, "retry_delay": 10.0, "retry_backoff": 300.0,
                     "timeout": 120, "heartbeat": 150, "ttl": 86_400}  # fmt: skip
EXCERPT = 200

USER_COLUMNS = """users.email, users.username, users.username_key, users.full_name,
  users.timezone, users.hashed_password, users.is_active, users.is_verified,
  users.is_superuser, users.two_factor_enabled, users.created_at, users.updated_at,
  users.password_changed_at, users.id"""

# The active user a token names, if its session is live and older than the token.
AUTH_SQL = f"""SELECT {USER_COLUMNS} FROM users
WHERE users.id = $1::BIGINT AND users.is_active IS true
  AND users.created_at < $2::TIMESTAMPTZ
  AND (EXISTS (SELECT auth_sessions.id FROM auth_sessions
    WHERE auth_sessions.id = $3::BIGINT AND auth_sessions.user_id = users.id
      AND auth_sessions.revoked_at IS NULL
      AND auth_sessions.expires_at > $4::TIMESTAMPTZ
      AND auth_sessions.created_at < $2::TIMESTAMPTZ))"""

TASK_COLUMNS = """tasks.project_id, tasks.parent_id, tasks.section_id, tasks.title,
  tasks.description, tasks.status, tasks.priority, tasks.due_at, tasks.due_all_day,
  tasks.start_at, tasks.recurrence, tasks.recurrence_basis, tasks.completed_at,
  tasks.assignee_id, tasks.position, tasks.vote_count, tasks.attachment_count,
  tasks.created_by, tasks.created_at, tasks.updated_at, tasks.version, tasks.mentions,
  tasks.trashed_with, tasks.id, tasks.deleted_at, tasks.deleted_by"""

# The view of a task: counts, `voted_by_me`, the labels (a JSON array) and `watching` as
# subqueries ($1: the caller).
VIEW_SUBQUERIES = """(SELECT count(*) FROM comments
    WHERE comments.task_id = tasks.id AND comments.deleted_at IS NULL) AS comment_count,
  (SELECT count(*) FROM tasks AS subtask
    WHERE subtask.parent_id = tasks.id AND subtask.deleted_at IS NULL) AS subtask_count,
  (SELECT count(*) FROM tasks AS subtask WHERE subtask.parent_id = tasks.id
    AND subtask.status = 'done' AND subtask.deleted_at IS NULL) AS subtasks_done,
  EXISTS (SELECT * FROM votes WHERE votes.task_id = tasks.id AND votes.user_id = $1::BIGINT)
    AS voted_by_me,
  (SELECT json_agg(json_build_object('id', labels.id, 'name', labels.name,
    'color', labels.color))
   FROM task_labels JOIN labels ON labels.id = task_labels.label_id
   WHERE task_labels.task_id = tasks.id) AS labels,
  EXISTS (SELECT * FROM task_watchers WHERE task_watchers.task_id = tasks.id
    AND task_watchers.user_id = $1::BIGINT AND task_watchers.watching IS true) AS watching"""
TASK_VIEW = f"{TASK_COLUMNS}, {VIEW_SUBQUERIES}"

MEMBER_PROJECTS = """tasks.project_id IN (SELECT project_members.project_id
  FROM project_members JOIN projects ON projects.id = project_members.project_id
  WHERE project_members.user_id = $1::BIGINT AND projects.deleted_at IS NULL)
  AND tasks.deleted_at IS NULL"""

# The page with its total as an uncorrelated subquery: one statement.
LIST_SQL = f"""SELECT {TASK_VIEW},
  (SELECT count(*) FROM tasks WHERE {MEMBER_PROJECTS} AND tasks.project_id = $2::BIGINT)
    AS total
FROM tasks
WHERE {MEMBER_PROJECTS} AND tasks.project_id = $2::BIGINT
ORDER BY tasks.position ASC, tasks.id ASC LIMIT $3::INTEGER OFFSET $4::INTEGER"""

ACCESS_JOIN = """JOIN project_members ON project_members.project_id = {table}.project_id
  AND project_members.user_id = $1::BIGINT
JOIN projects AS access_project ON access_project.id = project_members.project_id
  AND access_project.deleted_at IS NULL"""

# The task with the caller's role (no row: not a member, or no such task: 404).
DETAIL_SQL = f"""SELECT {TASK_VIEW}, project_members.role AS role FROM tasks
{ACCESS_JOIN.format(table="tasks")}
WHERE tasks.deleted_at IS NULL AND tasks.id = $2::BIGINT"""

# A change's access check: the role, the archived flag, whether an active webhook listens.
ACCESS_CHECK = """project_members.role AS role, access_project.archived AS project_archived,
  EXISTS (SELECT * FROM webhooks WHERE webhooks.project_id = access_project.id
    AND webhooks.active IS true) AS project_subscribed"""
PROJECT_ACCESS_SQL = f"""SELECT {ACCESS_CHECK} FROM project_members
JOIN projects AS access_project ON access_project.id = project_members.project_id
  AND access_project.deleted_at IS NULL
WHERE project_members.user_id = $1::BIGINT AND project_members.project_id = $2::BIGINT"""
# Creating: the check also reads the project's last key (one probe of its live index).
CREATE_ACCESS_SQL = f"""SELECT {ACCESS_CHECK},
  (SELECT max(tasks.position) FROM tasks WHERE tasks.project_id = $2::BIGINT
    AND tasks.deleted_at IS NULL) AS last_position FROM project_members
JOIN projects AS access_project ON access_project.id = project_members.project_id
  AND access_project.deleted_at IS NULL
WHERE project_members.user_id = $1::BIGINT AND project_members.project_id = $2::BIGINT"""
TASK_ACCESS_SQL = f"""SELECT {TASK_COLUMNS}, {ACCESS_CHECK} FROM tasks
{ACCESS_JOIN.format(table="tasks")}
WHERE tasks.deleted_at IS NULL AND tasks.id = $2::BIGINT"""

# The task, its activity row, the creator's watch and its first version: one statement.
CREATE_SQL = """WITH task AS (
  INSERT INTO tasks (project_id, title, description, status, priority, due_all_day,
    recurrence_basis, position, vote_count, attachment_count, created_by, created_at,
    updated_at, version, mentions)
  VALUES ($1::BIGINT, $2::VARCHAR, $3::VARCHAR, 'todo', $4::SMALLINT, false, 'due',
    $9::VARCHAR, 0, 0, $5::BIGINT, $6::TIMESTAMPTZ, $6::TIMESTAMPTZ, 1, 'null'::json)
  RETURNING *),
activity AS (
  INSERT INTO activity (project_id, task_id, actor_id, verb, changes, created_at)
  SELECT $1::BIGINT, task.id, $5::BIGINT, 'task.created', $7::JSONB, $6::TIMESTAMPTZ FROM task),
watch AS (
  INSERT INTO task_watchers (task_id, user_id, watching) SELECT task.id, $5::BIGINT, true
  FROM task ON CONFLICT DO NOTHING),
version AS (
  INSERT INTO task_versions (task_id, version, changed_by, changed_at, fields)
  SELECT task.id, 1, $5::BIGINT, $6::TIMESTAMPTZ, $8::JSON FROM task)
SELECT * FROM task"""

# A change's activity row and its version snapshot: one statement.
CHANGED_SQL = """WITH activity AS (
  INSERT INTO activity (project_id, task_id, actor_id, verb, changes, created_at)
  VALUES ($1::BIGINT, $2::BIGINT, $3::BIGINT, $4::VARCHAR, $5::JSONB, $6::TIMESTAMPTZ))
INSERT INTO task_versions (task_id, version, changed_by, changed_at, fields)
VALUES ($2::BIGINT, $7::INTEGER, $3::BIGINT, $6::TIMESTAMPTZ, $8::JSON)"""

COMMENT_SQL = """INSERT INTO comments (task_id, author_id, body, created_at, updated_at, mentions)
VALUES ($1::BIGINT, $2::BIGINT, $3::VARCHAR, $4::TIMESTAMPTZ, $4::TIMESTAMPTZ, 'null'::json)
RETURNING id"""
# The commenter watches; the other watchers who are active members get `commented` (and an
# email unless they turned it off); the activity row. One statement.
COMMENTED_SQL = """WITH watch AS (
  INSERT INTO task_watchers (task_id, user_id, watching) VALUES ($1::BIGINT, $2::BIGINT, true)
  ON CONFLICT DO NOTHING),
activity AS (
  INSERT INTO activity (project_id, task_id, actor_id, verb, changes, created_at)
  VALUES ($3::BIGINT, $1::BIGINT, $2::BIGINT, 'comment.created', $5::JSONB, $6::TIMESTAMPTZ))
INSERT INTO notifications (user_id, type, task_id, project_id, actor_id, data, created_at,
  email_pending)
SELECT users.id, 'commented', $1::BIGINT, $3::BIGINT, $2::BIGINT, $4::JSONB, $6::TIMESTAMPTZ,
  coalesce(notification_settings.email_commented, true)
FROM users JOIN project_members ON project_members.user_id = users.id
  AND project_members.project_id = $3::BIGINT
LEFT OUTER JOIN notification_settings ON notification_settings.user_id = users.id
WHERE users.id IN (SELECT task_watchers.user_id FROM task_watchers
  WHERE task_watchers.task_id = $1::BIGINT AND task_watchers.watching IS true)
  AND users.is_active AND users.id != $2::BIGINT
RETURNING notifications.id, notifications.user_id, notifications.email_pending"""

REQUIRED = ["sub", "sid", "exp", "iat", "jti", "type"]
RANKS = {"viewer": 0, "editor": 1, "admin": 2, "owner": 3}
VERSIONED = ("title", "description", "status", "priority", "due_at", "due_all_day",
             "start_at", "recurrence", "recurrence_basis", "assignee_id", "section_id")  # fmt: skip
ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')


def _error(status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps({"detail": detail}).encode()
    return Response(body, status, headers, media_type="application/json")


UNAUTHORIZED = _error(401, "Not authenticated", {"WWW-Authenticate": "Bearer"})
NOT_FOUND = _error(404, "Task not found")
FORBIDDEN = _error(403, "Your role in this project does not allow this")
ARCHIVED = _error(409, "This project is archived (read-only); unarchive it first")
UNPROCESSABLE = _error(422, "Invalid body")
STALE_MESSAGE = "The resource has changed; reload it and try again"
STALE = _error(412, STALE_MESSAGE)


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _jsonable(value: Any) -> Any:
    """A value as TaskFlow stores it in `changes` and a version's `fields`."""
    return value.isoformat() if isinstance(value, datetime) else value


def _decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _task(row: asyncpg.Record, labels: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    if labels is None:
        labels = sorted(
            _decoded(row["labels"]) or [], key=lambda label: (label["name"], label["id"])
        )
    return {
        "id": row["id"],
        "project_id": row["project_id"],
        "parent_id": row["parent_id"],
        "section_id": row["section_id"],
        "title": row["title"],
        "description": row["description"],
        "status": row["status"],
        "priority": row["priority"],
        "due_at": _time(row["due_at"]),
        "due_all_day": row["due_all_day"],
        "start_at": _time(row["start_at"]),
        "recurrence": row["recurrence"],
        "recurrence_basis": row["recurrence_basis"],
        "completed_at": _time(row["completed_at"]),
        "assignee_id": row["assignee_id"],
        "labels": labels,
        "position": row["position"],
        "vote_count": row["vote_count"],
        "voted_by_me": row.get("voted_by_me", False),
        "comment_count": row.get("comment_count", 0),
        "subtask_count": row.get("subtask_count", 0),
        "subtasks_done": row.get("subtasks_done", 0),
        "attachment_count": row["attachment_count"],
        "created_by": row["created_by"],
        "created_at": _time(row["created_at"]),
        "updated_at": _time(row["updated_at"]),
        "version": row["version"],
        "mentions": _decoded(row["mentions"]) or [],
        "watching": row.get("watching", True),
    }


def _json(content: Any, headers: dict[str, str] | None = None, status: int = 200) -> Response:
    body = json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode()
    return Response(body, status, headers, media_type="application/json")


def _event(type_: str, project_id: int | None, task_id: int | None, actor_id: int | None,
           data: dict[str, Any], user_id: int | None = None) -> str:  # fmt: skip
    """An event as TaskFlow's bus carries it (`Event.to_bus`)."""
    event: dict[str, Any] = {"type": type_, "project_id": project_id, "task_id": task_id,
                             "actor_id": actor_id, "data": data}  # fmt: skip
    if user_id is not None:
        event["user_id"] = user_id
    return json.dumps(event, default=str, separators=(",", ":"))


async def _publish(request: Request, events: list[str]) -> None:
    redis: Redis | None = request.app.state.redis
    if redis is not None:
        for event in events:
            await redis.publish(CHANNEL, event)


@lru_cache(maxsize=4096)
def _claims(token: str) -> tuple[int, int, int, int] | None:
    """(user id, session id, exp, iat) of a token that checks out, expiry aside: memoized, as
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
        return int(claims["sub"]), int(claims["sid"]), int(claims["exp"]), int(claims["iat"])
    except (jwt.InvalidTokenError, ValueError, TypeError):
        return None


async def _caller(request: Request, conn: asyncpg.Connection) -> asyncpg.Record | None:
    """The caller's user row, or None (401)."""
    header = request.headers.get("authorization", "")
    if not header.startswith("Bearer "):
        return None
    claims = _claims(header[7:])
    now = datetime.now(UTC)
    if claims is None or claims[2] <= now.timestamp():
        return None
    user_id, session_id, _, issued_at = claims
    issued_before = datetime.fromtimestamp(issued_at, UTC) + timedelta(seconds=1)
    row: asyncpg.Record | None = await conn.fetchrow(
        AUTH_SQL, user_id, issued_before, session_id, now
    )
    return row


async def _body(request: Request) -> dict[str, Any] | None:
    try:
        body = json.loads(await request.body())
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


async def list_tasks(request: Request) -> Response:
    pool: asyncpg.Pool = request.app.state.pool
    project_id = int(request.query_params["project_id"])
    limit, offset = 20, 0
    async with pool.acquire() as conn:
        user = await _caller(request, conn)
        if user is None:
            return UNAUTHORIZED
        rows = await conn.fetch(LIST_SQL, user["id"], project_id, limit, offset)
    total = rows[0]["total"] if rows else 0
    items = [_task(row) for row in rows]
    return _json({"items": items, "total": total, "limit": limit, "offset": offset})


async def get_task(request: Request) -> Response:
    pool: asyncpg.Pool = request.app.state.pool
    task_id = int(request.path_params["task_id"])
    async with pool.acquire() as conn:
        user = await _caller(request, conn)
        if user is None:
            return UNAUTHORIZED
        row = await conn.fetchrow(DETAIL_SQL, user["id"], task_id)
    if row is None:
        return NOT_FOUND
    return _json(_task(row), {"ETag": f'"{row["version"]}"'})


async def me(request: Request) -> Response:
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as conn:
        user = await _caller(request, conn)
    if user is None:
        return UNAUTHORIZED
    return _json({
        "id": user["id"], "email": user["email"], "username": user["username"],
        "full_name": user["full_name"], "is_active": user["is_active"],
        "is_verified": user["is_verified"], "is_superuser": user["is_superuser"],
        "two_factor_enabled": user["two_factor_enabled"], "timezone": user["timezone"],
        "created_at": _time(user["created_at"]),
    })  # fmt: skip


def _refused(
    row: asyncpg.Record | None, need: str, changes_content: bool = True
) -> Response | None:
    if row is None:
        return NOT_FOUND
    if RANKS[row["role"]] < RANKS[need]:
        return FORBIDDEN
    if changes_content and row["project_archived"]:
        return ARCHIVED
    return None


async def create_task(request: Request) -> Response:
    body = await _body(request)
    if (
        body is None
        or not isinstance(body.get("title"), str)
        or not body["title"].strip()
        or type(body.get("project_id")) is not int
        or type(body.get("priority", 0)) is not int
        or not isinstance(body.get("description", ""), str)
        or not body.keys() <= {"title", "project_id", "priority", "description"}
    ):
        return UNPROCESSABLE
    title, project_id = body["title"].strip(), body["project_id"]
    priority, description = body.get("priority", 0), body.get("description", "")
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as conn:
        user = await _caller(request, conn)
        if user is None:
            return UNAUTHORIZED
        user_id = user["id"]
        async with conn.transaction():
            access = await conn.fetchrow(CREATE_ACCESS_SQL, user_id, project_id)
            if refused := _refused(access, "editor"):
                return refused if access is not None else _error(404, "Project not found")
            position = generate_key_between(access["last_position"], None)
            now = datetime.now(UTC)
            fields = {
                "title": title, "description": description, "status": "todo",
                "priority": priority, "due_at": None, "due_all_day": False, "start_at": None,
                "recurrence": None, "recurrence_basis": "due", "assignee_id": None,
                "section_id": None, "label_ids": [],
            }  # fmt: skip
            row = await conn.fetchrow(
                CREATE_SQL, project_id, title, description, priority, user_id, now,
                json.dumps({"title": title}), json.dumps(fields), position,
            )  # fmt: skip
    event = _event("task.created", project_id, row["id"], user_id, {"title": title})
    await _publish(request, [event])
    headers = {"Location": f"/api/v1/tasks/{row['id']}", "ETag": '"1"'}
    return _json(_task(row, []), headers, 201)


def _expected(if_match: str | None, current: int) -> int | Response | None:
    if if_match is None:
        return None
    values = [value.strip() for value in if_match.split(",")]
    if "*" in values:
        return None
    for value in values:
        match = ETAG.match(value)
        if match and int(match.group(1)) == current:
            return current
    return _error(412, STALE_MESSAGE, {"ETag": f'"{current}"'})


@lru_cache(maxsize=16)
def _update_sql(columns: tuple[str, ...]) -> str:
    """The UPDATE of `columns` (values $4…) if the version is $3 (NULL: any), returning the
    task's view ($1: the caller)."""
    values = ", ".join(f"{name} = ${index}" for index, name in enumerate(columns, start=4))
    return (
        f"UPDATE tasks SET {values}, updated_at = $2::TIMESTAMPTZ, version = tasks.version + 1 "
        f"WHERE tasks.id = ${len(columns) + 4}::BIGINT "
        f"AND tasks.version = coalesce($3::INTEGER, tasks.version) RETURNING {TASK_VIEW}"
    )


async def patch_task(request: Request) -> Response:
    body = await _body(request)
    if (
        body is None
        or not body.keys() <= {"title", "priority"}
        or ("title" in body and (not isinstance(body["title"], str) or not body["title"].strip()))
        or (
            "priority" in body
            and (type(body["priority"]) is not int or not 0 <= body["priority"] <= 4)
        )
    ):
        return UNPROCESSABLE
    given = {name: value.strip() if name == "title" else value for name, value in body.items()}
    task_id = int(request.path_params["task_id"])
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as conn:
        user = await _caller(request, conn)
        if user is None:
            return UNAUTHORIZED
        user_id = user["id"]
        async with conn.transaction():
            task = await conn.fetchrow(TASK_ACCESS_SQL, user_id, task_id)
            if refused := _refused(task, "editor"):
                return refused
            expected = _expected(request.headers.get("if-match"), task["version"])
            if isinstance(expected, Response):
                return expected
            changes = {
                name: {"from": task[name], "to": value}
                for name, value in given.items()
                if task[name] != value
            }
            if not changes:
                row = await conn.fetchrow(DETAIL_SQL, user_id, task_id)
                return _json(_task(row), {"ETag": f'"{row["version"]}"'})
            columns = tuple(sorted(changes))
            now = datetime.now(UTC)
            row = await conn.fetchrow(
                _update_sql(columns),
                user_id, now, expected, *(given[name] for name in columns), task_id,
            )  # fmt: skip
            if row is None:  # changed since it was read: nothing written
                return STALE
            view = _task(row)
            fields = {name: _jsonable(row[name]) for name in VERSIONED}
            fields["label_ids"] = sorted(label["id"] for label in view["labels"])
            await conn.execute(
                CHANGED_SQL, task["project_id"], task_id, user_id, "task.updated",
                json.dumps(changes), now, row["version"], json.dumps(fields),
            )  # fmt: skip
    event = _event("task.updated", task["project_id"], task_id, user_id, changes)
    await _publish(request, [event])
    return _json(view, {"ETag": f'"{row["version"]}"'})


async def create_comment(request: Request) -> Response:
    body = await _body(request)
    if body is None or body.keys() != {"body"} or not isinstance(body["body"], str):
        return UNPROCESSABLE
    text = body["body"].strip()
    if not text or "@" in text:  # mentions are TaskFlow's, not the benchmark's
        return UNPROCESSABLE
    task_id = int(request.path_params["task_id"])
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as conn:
        user = await _caller(request, conn)
        if user is None:
            return UNAUTHORIZED
        user_id = user["id"]
        async with conn.transaction():
            task = await conn.fetchrow(TASK_ACCESS_SQL, user_id, task_id)
            if refused := _refused(task, "viewer"):
                return refused
            now = datetime.now(UTC)
            comment_id = await conn.fetchval(COMMENT_SQL, task_id, user_id, text, now)
            project_id = task["project_id"]
            data = {"task_title": task["title"], "comment_id": comment_id,
                    "excerpt": text[:EXCERPT]}  # fmt: skip
            changes = {"comment_id": comment_id, "body": text[:EXCERPT]}
            notified = await conn.fetch(
                COMMENTED_SQL, task_id, user_id, project_id, json.dumps(data),
                json.dumps(changes), now,
            )  # fmt: skip
    events = []  # in TaskFlow's order: the notifications, then the comment
    actor = {"id": user_id, "username": user["username"]}
    for notification in notified:
        public = {"id": notification["id"], "type": "commented", "task_id": task_id,
                  "project_id": project_id, "actor": actor, "data": data, "read_at": None,
                  "created_at": _time(now)}  # fmt: skip
        events.append(
            _event("notification.created", None, None, None, public, notification["user_id"])
        )
    events.append(_event("comment.created", project_id, task_id, user_id, changes))
    await _publish(request, events)
    queue: Queue | None = request.app.state.queue
    if queue is not None:
        for notification in notified:
            if notification["email_pending"]:
                kwargs = {"user_id": notification["user_id"], "task_id": task_id}
                await queue.enqueue(EMAIL_JOB, kwargs=kwargs, **EMAIL_JOB_OPTIONS)
    comment = {
        "id": comment_id, "task_id": task_id,
        "author": {"id": user_id, "username": user["username"]}, "body": text,
        "created_at": _time(now), "updated_at": _time(now), "mentions": [],
    }  # fmt: skip
    return _json(comment, status=201)


async def task_route(request: Request) -> Response:
    if request.method == "PATCH":
        return await patch_task(request)
    return await get_task(request)


async def tasks_route(request: Request) -> Response:
    if request.method == "POST":
        return await create_task(request)
    return await list_tasks(request)


async def live(request: Request) -> Response:
    """The framework floor: no database, no token (TaskFlow's GET /health/live)."""
    return Response(b'{"status":"ok"}', media_type="application/json")


async def _connection(conn: asyncpg.Connection) -> None:
    # JSON decoded by the driver, as SQLAlchemy's asyncpg dialect sets it up for TaskFlow.
    for name in ("json", "jsonb"):
        await conn.set_type_codec(name, encoder=str, decoder=json.loads, schema="pg_catalog")


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(
        DATABASE_URL, min_size=POOL_SIZE, max_size=POOL_SIZE, init=_connection
    )
    app.state.redis = Redis.from_url(REDIS_URL) if REDIS_URL else None
    app.state.queue = Queue.from_url(REDIS_URL, name="taskflow") if REDIS_URL else None
    if app.state.queue is not None:
        await app.state.queue.connect()
    yield
    if app.state.queue is not None:
        await app.state.queue.disconnect()
    if app.state.redis is not None:
        await app.state.redis.aclose()
    await app.state.pool.close()


app = Starlette(
    routes=[
        Route("/health/live", live),
        Route("/api/v1/users/me", me),
        Route("/api/v1/tasks", tasks_route, methods=["GET", "POST"]),
        Route("/api/v1/tasks/{task_id:int}", task_route, methods=["GET", "PATCH"]),
        Route("/api/v1/tasks/{task_id:int}/comments", create_comment, methods=["POST"]),
    ],
    lifespan=lifespan,
)
