"""The plans of issue 17's four `q` filters and the task list they are measured against, as
TaskFlow runs them: EXPLAIN (ANALYZE, BUFFERS) of the exact SQL and values a GET sends.

    TASKFLOW_DATABASE_URL=postgresql+asyncpg://… python bench/filters_explain.py

Run it on the database `bench/time_bench.py views --tasks 1000000 --user-tasks 2000
--filters` seeded (user 1, project 1). Each statement is run a few times first (warm, and past
PostgreSQL's first five plans of a prepared statement), then explained; the planning and
execution times are the medians of 30 runs. Writes
bench/results/filters-explain-1m-user-2000.txt.
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from taskflow.config import Settings  # noqa: E402
from taskflow.core.pagination import Pagination  # noqa: E402
from taskflow.db import Database, driver  # noqa: E402
from taskflow.tasks import filter_sql, queries  # noqa: E402

OUTPUT = ROOT / "bench" / "results" / "filters-explain-1m-user-2000.txt"
FILTERS = (
    None,  # the task list: project_id=1
    "today | overdue",
    "#Hot & p1",
    "@urgent & assigned to: me",
    "search: task 1 & !status: done",
)


class _Recorder:
    """asyncpg's connection, noting the SQL and values of each `fetch`."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.sent: list[tuple[str, tuple[Any, ...]]] = []

    async def fetch(self, sql: str, *args: Any) -> Any:
        self.sent.append((sql, args))
        return await self.connection.fetch(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.connection, name)


async def _explain(database: Database, expression: str | None) -> str:
    clock = filter_sql.clock_for("Europe/Berlin")  # the bench user's zone
    shapes = (filter_sql.compile_query(expression, clock),) if expression else ()
    filters = queries.TaskFilters(project_id=1) if expression is None else queries.TaskFilters()
    async with database.sessionmaker() as session:
        await driver.start_autocommit_read(session)
        key = driver._AUTOCOMMIT_DRIVER_KEY
        connection, dialect = session.info[key]
        recorder = _Recorder(connection)
        session.info[key] = (recorder, dialect)
        for _ in range(8):
            page = await queries.list_tasks(
                session, 1, filters, "position", Pagination(limit=20, offset=0), shapes
            )
        sql, args = recorder.sent[-1]
        planning, execution = [], []
        for _ in range(30):
            rows = await connection.fetch(f"EXPLAIN (ANALYZE, TIMING off) {sql}", *args)
            text = "\n".join(row[0] for row in rows)
            planning.append(float(re.findall(r"Planning Time: ([\d.]+)", text)[0]))
            execution.append(float(re.findall(r"Execution Time: ([\d.]+)", text)[0]))
        rows = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", *args)
    title = f"q={expression}" if expression else "the task list (project_id=1)"
    return (
        f"-- {title}: {page.total} tasks match; planning {statistics.median(planning):.2f} ms,"
        f" execution {statistics.median(execution):.2f} ms (medians of 30)\n"
        f"{sql}\n-- values: {args!r}\n\n" + "\n".join(row[0] for row in rows) + "\n"
    )


async def main() -> None:
    url = os.environ["TASKFLOW_DATABASE_URL"]
    database = Database(Settings(env="test", database_url=url, secret_key="x" * 40))
    try:
        parts = [await _explain(database, expression) for expression in FILTERS]
    finally:
        await database.dispose()
    header = (
        "-- Issue 17's filters at 1M tasks, a user with 2,000 of them"
        " (bench/time_bench.py views --tasks 1000000 --user-tasks 2000 --filters,"
        " then bench/filters_explain.py)\n\n"
    )
    OUTPUT.write_text(header + "\n\n".join(parts))
    for part in parts:
        print(part.splitlines()[0])


if __name__ == "__main__":
    asyncio.run(main())
