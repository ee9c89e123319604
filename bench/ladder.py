"""Where an API request's CPU goes, one layer at a time: the floor under each ratio.

    python bench/ladder.py [--size 10k] [--requests 5000] [--rounds 3] [--apps a,b]

Scenario 1 (a page of a project's tasks) and scenario 4 (one task), each with the same two
statements (the session check, then the tasks: bench/baseline/app.py's SQL, which is the SQL
TaskFlow runs), served by five apps, each measured in a process of its own, in rounds that
start each with another app (the table gives medians):

1. `baseline`: Starlette + asyncpg (bench/baseline/app.py).
2. `fastapi+asyncpg`: the same handler as FastAPI routes, in TaskFlow's shape: the request's
   connection from a `yield` dependency (scope="function"), the caller from a dependency on
   it, validated path and query parameters, a declared response model (TaskPublic, Page) that
   FastAPI validates and serializes.
3. `fastapi+sqlalchemy`: 2 with an SQLAlchemy AsyncSession (autocommit, as TaskFlow opens one
   for a GET) running the two statements as Core `text()` (TaskFlow's reads until round 3).
4. `fastapi+sqlalchemy-driver`: 3, the statements run on the session's asyncpg connection
   (as TaskFlow's `db.read_rows` does in a GET on PostgreSQL since round 3).
5. `taskflow`: the real app, production settings (JSON access log, metrics, request ids,
   security headers, the caller's user built from its row).

Every app runs the same requests with the same tokens through bench/cpu.py's ASGI driver (no
sockets), and the table gives CPU milliseconds per request and `baseline / app`: the
throughput ratio a CPU-bound server gets, which is what wrk measures on this machine
(docs/benchmarks.md, "The floor"). TaskFlow logs every request: add `2>/dev/null`.
"""

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

from cpu import request as asgi_request
from run import DB, SECRET, environment, load_state

sys.path.insert(0, str(Path(__file__).parent.parent))


APPS = (
    "baseline",
    "fastapi+asyncpg",
    "fastapi+sqlalchemy",
    "fastapi+sqlalchemy-driver",
    "taskflow",
)  # the order of the table


def _app(size: str, name: str) -> Any:
    """The app `name`, built alone: nothing of the others is imported or started in this
    process (the baseline's process does not even import TaskFlow)."""
    os.environ.update(environment(size))
    os.environ["TASKFLOW_DATABASE_URL"] = DB.format(size=size)
    os.environ.setdefault("TASKFLOW_SECRET_KEY", SECRET)

    from bench.baseline import app as baseline

    if name == "baseline":
        return baseline.app
    if name == "taskflow":
        from taskflow.main import create_app

        return create_app()

    import asyncpg
    from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

    from taskflow.core.pagination import Page
    from taskflow.tasks.schemas import TaskPublic

    def fastapi_app(connection_dependency: Any, fetch: Any) -> FastAPI:
        """The baseline's handlers in FastAPI's shape; `fetch(connection, sql, *args)`."""
        Connection = Annotated[Any, Depends(connection_dependency, scope="function")]  # noqa: N806

        async def caller(request: Request, connection: Connection) -> int:
            header = request.headers.get("authorization", "")
            claims = baseline._claims(header[7:]) if header.startswith("Bearer ") else None
            if claims is None or claims[2] <= time.time():
                raise HTTPException(401, "Not authenticated")
            now = baseline.datetime.now(baseline.UTC)
            issued_before = baseline.datetime.fromtimestamp(claims[3], baseline.UTC)
            issued_before += baseline.timedelta(seconds=1)
            args = (claims[0], issued_before, claims[1], now)
            if not await fetch(connection, baseline.AUTH_SQL, *args):
                raise HTTPException(401, "Not authenticated")
            return claims[0]

        Caller = Annotated[int, Depends(caller)]  # noqa: N806

        def view(row: Any) -> dict[str, Any]:  # as tasks.queries._view: pydantic reads it
            task = dict(row)
            labels = task["labels"]  # text from asyncpg, decoded by SQLAlchemy's JSON codec
            labels = json.loads(labels) if isinstance(labels, str) else labels
            task["labels"] = sorted(labels or (), key=lambda label: (label["name"], label["id"]))
            mentions = task["mentions"]
            task["mentions"] = (
                json.loads(mentions) if isinstance(mentions, str) else mentions
            ) or []
            return task

        app = FastAPI()

        @app.get("/api/v1/tasks")
        async def list_tasks(
            connection: Connection,
            user_id: Caller,
            project_id: Annotated[int, Query(ge=1)],
            limit: Annotated[int, Query(ge=1, le=100)] = 20,
            offset: Annotated[int, Query(ge=0)] = 0,
        ) -> Page[TaskPublic]:
            rows = await fetch(connection, baseline.LIST_SQL, user_id, project_id, limit, offset)
            return Page[TaskPublic].model_validate(
                {
                    "items": [view(row) for row in rows],
                    "total": rows[0]["total"] if rows else 0,
                    "limit": limit,
                    "offset": offset,
                }
            )

        @app.get("/api/v1/tasks/{task_id}")
        async def get_task(
            connection: Connection, user_id: Caller, task_id: int, response: Response
        ) -> TaskPublic:
            rows = await fetch(connection, baseline.DETAIL_SQL, user_id, task_id)
            if not rows:
                raise HTTPException(404, "Task not found")
            response.headers["ETag"] = f'"{rows[0]["version"]}"'
            return TaskPublic.model_validate(view(rows[0]))

        return app

    # 2. FastAPI + asyncpg: a pooled connection per request.
    pool: dict[str, asyncpg.Pool] = {}

    async def asyncpg_connection() -> AsyncIterator[asyncpg.Connection]:
        if "pool" not in pool:
            pool["pool"] = await asyncpg.create_pool(DB.format(size=size), min_size=10, max_size=10)
        async with pool["pool"].acquire() as connection:
            yield connection

    async def asyncpg_fetch(connection: asyncpg.Connection, sql: str, *args: Any) -> list[Any]:
        return list(await connection.fetch(sql, *args))

    # 3. FastAPI + SQLAlchemy: a session per request, autocommit, Core statements.
    engine = create_async_engine(
        DB.format(size=size).replace("postgresql://", "postgresql+asyncpg://"), pool_size=10
    )
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    statements: dict[str, tuple[Any, list[str]]] = {}

    async def sqlalchemy_session() -> AsyncIterator[AsyncSession]:
        async with sessions() as session:
            await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            yield session

    async def sqlalchemy_fetch(session: AsyncSession, sql: str, *args: Any) -> list[Any]:
        if sql not in statements:  # built once, as TaskFlow builds its statements
            named = re.sub(r"\$(\d+)::(\w+)", r"CAST(:p\1 AS \2)", sql)
            statements[sql] = (
                text(named),
                [f"p{i}" for i in range(1, len(set(re.findall(r"\$\d+", sql))) + 1)],
            )
        statement, names = statements[sql]
        connection = await session.connection()
        result = await connection.execute(statement, dict(zip(names, args, strict=True)))
        return [dict(row) for row in result.mappings()]

    # 4. As 3, the statements on the session's asyncpg connection, taken once per session in
    # the call that sets autocommit (as TaskFlow's db.start_autocommit_read / read_rows).
    async def driver_session() -> AsyncIterator[AsyncSession]:
        async with sessions() as session:

            def start(sync_session: Any) -> None:
                connection = sync_session.connection(
                    execution_options={"isolation_level": "AUTOCOMMIT"}
                )
                session.info["driver"] = connection.connection.driver_connection

            await session.run_sync(start)
            yield session

    async def driver_fetch(session: AsyncSession, sql: str, *args: Any) -> list[Any]:
        return list(await session.info["driver"].fetch(sql, *args))

    builders = {
        "fastapi+asyncpg": (asyncpg_connection, asyncpg_fetch),
        "fastapi+sqlalchemy": (sqlalchemy_session, sqlalchemy_fetch),
        "fastapi+sqlalchemy-driver": (driver_session, driver_fetch),
    }
    return fastapi_app(*builders[name])


async def _cpu_per_request(
    app: Any, paths: list[str], tokens: list[str], requests: int, concurrency: int
) -> float:
    async with app.router.lifespan_context(app):
        for index in range(300):  # warm up: pools, caches, prepared statements
            await asgi_request(app, paths[index % len(paths)], tokens[index % len(tokens)])
        limit = asyncio.Semaphore(concurrency)

        async def one(index: int) -> None:
            async with limit:
                await asgi_request(app, paths[index % len(paths)], tokens[index % len(tokens)])

        started = time.process_time()
        await asyncio.gather(*(one(index) for index in range(requests)))
        return 1000 * (time.process_time() - started) / requests


def _scenarios(size: str) -> tuple[dict[str, list[str]], list[str]]:
    state = load_state(size)
    scenarios = {
        "list": [f"/api/v1/tasks?project_id={state['hot_project_id']}"],
        "detail": [f"/api/v1/tasks/{task}" for task in state["hot_task_ids"][:200]],
    }
    return scenarios, state["tokens"]


async def _measure_one(args: argparse.Namespace) -> None:
    """This process measures one app (`--one`): its figures, as JSON, on stdout."""
    scenarios, tokens = _scenarios(args.size)
    app = _app(args.size, args.one)
    figures = {
        scenario: await _cpu_per_request(app, paths, tokens, args.requests, args.concurrency)
        for scenario, paths in scenarios.items()
    }
    print(json.dumps(figures))


def _main(args: argparse.Namespace) -> None:
    """Every app in a process of its own (no pools, caches or heaps shared between them), in
    rounds that each start with another app; the medians."""
    samples: dict[str, dict[str, list[float]]] = {}
    for round_number in range(args.rounds):
        shift = round_number % len(args.apps)
        for name in args.apps[shift:] + args.apps[:shift]:
            command = [sys.executable, __file__, "--one", name, "--size", args.size]
            command += ["--requests", str(args.requests), "--concurrency", str(args.concurrency)]
            output = subprocess.run(
                command, capture_output=True, text=True, check=True, cwd=Path(__file__).parent
            ).stdout
            for scenario, ms in json.loads(output.splitlines()[-1]).items():
                samples.setdefault(scenario, {}).setdefault(name, []).append(ms)
    results = {
        scenario: {name: statistics.median(cells[name]) for name in args.apps}
        for scenario, cells in samples.items()
    }
    print(
        f"CPU per request, in process ({args.size}; median of {args.rounds} rounds of "
        f"{args.requests} requests)"
    )
    print(f"{'app':<26}" + "".join(f"{s + ' ms':>12}{'ratio':>8}" for s in results))
    for name in args.apps:
        cells = ""
        for scenario in results:
            ms = results[scenario][name]
            ratio = results[scenario].get("baseline", float("nan")) / ms
            cells += f"{ms:>12.3f}{ratio:>8.2f}"
        print(f"{name:<26}{cells}")
    output = Path(__file__).parent / "results" / f"ladder-{args.size}.json"
    output.write_text(json.dumps(results, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="10k")
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--apps", type=lambda names: names.split(","), default=list(APPS))
    parser.add_argument("--one", choices=APPS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        asyncio.run(_measure_one(args))
    else:
        _main(args)


if __name__ == "__main__":
    main()
