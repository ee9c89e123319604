"""Imports at scale, in process (SQLite file, or PostgreSQL with --database-url):

- a 10,000-row Todoist CSV (tasks, subtasks, notes, sections, dates in two languages) must
  import in under 10 s;
- a 5,000-card Trello board (lists, labels, checklists, comments, and 20,000 other actions
  the import drops) in under 15 s;
- no statement per row: at full size, at least 100 tasks and comments written per
  statement. (SQLite batches each table in one executemany, so the count stays flat; on
  PostgreSQL a batch is a multi-row INSERT of up to 1,000 rows, so the count grows by one
  per 1,000 rows of a table; the same import at a tenth of the size shows which.)

Prints one JSON line per import: seconds, statements (full and a tenth of the size), rows
per statement, the process's peak RSS growth (MB) over the import. Exits 1 if a bound is
broken.

Usage: .venv/bin/python bench/imports.py [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime
import io
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.factories_domain import count_statements, quick_user

import taskflow.models  # noqa: F401  (every table on Base.metadata)
from taskflow.config import Settings
from taskflow.db import Base, create_engine
from taskflow.main import create_app

LIMITS = {"todoist": 10.0, "trello": 15.0}
MIN_ROWS_PER_STATEMENT = 100
GERMAN_MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
                 "September", "Oktober", "November", "Dezember"]  # fmt: skip


def todoist_csv(rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["TYPE", "CONTENT", "DESCRIPTION", "PRIORITY", "INDENT", "AUTHOR", "RESPONSIBLE",
         "DATE", "DATE_LANG", "TIMEZONE"]
    )  # fmt: skip
    written = 0
    n = 0
    while written < rows:
        if n % 50 == 0:
            writer.writerow(["section", f"Section {n // 50}", "", "", "", "", "", "", "", ""])
            written += 1
        # Dates as people write them, a different day for (nearly) every dated task.
        day = datetime.date(2031, 1, 1) + datetime.timedelta(days=n % 730)
        date, lang = (
            (f"{day.day}. {GERMAN_MONTHS[day.month - 1]} {day.year}", "de")
            if n % 3 == 0
            else (f"{day.day} {day.strftime('%b')} {day.year} at 9am", "en")
            if n % 3 == 1
            else (f"{day.isoformat()} 14:30", "en")
        )
        indent = 2 if n % 4 == 3 else 1
        writer.writerow(
            ["task", f"Task {n} @label{n % 7}", f"Details of {n}", str(1 + n % 4), str(indent),
             "Me (1)", "", date if n % 2 else "", lang, "Europe/Berlin"]
        )  # fmt: skip
        written += 1
        if n % 5 == 0 and written < rows:
            writer.writerow(["note", f"A note on {n}", "", "", "", "Me (1)", "", "", "", ""])
            written += 1
        n += 1
    return out.getvalue().encode()


def trello_json(cards: int, noise_actions: int) -> bytes:
    lists = [{"id": f"l{i}", "name": f"List {i}", "pos": i, "closed": i == 9} for i in range(10)]
    labels = [{"id": f"g{i}", "name": f"Label {i}" if i % 2 else "", "color": "green"}
              for i in range(8)]  # fmt: skip
    document: dict[str, Any] = {
        "name": "Big board",
        "desc": "A board",
        "lists": lists,
        "labels": labels,
        "cards": [
            {
                "id": f"c{n}",
                "name": f"Card {n}",
                "desc": f"About card {n}",
                "idList": f"l{n % 10}",
                "pos": n,
                "closed": n % 17 == 0,
                "due": "2031-03-04T15:30:00.000Z" if n % 3 == 0 else None,
                "dueComplete": n % 11 == 0,
                "idLabels": [f"g{n % 8}"],
                "idChecklists": [f"k{n}"] if n % 10 == 0 else [],
            }
            for n in range(cards)
        ],  # fmt: skip
        "checklists": [
            {
                "id": f"k{n}",
                "idCard": f"c{n}",
                "name": "Steps",
                "pos": 1,
                "checkItems": [
                    {
                        "id": f"i{n}-{j}",
                        "name": f"Step {j}",
                        "pos": j,
                        "state": "complete" if j == 0 else "incomplete",
                    }
                    for j in range(3)
                ],
            }
            for n in range(0, cards, 10)
        ],  # fmt: skip
        "actions": [
            {
                "id": f"a{n}",
                "type": "commentCard",
                "date": "2031-01-01T10:00:00.000Z",
                "data": {"text": f"Comment {n}", "card": {"id": f"c{n}"}},
            }
            for n in range(0, cards, 4)
        ]
        + [
            {"id": f"u{n}", "type": "updateCard", "data": {"old": {"pos": n}, "card": {"id": "c1"}}}
            for n in range(noise_actions)
        ],  # fmt: skip
    }
    return json.dumps(document).encode()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run_one(client: AsyncClient, app: Any, kind: str, payload: bytes) -> dict[str, Any]:
    user = await quick_user(app)
    name = "board.json" if kind == "trello" else "project.csv"
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    with count_statements(app) as statements:
        response = await client.post(
            f"/api/v1/import/{kind}", files={"file": (name, payload)}, headers=user.headers
        )
    seconds = time.perf_counter() - started
    assert response.status_code == 201, response.text[:500]
    return {
        "seconds": round(seconds, 2),
        "statements": len(statements),
        "created": response.json(),
        "peak_rss_growth_mb": round(peak_rss_mb() - rss_before, 1),
        "file_mb": round(len(payload) / 1e6, 2),
    }


async def main(database_url: str | None) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        url = database_url or f"sqlite:///{scratch}/bench.db"
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            env="test",
            data_dir=Path(scratch),
            database_url=url,
            secret_key="bench-secret-key-that-is-long-enough-0123456789",
            max_import_bytes=200 * 1_048_576,
        )
        engine = create_engine(settings, url)
        async with engine.begin() as connection:
            if url.startswith("postgresql"):
                await connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
                await connection.run_sync(Base.metadata.drop_all)
            await connection.run_sync(Base.metadata.create_all)
        await engine.dispose()
        app = create_app(settings)
        broken = False
        async with (
            LifespanManager(app),
            AsyncClient(
                transport=ASGITransport(app=app), base_url="http://bench", timeout=120
            ) as client,
        ):
            for kind, small, full in (
                ("todoist", todoist_csv(1_000), todoist_csv(10_000)),
                ("trello", trello_json(500, 2_000), trello_json(5_000, 20_000)),
            ):
                few = await run_one(client, app, kind, small)
                many = await run_one(client, app, kind, full)
                rows = many["created"]["tasks"] + many["created"]["comments"]
                result = {
                    "import": kind,
                    "backend": url.split(":")[0],
                    **many,
                    "statements_at_a_tenth": few["statements"],
                    "rows_per_statement": round(rows / many["statements"]),
                    "limit_seconds": LIMITS[kind],
                }
                print(json.dumps(result), flush=True)
                broken |= many["seconds"] > LIMITS[kind]
                broken |= result["rows_per_statement"] < MIN_ROWS_PER_STATEMENT
        return 1 if broken else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    arguments = parser.parse_args()
    sys.exit(asyncio.run(main(arguments.database_url)))
