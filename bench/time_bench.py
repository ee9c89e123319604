"""Issue 15 and 16 benchmarks: reminders firing, the Today view, the notifications inbox.

    TASKFLOW_DATABASE_URL=postgresql://… TASKFLOW_REDIS_URL=redis://…/N \
        python bench/time_bench.py fire --reminders 10000
    TASKFLOW_DATABASE_URL=… python bench/time_bench.py views --tasks 10000 --notifications 10000

The database is emptied and created from the models first, the Redis database flushed: use
throwaway ones. Results are printed and written to bench/results/time-<part>-<size>.json.

`fire`: 10,000 reminders of 10,000 tasks due at the same instant (09:00:00 of the test clock,
TASKFLOW_TEST_CLOCK_FILE), two `taskflow worker` processes woken by queuing `reminders.fire`
twice (what the once-a-minute cron does); the time until every reminder is sent, each exactly
once (one notification per reminder), and the statements one batch costs, counted in this
process for a batch of 20 and one of 200 (the same number: O(1) per batch).

`views`: one `taskflow serve` process; a user with N tasks in one project (a tenth overdue, a
tenth due today, a tenth done) and 10,000 notifications (half unread). With `--user-tasks M`
the user has M of the N tasks and 500 other users' projects hold the rest (issue 15's case:
`--tasks 1000000 --user-tasks 2000`). `--filters` adds issue 17's four `q` filters as routes
(`today | overdue`, `#Hot & p1`, `@urgent & assigned to: me`, `search: task 1 & !status: done`),
with a label on every tenth task and every third assigned to its project's owner.

The routes are asked in turn, one request at a time, in a shuffled order every round, so that
the machine's noise falls on all of them alike: the task list of the project (the baseline the
issues name), the Today view (`q=overdue | today`, open tasks, by due date), `GET /notifications`,
`GET /notifications?unread=true` and `/notifications/unread-count`. p50 and p99 per route, and
each p99 over the task list's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from redis.asyncio import Redis
from sqlalchemy import event, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import taskflow.jobs  # noqa: E402, F401  (registers the jobs)
from taskflow.config import Settings  # noqa: E402
from taskflow.core import clock  # noqa: E402
from taskflow.core.jobs.queue import RedisJobQueue  # noqa: E402
from taskflow.db import Database  # noqa: E402
from taskflow.db.types import Base  # noqa: E402
from taskflow.models import Reminder  # noqa: E402, F401  (every table in the metadata)
from taskflow.tasks.reminders import fire_due  # noqa: E402

RESULTS = ROOT / "bench" / "results"
STATE = ROOT / "bench" / ".state" / "time"
VENV = ROOT / ".venv" / "bin"
SECRET = "bench-secret-key-0123456789abcdef-0123456789"  # noqa: S105  (benchmark only)
PASSWORD = "bench passphrase that is long"  # noqa: S105
DUE = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def fresh_schema(database: Database) -> None:
    async with database.engine.begin() as connection:
        await connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)


async def seed_owner(database: Database, tasks: int, user_tasks: int | None = None) -> None:
    """User 1 ('bench'), project 1 with them as owner, `user_tasks` tasks in it (all `tasks` when
    None); the other tasks spread over 500 projects of 500 other users, the same mix of dates."""
    own = tasks if user_tasks is None else min(user_tasks, tasks)
    async with database.engine.begin() as connection:
        # Seeding 1M rows outlasts the app's statement timeout on a busy machine.
        await connection.execute(text("SET LOCAL statement_timeout = 0"))
        await connection.execute(
            text(
                "INSERT INTO users (id, email, username, username_key, full_name,"
                " hashed_password, is_active, is_verified, is_superuser, two_factor_enabled,"
                " timezone, created_at, updated_at, password_changed_at) VALUES (1,"
                " 'bench@example.com', 'bench', 'bench', '', 'x', true, true, false, false,"
                " 'Europe/Berlin', now(), now(), now())"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO projects (id, name, description, color, owner_id, is_inbox,"
                " archived, created_at, updated_at) VALUES (1, 'Hot', '', '#000000', 1, false,"
                " false, now(), now())"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO project_members (project_id, user_id, role, created_at)"
                " VALUES (1, 1, 'owner', now())"
            )
        )
        # A tenth overdue, a tenth due later today, 40% in the next weeks, the rest undated;
        # a seventh done.
        others = tasks - own
        if others:
            await connection.execute(
                text(
                    "INSERT INTO users (id, email, username, username_key, full_name,"
                    " hashed_password, is_active, is_verified, is_superuser, two_factor_enabled,"
                    " timezone, created_at, updated_at, password_changed_at)"
                    " SELECT n, 'u' || n || '@example.com', 'u' || n, 'u' || n, '', 'x', true,"
                    " true, false, false, 'UTC', now(), now(), now()"
                    " FROM generate_series(2, 501) AS n"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO projects (id, name, description, color, owner_id, is_inbox,"
                    " archived, created_at, updated_at) SELECT n, 'p' || n, '', '#000000', n,"
                    " false, false, now(), now() FROM generate_series(2, 501) AS n"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO project_members (project_id, user_id, role, created_at)"
                    " SELECT n, n, 'owner', now() FROM generate_series(2, 501) AS n"
                )
            )
        # (the project id as SQL over n, the first n, how many): the user's, then the others'.
        for project, first, count in (("1", 1, own), ("2 + n % 500", own + 1, others)):
            if not count:
                continue
            await connection.execute(
                text(
                    "INSERT INTO tasks (project_id, title, description, status, priority,"
                    " position, vote_count, created_at, updated_at, version, due_at)"
                    f" SELECT {project}, 'task ' || n, '',"
                    " CASE WHEN n % 7 = 0 THEN 'done' ELSE 'todo' END,"
                    # Keys g0000001, … (tasks/positions.py: 'g', then 7 digits).
                    " n % 5, 'g' || lpad(n::text, 7, '0'), 0, now(), now(), 1, CASE"
                    "  WHEN n % 10 = 0 THEN now() - (n % 30 + 1) * interval '1 day'"
                    "  WHEN n % 10 = 1 THEN date_trunc('day', now()) + interval '23 hours'"
                    "  WHEN n % 10 BETWEEN 2 AND 5 THEN now() + (n % 60 + 1) * interval '1 day'"
                    " END FROM generate_series(:first, :last) AS n"
                ).bindparams(first=first, last=first + count - 1)
            )
        await connection.execute(text("SELECT setval('users_id_seq', 501)"))
        await connection.execute(text("SELECT setval('projects_id_seq', 501)"))


async def seed_for_filters(database: Database) -> None:
    """What issue 17's filters look for, in every project: a label `urgent` on every tenth
    task, every third task assigned to its project's owner."""
    async with database.engine.begin() as connection:
        await connection.execute(text("SET LOCAL statement_timeout = 0"))
        await connection.execute(
            text(
                "INSERT INTO labels (id, project_id, name, color, created_at)"
                " SELECT id, id, 'urgent', '#ff0000', now() FROM projects"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO task_labels (task_id, label_id)"
                " SELECT id, project_id FROM tasks WHERE id % 10 = 0"
            )
        )
        await connection.execute(
            text(
                "UPDATE tasks SET assignee_id = projects.owner_id FROM projects"
                " WHERE projects.id = tasks.project_id AND tasks.id % 3 = 0"
            )
        )
        await connection.execute(
            text("SELECT setval('labels_id_seq', (SELECT max(id) FROM labels))")
        )


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def environment(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKFLOW_")}
    env.update(
        TASKFLOW_DATABASE_URL=os.environ["TASKFLOW_DATABASE_URL"],
        TASKFLOW_SECRET_KEY=SECRET,
        TASKFLOW_DATA_DIR=str(STATE / "data"),
        TASKFLOW_LOG_LEVEL="WARNING",
        **extra,
    )
    return env


# --- fire -------------------------------------------------------------------------------


def count_statements(database: Database) -> tuple[list[str], Any]:
    statements: list[str] = []

    def before(*args: Any) -> None:
        statements.append(args[2])

    event.listen(database.engine.sync_engine, "before_cursor_execute", before)
    return statements, before


async def statements_per_batch(database: Database, size: int) -> int:
    """Statements of one batch of `size` (in this process, on the seeded data)."""
    async with database.engine.begin() as connection:
        await connection.execute(
            text(
                "UPDATE reminders SET sent_at = NULL WHERE id IN"
                " (SELECT id FROM reminders ORDER BY id LIMIT :n)"
            ).bindparams(n=size)
        )
    statements, listener = count_statements(database)
    try:
        async with database.sessionmaker() as session:
            fired = await fire_due(session, DUE + timedelta(seconds=1), limit=size)
            await session.rollback()
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", listener)
    assert fired == size, fired
    async with database.engine.begin() as connection:
        await connection.execute(text("UPDATE reminders SET sent_at = :at").bindparams(at=DUE))
    return len(statements)


async def fire(args: argparse.Namespace) -> dict[str, Any]:
    url = os.environ["TASKFLOW_DATABASE_URL"]
    redis_url = os.environ["TASKFLOW_REDIS_URL"]
    STATE.mkdir(parents=True, exist_ok=True)
    settings = Settings(env="test", database_url=url, secret_key=SECRET)
    database = Database(settings)
    await fresh_schema(database)
    await seed_owner(database, args.reminders)
    async with database.engine.begin() as connection:
        # Reminder emails off: this measures the firing (the notifications), not SMTP.
        await connection.execute(
            text(
                "INSERT INTO notification_settings (user_id, email_assigned, email_mentioned,"
                " email_commented, email_reminder, email_member_added, digest)"
                " VALUES (1, true, true, true, false, true, 'off')"
            )
        )
        await connection.execute(text("UPDATE tasks SET status = 'todo'"))  # all fire
        await connection.execute(
            text(
                "INSERT INTO reminders (task_id, user_id, remind_at, fire_at, created_at)"
                " SELECT id, 1, :due, :due, now() FROM tasks"
            ).bindparams(due=DUE)
        )
        await connection.execute(text("ANALYZE"))
    redis = Redis.from_url(redis_url)
    await redis.flushdb()
    await redis.aclose()
    clock_file = STATE / "clock"
    # Nothing is due while the workers start (their crons may run): the clock stands an hour
    # before; it moves to the due instant, and ticks on, when the scan is queued.
    clock.set_clock_file(clock_file, DUE - timedelta(hours=1), frozen=True)
    env = environment(
        {
            "TASKFLOW_ENV": "test",
            "TASKFLOW_REDIS_URL": redis_url,
            "TASKFLOW_TEST_CLOCK_FILE": str(clock_file),
        }
    )
    workers = [
        start([str(VENV / "taskflow"), "worker"], env, STATE / f"worker{n}.log") for n in (1, 2)
    ]
    try:
        await asyncio.sleep(args.startup)  # both workers up (imports, Redis, the pool)
        queue = RedisJobQueue(redis_url)
        await queue.start()
        started = time.perf_counter()
        clock.set_clock_file(clock_file, DUE + timedelta(seconds=1))
        # What the cron does once a minute in each worker.
        await queue.enqueue("reminders.fire")
        await queue.enqueue("reminders.fire")
        await queue.stop()
        left = args.reminders
        while left:
            await asyncio.sleep(0.05)
            async with database.engine.connect() as connection:
                left = await connection.scalar(
                    text("SELECT count(*) FROM reminders WHERE sent_at IS NULL")
                )
            if time.perf_counter() - started > 600:
                raise TimeoutError(f"{left} reminders still unsent after 600 s")
        elapsed = time.perf_counter() - started
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
    async with database.engine.connect() as connection:
        per_reminder = Counter(
            row[0]
            for row in await connection.execute(
                text("SELECT data ->> 'reminder_id' FROM notifications WHERE type = 'reminder'")
            )
        )
        late = await connection.scalar(
            text("SELECT count(*) FROM notifications WHERE (data ->> 'late')::boolean")
        )
        # On the workers' clock (due + 1 s when queued): the first claim and the last.
        first, last = (
            await connection.execute(text("SELECT min(sent_at), max(sent_at) FROM reminders"))
        ).one()
    result = {
        "reminders": args.reminders,
        "workers": 2,
        "batch": settings.reminder_batch_size,
        "seconds_to_fire_all": round(elapsed, 2),
        "first_claim_after_queued_s": round((first - DUE).total_seconds() - 1, 2),
        "first_to_last_claim_s": round((last - first).total_seconds(), 2),
        "notifications": sum(per_reminder.values()),
        "reminders_notified": len(per_reminder),
        "reminders_notified_twice": sum(1 for n in per_reminder.values() if n > 1),
        "late": late,
        "statements_per_batch": {
            "20": await statements_per_batch(database, 20),
            "200": await statements_per_batch(database, 200),
        },
    }
    await database.dispose()
    return result


# --- views ------------------------------------------------------------------------------


async def seed_views(database: Database, args: argparse.Namespace, own: int) -> None:
    """The data `views` measures: the owner's and the others' tasks, the filters' labels and
    assignees with `--filters`, and `--notifications` notifications of the owner."""
    await fresh_schema(database)
    await seed_owner(database, args.tasks, args.user_tasks)
    if args.filters:
        await seed_for_filters(database)
    async with database.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO notifications (user_id, type, task_id, project_id, actor_id, data,"
                " created_at, email_pending, read_at)"
                " SELECT 1, 'commented', 1 + n % :tasks, 1, 1,"
                " jsonb_build_object('task_title', 'task ' || n), now() - n * interval '1 min',"
                " false, CASE WHEN n % 2 = 0 THEN now() END"
                " FROM generate_series(1, :n) AS n"
            ).bindparams(n=args.notifications, tasks=own)
        )
        await connection.execute(text("ANALYZE"))


async def views(args: argparse.Namespace) -> dict[str, Any]:
    url = os.environ["TASKFLOW_DATABASE_URL"]
    STATE.mkdir(parents=True, exist_ok=True)
    settings = Settings(env="test", database_url=url, secret_key=SECRET)
    database = Database(settings)
    own = args.tasks if args.user_tasks is None else min(args.user_tasks, args.tasks)
    if not args.reuse:
        await seed_views(database, args, own)
    await database.dispose()
    port = args.port
    env = environment({"TASKFLOW_ENV": "production"})
    server = start(
        [str(VENV / "taskflow"), "serve", "--port", str(port)], env, STATE / "server.log"
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    routes = {
        "task_list": "/tasks?project_id=1",
        "today": "/tasks?q=overdue%20%7C%20today&status=todo&status=in_progress&sort=due_at",
        "notifications": "/notifications",
        "notifications_unread": "/notifications?unread=true",
        "unread_count": "/notifications/unread-count",
    }
    if args.filters:
        # Issue 17's four filters of the `q` language, each against the same task list.
        routes |= {
            f"q: {text}": "/tasks?" + urlencode({"q": text})
            for text in (
                "today | overdue",
                "#Hot & p1",
                "@urgent & assigned to: me",
                "search: task 1 & !status: done",
            )
        }
    timings: dict[str, list[float]] = {name: [] for name in routes}
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            for _ in range(600):
                try:
                    live = await http.get(f"http://127.0.0.1:{port}/health/live")
                    if live.status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
            await set_password(database_url=url)
            token = await http.post("/auth/token", data={"username": "bench", "password": PASSWORD})
            token.raise_for_status()
            http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
            sizes = {}
            for name, path in routes.items():
                response = await http.get(path)
                response.raise_for_status()
                body = response.json()
                sizes[name] = body.get("total", body.get("count"))
            rng = random.Random(15)
            order = list(routes)
            for round_number in range(args.warmup + args.requests):
                rng.shuffle(order)
                for name in order:
                    began = time.perf_counter()
                    response = await http.get(routes[name])
                    took = (time.perf_counter() - began) * 1000
                    assert response.status_code == 200, response.text
                    if round_number >= args.warmup:
                        timings[name].append(took)
    finally:
        server.terminate()
        server.wait(timeout=30)
    baseline = percentile(timings["task_list"], 0.99)
    return {
        "tasks": args.tasks,
        "user_tasks": own,
        "notifications": args.notifications,
        "requests_per_route": args.requests,
        "matching": sizes,
        "routes": {
            name: {
                "p50_ms": round(statistics.median(values), 2),
                "p99_ms": round(percentile(values, 0.99), 2),
                "p99_over_task_list": round(percentile(values, 0.99) / baseline, 2),
            }
            for name, values in timings.items()
        },
    }


async def set_password(database_url: str) -> None:
    """The seeded user's password (one Argon2 hash, here rather than in SQL)."""
    from taskflow.core.security import password_hash

    settings = Settings(env="test", database_url=database_url, secret_key=SECRET)
    database = Database(settings)
    async with database.engine.begin() as connection:
        await connection.execute(
            text("UPDATE users SET hashed_password = :h WHERE id = 1").bindparams(
                h=password_hash.hash(PASSWORD)
            )
        )
    await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="part", required=True)
    fire_parser = sub.add_parser("fire")
    fire_parser.add_argument("--reminders", type=int, default=10_000)
    fire_parser.add_argument("--startup", type=float, default=20.0)
    views_parser = sub.add_parser("views")
    views_parser.add_argument("--tasks", type=int, default=10_000)
    views_parser.add_argument("--notifications", type=int, default=10_000)
    views_parser.add_argument(
        "--user-tasks",
        type=int,
        default=None,
        help="tasks in the bench user's project (default: all); the rest belong to 500 others",
    )
    views_parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the database a previous `views` run with the same arguments seeded"
        " (seeding 1M tasks takes minutes) instead of seeding it again",
    )
    views_parser.add_argument("--requests", type=int, default=300)
    views_parser.add_argument("--warmup", type=int, default=20)
    views_parser.add_argument("--port", type=int, default=18115)
    views_parser.add_argument(
        "--filters",
        action="store_true",
        help="also issue 17's four `q` filters (a label and assignees are seeded for them)",
    )
    args = parser.parse_args()
    if args.part == "fire":
        result = asyncio.run(fire(args))
        name = f"time-fire-{args.reminders}"
    else:
        result = asyncio.run(views(args))
        name = f"time-views-{args.tasks}"
        if args.user_tasks is not None:
            name += f"-user-{args.user_tasks}"
        if args.filters:
            name += "-filters"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
