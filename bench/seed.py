"""Fill a migrated PostgreSQL database with realistic TaskFlow data, fast (COPY via asyncpg).

    python bench/seed.py --tasks 100000 --database-url postgresql://postgres@127.0.0.1/x

Shape for N tasks (seeded RNG, so every run builds the same data):
- max(100, N/100) users, each with an Inbox; every user's password is BENCH_PASSWORD;
- N/500 shared projects with 8 members each (owner, admins, editors, viewers) and 8 labels;
- 80 % of the tasks in shared projects, 20 % in Inboxes; 10 % of shared tasks are subtasks;
  Zipf-distributed words in titles and descriptions, half with a due date, 0-2 labels,
  votes from members (vote_count kept in step), ~0.5 comments per task, one activity row each;
- a "hot" project of 2,000 tasks (same size at every N: what a request touches does not
  grow with the installation) whose 16 members are the benchmark users bench0..bench15,
  and a "write" project for the create/PATCH scenarios.
Writes bench/.state/<database>.json: tokens (one session per benchmark user), ids, words.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

from taskflow.core.security import create_access_token, password_hash
from taskflow.tasks import positions

BENCH_PASSWORD = "bench-password-123"  # noqa: S105  (benchmark data only)
BENCH_USERS = 16
HOT_TASKS = 2_000
WRITE_TASKS = 2_000
MEMBERS_PER_PROJECT = 8
LABELS_PER_PROJECT = 8
STATE_DIR = Path(__file__).parent / ".state"
BIG_TABLES = ("tasks", "task_labels", "votes", "comments", "activity", "project_members")
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "be", "da", "fi", "go", "ha"]
    syllables += ["ju", "pe", "qui", "ro", "su", "te", "xa", "ze", "an", "el", "or"]
    words: set[str] = set()
    common = "fix add update review deploy write test design plan release check report"
    words.update(common.split())
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words, key=lambda w: (len(w), w))


class Zipf:
    def __init__(self, rng: random.Random, words: list[str]) -> None:
        self.rng = rng
        self.words = words
        weights = [1.0 / (rank + 1) for rank in range(len(words))]
        total = 0.0
        self.cumulative: list[float] = []
        for weight in weights:
            total += weight
            self.cumulative.append(total)

    def text(self, low: int, high: int) -> str:
        n = self.rng.randint(low, high)
        return " ".join(self.rng.choices(self.words, cum_weights=self.cumulative, k=n))


async def seed(url: str, n_tasks: int) -> dict[str, Any]:
    rng = random.Random(8)
    words = vocabulary(rng)
    zipf = Zipf(rng, words)
    conn = await asyncpg.connect(url)
    started = time.perf_counter()
    secret = await _secret()

    tables = (
        "activity, comments, votes, task_labels, tasks, labels, project_members, projects, "
        "refresh_tokens, one_time_tokens, auth_sessions, users"
    )
    await conn.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    # Load without the secondary indexes and FK triggers, then build the indexes once.
    index_defs = await conn.fetch(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.schemaname = 'public' AND i.tablename = ANY($1::text[])
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
        list(BIG_TABLES),
    )
    for row in index_defs:
        await conn.execute(f'DROP INDEX "{row["indexname"]}"')
    await conn.execute("SET session_replication_role = replica")

    # Users (one Argon2id hash, shared: hashing 10k passwords would take minutes).
    n_users = max(100, n_tasks // 100)
    hashed = password_hash.hash(BENCH_PASSWORD)
    users = []
    for uid in range(1, n_users + 1):
        name = f"bench{uid - 1}"
        created = NOW - timedelta(days=rng.randint(30, 900))
        users.append(
            (
                uid,
                f"{name}@bench.example",
                name,
                name,
                f"Bench User {uid - 1}",
                hashed,
                True,
                True,
                False,
                created,
                created,
                created,
            )
        )
    await conn.copy_records_to_table(
        "users",
        records=users,
        columns=[
            "id",
            "email",
            "username",
            "username_key",
            "full_name",
            "hashed_password",
            "is_active",
            "is_verified",
            "is_superuser",
            "created_at",
            "updated_at",
            "password_changed_at",
        ],
    )

    # Projects: Inboxes 1..U, then shared ones; the first shared is hot, the second write.
    n_shared = max(4, n_tasks // 500)
    projects: list[tuple[Any, ...]] = []
    members: list[tuple[Any, ...]] = []
    project_members: dict[int, list[int]] = {}
    for uid in range(1, n_users + 1):
        projects.append((uid, uid, "Inbox", "", "#808080", True, False, NOW, NOW))
        members.append((uid, uid, "owner", NOW))
        project_members[uid] = [uid]
    hot_id, write_id = n_users + 1, n_users + 2
    roles = ["owner", "admin", "editor", "editor", "editor", "viewer", "viewer", "editor"]
    for index in range(n_shared):
        pid = n_users + 1 + index
        if pid in (hot_id, write_id):
            chosen = list(range(1, BENCH_USERS + 1))
        else:
            chosen = rng.sample(range(1, n_users + 1), MEMBERS_PER_PROJECT)
        owner = chosen[0]
        name = zipf.text(1, 3).title()[:200]
        projects.append((pid, owner, name, zipf.text(0, 12), "#3366cc", False, False, NOW, NOW))
        for position, uid in enumerate(chosen):
            role = "owner" if position == 0 else roles[position % len(roles)]
            if role == "owner" and position:
                role = "admin"
            if pid in (hot_id, write_id) and position:
                role = "editor"  # every benchmark user may write
            members.append((pid, uid, role, NOW))
        project_members[pid] = chosen
    await conn.copy_records_to_table(
        "projects",
        records=projects,
        columns=[
            "id",
            "owner_id",
            "name",
            "description",
            "color",
            "is_inbox",
            "archived",
            "created_at",
            "updated_at",
        ],
    )
    await conn.copy_records_to_table(
        "project_members", records=members, columns=["project_id", "user_id", "role", "created_at"]
    )

    # Labels: 8 per shared project.
    labels: list[tuple[Any, ...]] = []
    project_labels: dict[int, list[int]] = {}
    label_names = ["bug", "feature", "chore", "docs", "urgent", "backend", "frontend", "ops"]
    for pid in range(hot_id, n_users + n_shared + 1):
        ids = []
        for name in label_names[:LABELS_PER_PROJECT]:
            label_id = len(labels) + 1
            labels.append((label_id, pid, name, "#aa3300", NOW))
            ids.append(label_id)
        project_labels[pid] = ids
    await conn.copy_records_to_table(
        "labels", records=labels, columns=["id", "project_id", "name", "color", "created_at"]
    )

    # Tasks: the hot and write projects get a fixed number; the rest is spread out.
    shared_ids = list(range(hot_id, n_users + n_shared + 1))
    n_shared_tasks = int(n_tasks * 0.8)
    other_shared = [pid for pid in shared_ids if pid not in (hot_id, write_id)]
    plan: list[int] = [hot_id] * HOT_TASKS + [write_id] * WRITE_TASKS
    remaining = max(0, n_shared_tasks - len(plan))
    plan += [other_shared[i % len(other_shared)] for i in range(remaining)]
    plan += [1 + (i % n_users) for i in range(max(0, n_tasks - len(plan)))]
    plan.sort()

    task_rows: list[tuple[Any, ...]] = []
    link_rows: list[tuple[int, int]] = []
    vote_rows: list[tuple[int, int, datetime]] = []
    comment_rows: list[tuple[Any, ...]] = []
    activity_rows: list[tuple[Any, ...]] = []
    top_level: dict[int, list[int]] = {}
    # Each project's tasks in order: keys a0, a1, … (tasks/positions.py), made once for the
    # largest project (`plan` is sorted: a project's tasks are consecutive).
    keys = positions.keys_after(None, max(Counter(plan).values(), default=0))
    ranks: dict[int, int] = {}
    hot_task_ids: list[int] = []
    write_task_ids: list[int] = []
    for tid, pid in enumerate(plan, start=1):
        who = project_members[pid]
        created = NOW - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        status = rng.choices(["todo", "in_progress", "done"], weights=[5, 2, 3])[0]
        due = NOW + timedelta(days=rng.randint(-60, 120)) if rng.random() < 0.5 else None
        parent = None
        siblings = top_level.setdefault(pid, [])
        if pid > n_users and siblings and rng.random() < 0.1:
            parent = rng.choice(siblings[-50:])
        else:
            siblings.append(tid)
        ranks[pid] = ranks.get(pid, -1) + 1
        voters = rng.sample(who, min(len(who), rng.choice([0, 0, 0, 1, 1, 2, 3, 5])))
        creator = rng.choice(who)
        task_rows.append(
            (
                tid,
                pid,
                parent,
                zipf.text(3, 8)[:500],
                zipf.text(0, 25),
                status,
                rng.randint(0, 4),
                due,
                created + timedelta(days=1) if status == "done" else None,
                rng.choice([*who, None]),
                keys[ranks[pid]],
                len(voters),
                creator,
                created,
                created,
                1,
            )
        )
        for uid in voters:
            vote_rows.append((uid, tid, created))
        if pid in project_labels:
            for label_id in rng.sample(project_labels[pid], rng.choice([0, 1, 1, 2])):
                link_rows.append((tid, label_id))
        for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
            comment_rows.append(
                (len(comment_rows) + 1, tid, rng.choice(who), zipf.text(3, 30), created, created)
            )
        activity_rows.append(
            (
                tid,
                pid,
                tid,
                creator,
                "task.created",
                json.dumps({"title": task_rows[-1][3]}),
                created,
            )
        )
        if pid == hot_id:
            hot_task_ids.append(tid)
        elif pid == write_id and parent is None:
            write_task_ids.append(tid)
    await conn.copy_records_to_table(
        "tasks",
        records=task_rows,
        columns=[
            "id",
            "project_id",
            "parent_id",
            "title",
            "description",
            "status",
            "priority",
            "due_at",
            "completed_at",
            "assignee_id",
            "position",
            "vote_count",
            "created_by",
            "created_at",
            "updated_at",
            "version",
        ],
    )
    await conn.copy_records_to_table(
        "task_labels", records=link_rows, columns=["task_id", "label_id"]
    )
    await conn.copy_records_to_table(
        "votes", records=vote_rows, columns=["user_id", "task_id", "created_at"]
    )
    await conn.copy_records_to_table(
        "comments",
        records=comment_rows,
        columns=["id", "task_id", "author_id", "body", "created_at", "updated_at"],
    )
    await conn.copy_records_to_table(
        "activity",
        records=activity_rows,
        columns=["id", "project_id", "task_id", "actor_id", "verb", "changes", "created_at"],
    )
    loaded = time.perf_counter()

    await conn.execute("SET session_replication_role = origin")
    await conn.execute("SET maintenance_work_mem = '256MB'")
    for row in index_defs:
        await conn.execute(row["indexdef"])
    for table in ("users", "projects", "labels", "tasks", "comments", "activity"):
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {table}))"
        )

    # One live session per benchmark user, and an access token valid for a day.
    tokens = []
    for uid in range(1, BENCH_USERS + 1):
        sid = await conn.fetchval(
            """INSERT INTO auth_sessions (user_id, created_at, last_used_at, expires_at,
                   user_agent, ip) VALUES ($1, now(), now(), now() + interval '30 days',
                   'bench', '127.0.0.1') RETURNING id""",
            uid,
        )
        token, _ = create_access_token(
            secret, user_id=uid, session_id=sid, lifetime=timedelta(days=1)
        )
        tokens.append(token)
    await conn.execute("ANALYZE")
    indexed = time.perf_counter()

    # Search words: two mid-frequency words that occur together in the hot project.
    search = await _search_words(conn, hot_id, words)
    label_id = project_labels[hot_id][0]
    await conn.close()
    return {
        "tasks": n_tasks,
        "users": n_users,
        "projects": len(projects),
        "comments": len(comment_rows),
        "votes": len(vote_rows),
        "label_links": len(link_rows),
        "hot_project_id": hot_id,
        "write_project_id": write_id,
        "hot_task_ids": hot_task_ids,
        "write_task_ids": write_task_ids,
        "label_id": label_id,
        "search": search,
        "tokens": tokens,
        "usernames": [f"bench{i}" for i in range(BENCH_USERS)],
        "password": BENCH_PASSWORD,
        "load_seconds": round(loaded - started, 1),
        "index_seconds": round(indexed - loaded, 1),
    }


async def _search_words(conn: asyncpg.Connection, hot_id: int, words: list[str]) -> str:
    for first in words[40:400]:
        for second in words[80:400]:
            if first == second:
                continue
            found = await conn.fetchval(
                """SELECT count(*) FROM tasks WHERE project_id = $1
                   AND (title ILIKE $2 OR description ILIKE $2)
                   AND (title ILIKE $3 OR description ILIKE $3)""",
                hot_id,
                f"%{first}%",
                f"%{second}%",
            )
            if 5 <= found <= 60:
                return f"{first} {second}"
    return words[50]


async def _secret() -> str:
    from taskflow.config import load_settings

    return load_settings().signing_key()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    state = asyncio.run(seed(args.database_url, args.tasks))
    STATE_DIR.mkdir(exist_ok=True)
    name = args.database_url.rsplit("/", 1)[-1]
    (STATE_DIR / f"{name}.json").write_text(json.dumps(state))
    summary = {k: v for k, v in state.items() if not isinstance(v, list)}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
