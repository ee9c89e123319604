"""A job for the worker-kill test: at-least-once delivery with an idempotent effect.

Each attempt is appended to `attempts_file`; the effect is one row keyed by `effect`, written with
`ON CONFLICT DO NOTHING`, so a second run of the same job changes nothing. The first attempt
then stalls after its effect (the test kills the worker there, before SAQ hears it finished).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from taskflow.core.jobs.registry import JobContext, job

EFFECTS_TABLE = "fault_job_effects"


@job("test.effect_once", retries=3, retry_delay=0.5, timeout=5)
async def effect_once(context: JobContext, *, effect: str, attempts_file: str) -> None:
    first = not await asyncio.to_thread(_record, attempts_file, "attempt")
    async with context.database.sessionmaker() as session, session.begin():
        await session.execute(
            text(f"INSERT INTO {EFFECTS_TABLE} (key) VALUES (:key) ON CONFLICT DO NOTHING"),
            {"key": effect},
        )
    if first:
        await asyncio.to_thread(_record, attempts_file, "effect done, stalling")
        await asyncio.sleep(3600)


def _record(attempts_file: str, line: str) -> bool:
    """Append `line`; True when the file already existed."""
    path = Path(attempts_file)
    existed = path.exists()
    with path.open("a", encoding="utf-8") as log:
        log.write(line + "\n")
    return existed
