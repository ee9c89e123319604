"""Time the migration that turns task positions into fractional-index keys (issue 17).

    python bench/position_keys_migration.py --tasks 1000000 --projects 2000 \
        --database-url postgresql://postgres@127.0.0.1/scratch

Migrates an empty database to the revision before keys, fills it with `--tasks` tasks with
float positions (shuffled, so keys follow positions, not ids) spread over `--projects`
projects, one of them holding a tenth of them, then times the upgrade and the downgrade.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from taskflow.config import Settings
from taskflow.db import create_engine
from taskflow.migrations import runner

BEFORE = "7a742d82b345"


async def main(url: str, tasks: int, projects: int) -> None:
    settings = Settings(_env_file=None, data_dir=Path(tempfile.mkdtemp()), database_url=url)
    engine = create_engine(settings)
    await runner.upgrade(engine, BEFORE)
    async with engine.begin() as connection:
        await connection.execute(text("SET LOCAL statement_timeout = 0"))
        await connection.execute(
            text(
                "INSERT INTO users (email, username, username_key, full_name, hashed_password,"
                " is_active, is_verified, is_superuser, timezone, created_at, updated_at,"
                " password_changed_at) VALUES ('m@example.com', 'm', 'm', '', 'x', true, true,"
                " false, 'UTC', now(), now(), now())"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO projects (name, description, color, owner_id, is_inbox, archived,"
                " created_at, updated_at) SELECT 'P' || n, '', '#000000',"
                " (SELECT id FROM users), false, false, now(), now()"
                " FROM generate_series(1, :projects) AS n"
            ),
            {"projects": projects},
        )
        # A tenth of the tasks in the first project, the rest spread over all of them.
        await connection.execute(
            text(
                "INSERT INTO tasks (project_id, title, description, status, priority, position,"
                " vote_count, created_at, updated_at, version, due_all_day, recurrence_basis)"
                " SELECT CASE WHEN n % 10 = 0 THEN (SELECT min(id) FROM projects)"
                " ELSE (SELECT min(id) FROM projects) + n % :projects END,"
                " 't' || n, '', 'todo', 0, random() * 1e6, 0, now(), now(), 1, false, 'due'"
                " FROM generate_series(1, :tasks) AS n"
            ),
            {"tasks": tasks, "projects": projects},
        )
        await connection.execute(text("ANALYZE tasks"))
    start = time.perf_counter()
    await runner.upgrade(engine)
    upgraded = time.perf_counter() - start
    start = time.perf_counter()
    await runner.downgrade(engine, BEFORE)
    downgraded = time.perf_counter() - start
    await engine.dispose()
    print(f"{tasks} tasks, {projects} projects: up {upgraded:.1f} s, down {downgraded:.1f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, required=True)
    parser.add_argument("--projects", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    asyncio.run(main(args.database_url, args.tasks, args.projects))
