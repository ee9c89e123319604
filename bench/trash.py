"""The trash and history at scale (issue 19): prepare a seeded database, and measure how long
writers wait while the retention purge runs.

    python bench/trash.py prepare --database-url postgresql://postgres@127.0.0.1/x
        10 % of the tasks (each tenth id, with their subtasks and comments) go to the trash;
        every task gets versions 1..k (k from 1 to 9, 5 on average) in task_versions. Then
        run bench/run.py's list, detail and search scenarios as before, and compare.

    python bench/trash.py purge-locks --database-url postgresql://postgres@127.0.0.1/x \
            [--batch 500] [--max-tasks N] [--label name]
        Backdates the trash past the retention and runs the app's own purge batches
        (tasks/trash.py `purge_trashed_before`, `--batch` tasks per transaction, as the job
        does; `--max-tasks` stops early so several batch sizes can share one prepared
        database) while a writer in another process updates random live tasks without
        pause. The writer runs alone first (this run's baseline), then during the purge, with
        lock_timeout = 100 ms: each lock wait over the issue's budget is counted. What its
        backend waits on is sampled from pg_stat_activity every 10 ms. Writes
        bench/results/trash-purge-<database>[-label].json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
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
# Issue 19: writers' lock waits stay under this while the purge runs.
LOCK_BUDGET_MS = 100


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


def _percentiles(seconds: list[float]) -> dict[str, float | int | None]:
    ms = sorted(value * 1000 for value in seconds)
    return {
        "updates": len(ms),
        "p50_ms": round(statistics.median(ms), 2) if ms else None,
        "p99_ms": round(ms[max(int(len(ms) * 0.99) - 1, 0)], 2) if ms else None,
        "max_ms": round(ms[-1], 2) if ms else None,
    }


def _writer_process(url: str, ids: list[int], phases: Any, results: Any) -> None:
    """A writer in its own process (the purge's Python work cannot delay it): UPDATEs random
    live tasks without pause, with lock_timeout = LOCK_BUDGET_MS, so a lock wait longer than
    the budget is counted, not just seen in the tail. One phase per message on `phases`."""

    async def run() -> None:
        conn = await asyncpg.connect(url)
        await conn.execute(f"SET lock_timeout = '{LOCK_BUDGET_MS}ms'")
        results.put(await conn.fetchval("SELECT pg_backend_pid()"))
        rng = random.Random(19)
        while (phase := phases.get()) is not None:
            latencies: list[float] = []
            lock_timeouts = 0
            stop_at = time.perf_counter() + phase if phase > 0 else None
            while (stop_at is None and phases.empty()) or (
                stop_at is not None and time.perf_counter() < stop_at
            ):
                began = time.perf_counter()
                try:
                    await conn.execute(
                        "UPDATE tasks SET version = version + 1, updated_at = now() WHERE id = $1",
                        rng.choice(ids),
                    )
                except asyncpg.LockNotAvailableError:
                    lock_timeouts += 1
                latencies.append(time.perf_counter() - began)
            if stop_at is None:
                phases.get()  # the purge's "done"
            results.put({**_percentiles(latencies), "lock_timeouts": lock_timeouts})
        await conn.close()

    asyncio.run(run())


async def _sample_waits(url: str, pid: int, done: asyncio.Event) -> dict[str, int]:
    """What the writer's backend waits on, sampled every 10 ms while the purge runs."""
    conn = await asyncpg.connect(url)
    counts: dict[str, int] = {}
    try:
        while not done.is_set():
            row = await conn.fetchrow(
                "SELECT state, wait_event_type, wait_event FROM pg_stat_activity WHERE pid = $1",
                pid,
            )
            if row is not None and row["state"] == "active":
                key = f"{row['wait_event_type']}:{row['wait_event']}" if row[1] else "running"
                counts[key] = counts.get(key, 0) + 1
            await asyncio.sleep(0.01)
    finally:
        await conn.close()
    return dict(sorted(counts.items(), key=lambda item: -item[1]))


async def purge_locks(
    url: str, *, batch: int, max_tasks: int | None, baseline_seconds: float
) -> dict[str, Any]:
    settings = Settings(_env_file=None, env="test", database_url=url)
    engine = create_engine(settings, settings.database_url)
    plain_url = _asyncpg_url(url)
    conn = await asyncpg.connect(plain_url)
    try:
        await conn.execute(
            "UPDATE tasks SET deleted_at = now() - interval '400 days' "
            "WHERE deleted_at IS NOT NULL AND deleted_at > now() - interval '399 days'"
        )
        trashed = await conn.fetchval("SELECT count(*) FROM tasks WHERE deleted_at IS NOT NULL")
        live_ids = [row[0] for row in await conn.fetch(
            "SELECT id FROM tasks WHERE deleted_at IS NULL ORDER BY random() LIMIT 20000"
        )]  # fmt: skip
    finally:
        await conn.close()

    context = multiprocessing.get_context("spawn")
    phases = context.Queue()
    results = context.Queue()
    writer = context.Process(target=_writer_process, args=(plain_url, live_ids, phases, results))
    writer.start()
    try:
        pid = results.get(timeout=60)
        phases.put(baseline_seconds)  # the writer alone: this run's baseline
        alone = results.get(timeout=baseline_seconds + 60)

        cutoff = utcnow() - timedelta(days=30)
        removed = batches = 0
        batch_ms: list[float] = []
        done = asyncio.Event()
        phases.put(0)  # the writer runs until told the purge is done
        sampler = asyncio.create_task(_sample_waits(plain_url, pid, done))
        started = time.perf_counter()
        while max_tasks is None or removed < max_tasks:
            began = time.perf_counter()
            async with AsyncSession(engine) as session, session.begin():
                count = await purge_trashed_before(session, cutoff, batch=batch)
            batch_ms.append((time.perf_counter() - began) * 1000)
            if count == 0:
                break
            removed += count
            batches += 1
        elapsed = time.perf_counter() - started
        done.set()
        phases.put(0)
        during = results.get(timeout=60)
        waits = await sampler
        phases.put(None)
        writer.join(timeout=30)
    finally:
        if writer.is_alive():
            writer.terminate()
        await engine.dispose()
    batch_ms.sort()
    return {
        "trashed_tasks_before": trashed,
        "batch_size": batch,
        "rows_removed": removed,
        "batches": batches,
        "purge_seconds": round(elapsed, 1),
        "tasks_per_second": round(removed / elapsed) if elapsed else None,
        "batch_p50_ms": round(statistics.median(batch_ms), 1) if batch_ms else None,
        "batch_max_ms": round(batch_ms[-1], 1) if batch_ms else None,
        "writer_alone": alone,
        "writer_during_purge": during,
        "writer_wait_samples": waits,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("prepare", "purge-locks"))
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--batch", type=int, default=TASK_BATCH, help="tasks per transaction")
    parser.add_argument("--max-tasks", type=int, default=None, help="stop after this many")
    parser.add_argument("--baseline-seconds", type=float, default=10.0)
    parser.add_argument("--label", default="", help="suffix of the results file")
    args = parser.parse_args()
    if args.command == "prepare":
        result = asyncio.run(prepare(args.database_url))
    else:
        result = asyncio.run(
            purge_locks(
                args.database_url,
                batch=args.batch,
                max_tasks=args.max_tasks,
                baseline_seconds=args.baseline_seconds,
            )
        )
        RESULTS.mkdir(exist_ok=True)
        name = args.database_url.rsplit("/", 1)[-1] + (f"-{args.label}" if args.label else "")
        (RESULTS / f"trash-purge-{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
