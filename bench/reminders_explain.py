"""EXPLAIN (ANALYZE, BUFFERS) of the reminder due scan (tasks/reminders.py:fire_due) on
PostgreSQL, over 100,000 reminders of 10,000 tasks: about 6,700 due and unsent, the rest sent
or in the future.

TASKFLOW_DATABASE_URL=postgresql://… python bench/reminders_explain.py \
    > bench/results/reminders-due-scan-explain.txt

The database is emptied and migrated first: use a throwaway one.
"""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from taskflow.config import Settings
from taskflow.db import Database
from taskflow.db.types import Base
from taskflow.models import Reminder, Task
from taskflow.tasks.models import TaskStatus
from taskflow.tasks.reminders import BATCH

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _scan_sql() -> str:
    from sqlalchemy import select

    statement = (
        select(Reminder.id)
        .join(Task, Task.id == Reminder.task_id)
        .where(
            Reminder.sent_at.is_(None),
            Reminder.fire_at <= NOW,
            Task.status != TaskStatus.DONE.value,
        )
        .order_by(Reminder.fire_at)
        .limit(BATCH)
        .with_for_update(of=Reminder, skip_locked=True)
    )
    return str(
        statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    )


async def main() -> None:
    settings = Settings(database_url=os.environ["TASKFLOW_DATABASE_URL"])
    database = Database(settings)
    async with database.engine.begin() as connection:
        await connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
        await connection.execute(
            text(
                "INSERT INTO users (email, username, username_key, full_name, hashed_password,"
                " is_active, is_verified, is_superuser, timezone, created_at, updated_at,"
                " password_changed_at) VALUES ('b@example.com', 'b', 'b', '', 'x', true, true,"
                " false, 'UTC', now(), now(), now())"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO projects (name, description, color, owner_id, is_inbox, archived,"
                " created_at, updated_at) SELECT 'P', '', '#000000', id, false, false, now(),"
                " now() FROM users"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO tasks (project_id, title, description, status, priority, position,"
                " vote_count, created_at, updated_at, version, due_all_day, recurrence_basis)"
                " SELECT (SELECT id FROM projects), 't' || n, '', 'todo', 0,"
                # Keys g0000001, g0000002, … (tasks/positions.py: 'g', then 7 digits).
                " 'g' || lpad(n::text, 7, '0'), 0, now(), now(),"
                " 1, false, 'due' FROM generate_series(1, 10000) AS n"
            )
        )
        # Half of them sent; of the unsent, most a day in the future, the rest due.
        await connection.execute(
            text(
                "INSERT INTO reminders (task_id, user_id, remind_at, fire_at, sent_at,"
                " created_at) SELECT t.id, (SELECT id FROM users), :at, :at,"
                " CASE WHEN n % 10 BETWEEN 1 AND 9 AND n % 2 = 0 THEN :at END, now()"
                " FROM tasks t, generate_series(1, 10) AS n"
            ).bindparams(at=NOW - timedelta(seconds=30)),
        )
        await connection.execute(
            text(
                "UPDATE reminders SET fire_at = fire_at + interval '1 day' "
                "WHERE sent_at IS NULL AND id % 9 <> 0"
            )
        )
        await connection.execute(text("ANALYZE"))
        counts = (
            await connection.execute(
                text(
                    "SELECT count(*) FILTER (WHERE sent_at IS NULL AND fire_at <= :now),"
                    " count(*) FROM reminders"
                ).bindparams(now=NOW)
            )
        ).one()
        sql = _scan_sql()
        print(f"-- reminders: {counts[1]} rows, {counts[0]} due and unsent at {NOW}")
        print(sql)
        print()
        plan = await connection.execute(text("EXPLAIN (ANALYZE, BUFFERS) " + sql))
        for (line,) in plan:
            print(line)
        await connection.run_sync(Base.metadata.drop_all)
    await database.dispose()


if __name__ == "__main__":
    asyncio.run(main())
