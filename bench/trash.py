"""The trash and history at scale (issue 19): prepare a seeded database, and measure how long
writers wait while the retention purge runs.

    python bench/trash.py prepare --database-url postgresql://postgres@127.0.0.1/x
        10 % of the tasks (each tenth id, with their subtasks and comments) go to the trash;
        every task gets versions 1..k (k from 1 to 9, 5 on average) in task_versions. Then
        run bench/run.py's list, detail and search scenarios as before, and compare.

    python bench/trash.py purge-locks --database-url postgresql://postgres@127.0.0.1/x
        Backdates the trash past the retention and runs the app's own purge batches
        (tasks/trash.py `purge_trashed_before`, TASK_BATCH per transaction, as the job does)
        while a writer updates random live tasks without pause. Writes the writer's latency
        (p50, p99, max: the lock waits it suffered) and the purge's rate to
        bench/results/trash-purge-<database>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.config import Settings
from taskflow.db import create_engine, utcnow
from taskflow.tasks.trash import purge_trashed_before
from taskflow.trash.jobs import TASK_BATCH

RESULTS = Path(__file__).parent / "results"


def _asyncpg_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def prepare(url: str) -> dict[str, Any]:
    conn = await asyncpg.connect(_asyncpg_url(url))
    started = time.perf_counter()
    try:
        async with conn.transaction():
            trashed = await conn.execute(
                """UPDATE tasks SET deleted_at = now(), trashed_with = coalesce(parent_id, id)
                   WHERE deleted_at IS NULL AND (id % 10 = 0 OR parent_id % 10 = 0)"""
            )
            await conn.execute(
                """UPDATE comments c SET deleted_at = t.deleted_at, trashed_with = t.trashed_with
                   FROM tasks t WHERE t.id = c.task_id AND t.deleted_at IS NOT NULL"""
            )
            # 1..9 versions a task (5 on average), each a full snapshot of a realistic size.
            await conn.execute("DELETE FROM task_versions")
            await conn.execute(
                """INSERT INTO task_versions (task_id, version, changed_by, changed_at, fields)
                   SELECT t.id, v, t.created_by, t.created_at + v * interval '1 hour',
                          json_build_object(
                            'title', t.title, 'description', t.description,
                            'status', t.status, 'priority', t.priority, 'due_at', t.due_at,
                            'due_all_day', t.due_all_day, 'start_at', t.start_at,
                            'recurrence', t.recurrence, 'recurrence_basis', t.recurrence_basis,
                            'assignee_id', t.assignee_id, 'label_ids', '[]'::json,
                            'section_id', t.section_id)
                   FROM tasks t, generate_series(1, 1 + (t.id % 9)) AS v"""
            )
        await conn.execute("ANALYZE tasks; ANALYZE comments; ANALYZE task_versions")
        versions = await conn.fetchval("SELECT count(*) FROM task_versions")
        size = await conn.fetchval("SELECT pg_total_relation_size('task_versions')")
    finally:
        await conn.close()
    return {
        "trashed_tasks": trashed,
        "versions": versions,
        "task_versions_bytes": size,
        "seconds": round(time.perf_counter() - started, 1),
    }


async def purge_locks(url: str, writer_seconds_cap: float = 600.0) -> dict[str, Any]:
    settings = Settings(_env_file=None, env="test", database_url=url)
    engine = create_engine(settings, settings.database_url)
    conn = await asyncpg.connect(_asyncpg_url(url))
    await conn.execute(
        "UPDATE tasks SET deleted_at = now() - interval '400 days' WHERE deleted_at IS NOT NULL"
    )
    trashed = await conn.fetchval("SELECT count(*) FROM tasks WHERE deleted_at IS NOT NULL")
    live_ids = [row[0] for row in await conn.fetch(
        "SELECT id FROM tasks WHERE deleted_at IS NULL ORDER BY random() LIMIT 20000"
    )]  # fmt: skip
    latencies: list[float] = []
    done = asyncio.Event()
    rng = random.Random(19)

    async def writer() -> None:
        deadline = time.perf_counter() + writer_seconds_cap
        while not done.is_set() and time.perf_counter() < deadline:
            task_id = rng.choice(live_ids)
            began = time.perf_counter()
            await conn.execute(
                "UPDATE tasks SET version = version + 1, updated_at = now() WHERE id = $1", task_id
            )
            latencies.append(time.perf_counter() - began)

    async def purge() -> tuple[int, int, float]:
        cutoff = utcnow() - timedelta(days=30)
        removed = batches = 0
        longest = 0.0
        while True:
            began = time.perf_counter()
            async with AsyncSession(engine) as session, session.begin():
                count = await purge_trashed_before(session, cutoff, batch=TASK_BATCH)
            longest = max(longest, time.perf_counter() - began)
            if count == 0:
                break
            removed += count
            batches += 1
        done.set()
        return removed, batches, longest

    started = time.perf_counter()
    try:
        (removed, batches, longest), _ = await asyncio.gather(purge(), writer())
    finally:
        await conn.close()
        await engine.dispose()
    elapsed = time.perf_counter() - started
    ms = sorted(latency * 1000 for latency in latencies)
    return {
        "trashed_tasks": trashed,
        "rows_removed": removed,
        "batches": batches,
        "batch_size": TASK_BATCH,
        "purge_seconds": round(elapsed, 1),
        "longest_batch_ms": round(longest * 1000, 1),
        "writer_updates": len(ms),
        "writer_p50_ms": round(statistics.median(ms), 2) if ms else None,
        "writer_p99_ms": round(ms[int(len(ms) * 0.99) - 1], 2) if ms else None,
        "writer_max_ms": round(ms[-1], 2) if ms else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("prepare", "purge-locks"))
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    if args.command == "prepare":
        result = asyncio.run(prepare(args.database_url))
    else:
        result = asyncio.run(purge_locks(args.database_url))
        RESULTS.mkdir(exist_ok=True)
        name = args.database_url.rsplit("/", 1)[-1]
        (RESULTS / f"trash-purge-{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
