"""Where an API request's CPU goes, one layer at a time: the floor under each ratio.

    python bench/ladder.py [--size 10k] [--requests 5000] [--rounds 3] [--apps a,b]
        [--scenarios list,detail,create,patch]

Scenario 1 (a page of a project's tasks) and scenario 4 (one task), each with the same two
statements (the session check, then the tasks: bench/baseline/app.py's SQL, which is the SQL
TaskFlow runs); scenarios 5 and 6 (create a task; PATCH its title and priority with If-Match)
with the baseline's writes: the session check, then in one transaction the access check (with
the project's last position key), the INSERT of the task with its activity row, watch and
first version in one statement (for a PATCH: the UPDATE … RETURNING and one statement for its
activity row and version), the commit, then the event published on Redis. Served by five
apps, each measured in a process of its own, in rounds that start each with another app (the
table gives medians):

1. `baseline`: Starlette + asyncpg (bench/baseline/app.py).
2. `fastapi+asyncpg`: the same handler as FastAPI routes, in TaskFlow's shape: the request's
   connection from a `yield` dependency (scope="function"), the caller from a dependency on
   it, validated path and query parameters and body, a declared response model (TaskPublic,
   Page) that FastAPI validates and serializes; a write's transaction is the dependency's,
   committed and then published in its exit, as TaskFlow's unit of work does.
3. `fastapi+sqlalchemy`: 2 with an SQLAlchemy AsyncSession running the statements as Core
   `text()` (autocommit for a read, as TaskFlow opens one for a GET; `session.begin()` for a
   write): the floor of TaskFlow's stack for the same statements.
4. `fastapi+sqlalchemy-driver`: 3, the statements run on the session's asyncpg connection
   (as TaskFlow's `db.read_rows` does in a GET on PostgreSQL since round 3). Reads only.
5. `taskflow`: the real app, production settings (JSON access log, metrics, request ids,
   security headers, the caller's user built from its row), with its own statements.

Every app runs the same requests with the same tokens through bench/cpu.py's ASGI driver (no
sockets), the writes from the same state (bench/run.py: reset_write_project), and the table
gives CPU milliseconds per request and `baseline / app`: the throughput ratio a CPU-bound
server gets (docs/benchmarks.md, "The floor"). TaskFlow logs every request: add `2>/dev/null`.
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

from cpu import _METHODS as METHODS
from cpu import _body as cpu_body
from cpu import _paths as cpu_paths
from cpu import request as asgi_request
from run import DB, SECRET, environment, load_state, reset_write_project

sys.path.insert(0, str(Path(__file__).parent.parent))


APPS = (
    "baseline",
    "fastapi+asyncpg",
    "fastapi+sqlalchemy",
    "fastapi+sqlalchemy-driver",
    "taskflow",
)  # the order of the table


def _write_routes(app: Any, write_dependency: Any, caller: Any, fetch: Any) -> None:
    """Scenarios 5 and 6 (create, PATCH with If-Match) as FastAPI routes doing the baseline's
    writes (bench/baseline/app.py: the same statements, checks and event), with TaskFlow's
    shape: a validated body model, the caller from a dependency on the request's transaction,
    a declared response model, the commit and the publication in the dependency's exit."""
    from bench.baseline import app as baseline
    from fastapi import Depends, Request, Response
    from pydantic import BaseModel, ConfigDict, Field, StringConstraints

    from taskflow.tasks.schemas import TaskPublic

    Writer = Annotated[Any, Depends(write_dependency, scope="function")]  # noqa: N806

    async def write_caller(request: Request, connection: Writer) -> int:
        return int(await caller(request, connection))

    Caller = Annotated[int, Depends(write_caller)]  # noqa: N806
    Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]  # noqa: N806
    Priority = Annotated[int, Field(ge=0, le=4)]  # noqa: N806

    class TaskCreate(BaseModel):
        model_config = ConfigDict(extra="forbid")
        title: Title
        project_id: Annotated[int, Field(ge=1)]
        priority: Priority = 0
        description: str = ""

    class TaskUpdate(BaseModel):
        model_config = ConfigDict(extra="forbid")
        title: Title | None = None
        priority: Priority | None = None

    def task(row: Any, labels: list[Any] | None = None) -> TaskPublic:
        return TaskPublic.model_validate(baseline._task(row, labels))

    @app.post("/api/v1/tasks", status_code=201, response_model=TaskPublic)
    async def create_task(
        body: TaskCreate, request: Request, response: Response, connection: Writer, user_id: Caller
    ) -> Any:
        rows = await fetch(connection, baseline.CREATE_ACCESS_SQL, user_id, body.project_id)
        access = rows[0] if rows else None
        if refused := baseline._refused(access, "editor"):
            return refused if access is not None else baseline._error(404, "Project not found")
        assert access is not None
        position = baseline.generate_key_between(access["last_position"], None)
        now = baseline.datetime.now(baseline.UTC)
        fields = {
            "title": body.title, "description": body.description, "status": "todo",
            "priority": body.priority, "due_at": None, "due_all_day": False, "start_at": None,
            "recurrence": None, "recurrence_basis": "due", "assignee_id": None,
            "section_id": None, "label_ids": [],
        }  # fmt: skip
        args = (body.project_id, body.title, body.description, body.priority, user_id, now,
                json.dumps({"title": body.title}), json.dumps(fields), position)  # fmt: skip
        row = (await fetch(connection, baseline.CREATE_SQL, *args))[0]
        request.state.events = [
            baseline._event("task.created", body.project_id, row["id"], user_id,
                            {"title": body.title})
        ]  # fmt: skip
        response.headers["Location"] = f"/api/v1/tasks/{row['id']}"
        response.headers["ETag"] = '"1"'
        return task(row, [])

    @app.patch("/api/v1/tasks/{task_id}", response_model=TaskPublic)
    async def patch_task(
        task_id: int,
        body: TaskUpdate,
        request: Request,
        response: Response,
        connection: Writer,
        user_id: Caller,
    ) -> Any:
        given = body.model_dump(exclude_unset=True)
        rows = await fetch(connection, baseline.TASK_ACCESS_SQL, user_id, task_id)
        current = rows[0] if rows else None
        if refused := baseline._refused(current, "editor"):
            return refused
        assert current is not None
        expected = baseline._expected(request.headers.get("if-match"), current["version"])
        if isinstance(expected, Response):
            return expected
        changes = {
            name: {"from": current[name], "to": value}
            for name, value in given.items()
            if current[name] != value
        }
        if not changes:
            row = (await fetch(connection, baseline.DETAIL_SQL, user_id, task_id))[0]
            response.headers["ETag"] = f'"{row["version"]}"'
            return task(row)
        columns = tuple(sorted(changes))
        now = baseline.datetime.now(baseline.UTC)
        rows = await fetch(
            connection, baseline._update_sql(columns),
            user_id, now, expected, *(given[name] for name in columns), task_id,
        )  # fmt: skip
        if not rows:
            return baseline.STALE
        row = rows[0]
        view = task(row)
        fields = {name: baseline._jsonable(row[name]) for name in baseline.VERSIONED}
        fields["label_ids"] = sorted(label.id for label in view.labels)
        await fetch(
            connection, baseline.CHANGED_SQL, current["project_id"], task_id, user_id,
            "task.updated", json.dumps(changes), now, row["version"], json.dumps(fields),
        )  # fmt: skip
        request.state.events = [
            baseline._event("task.updated", current["project_id"], task_id, user_id, changes)
        ]
        response.headers["ETag"] = f'"{row["version"]}"'
        return view


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
    from redis.asyncio import Redis
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

    from taskflow.core.pagination import Page
    from taskflow.tasks.schemas import TaskPublic

    def fastapi_app(connection_dependency: Any, write_dependency: Any, fetch: Any) -> FastAPI:
        """The baseline's handlers in FastAPI's shape; `fetch(connection, sql, *args)`.
        `write_dependency` yields a connection in a transaction that it commits when the
        handler returns, then publishes the events the handler left in `request.state`; None:
        the app serves only the reads."""
        Connection = Annotated[Any, Depends(connection_dependency, scope="function")]  # noqa: N806
        app = FastAPI()

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
        if write_dependency is not None:
            _write_routes(app, write_dependency, caller, fetch)

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

    redis: dict[str, Redis] = {}

    async def publish(request: Request) -> None:
        """The events the handler left, after the commit (as the baseline, one PUBLISH each)."""
        if "redis" not in redis:
            redis["redis"] = Redis.from_url(os.environ["TASKFLOW_REDIS_URL"])
        for event in getattr(request.state, "events", ()):
            await redis["redis"].publish(baseline.CHANNEL, event)

    async def asyncpg_writer(request: Request) -> AsyncIterator[asyncpg.Connection]:
        if "pool" not in pool:
            pool["pool"] = await asyncpg.create_pool(DB.format(size=size), min_size=10, max_size=10)
        async with pool["pool"].acquire() as connection, connection.transaction():
            yield connection
        await publish(request)

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

    async def sqlalchemy_writer(request: Request) -> AsyncIterator[AsyncSession]:
        async with sessions() as session, session.begin():
            yield session
        await publish(request)

    async def sqlalchemy_fetch(session: AsyncSession, sql: str, *args: Any) -> list[Any]:
        if sql not in statements:  # built once, as TaskFlow builds its statements
            named = re.sub(r"\$(\d+)::(\w+)", r"CAST(:p\1 AS \2)", sql)
            named = re.sub(r"\$(\d+)", r":p\1", named)
            statements[sql] = (
                text(named),
                [f"p{i}" for i in range(1, len(set(re.findall(r"\$\d+", sql))) + 1)],
            )
        statement, names = statements[sql]
        connection = await session.connection()
        result = await connection.execute(statement, dict(zip(names, args, strict=True)))
        return [dict(row) for row in result.mappings()] if result.returns_rows else []

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
        "fastapi+asyncpg": (asyncpg_connection, asyncpg_writer, asyncpg_fetch),
        "fastapi+sqlalchemy": (sqlalchemy_session, sqlalchemy_writer, sqlalchemy_fetch),
        # Reads only: SQLAlchemy's asyncpg adapter sends BEGIN with a transaction's first
        # statement through it, so statements on the driver would run outside the transaction.
        "fastapi+sqlalchemy-driver": (driver_session, None, driver_fetch),
    }
    return fastapi_app(*builders[name])


WRITES = ("create", "patch")
READ_ONLY = {"fastapi+sqlalchemy-driver"}  # no write routes (see _app)


async def _cpu_per_request(
    app: Any, scenario: str, state: dict[str, Any], requests: int, concurrency: int
) -> float:
    """bench/cpu.py's requests for `scenario` (paths, bodies, If-Match), warmed up, then
    `requests` of them at `concurrency`: CPU milliseconds per request."""
    paths, tokens, method = cpu_paths(scenario, state), state["tokens"], METHODS.get(scenario, "")

    async def one(index: int) -> None:
        body = cpu_body(scenario, state, index)
        await asgi_request(app, paths[index % len(paths)], tokens[index % len(tokens)], body,
                           method)  # fmt: skip

    async with app.router.lifespan_context(app):
        for index in range(300):  # warm up: pools, caches, prepared statements
            await one(-index - 1)
        limit = asyncio.Semaphore(concurrency)

        async def limited(index: int) -> None:
            async with limit:
                await one(index)

        started = time.process_time()
        await asyncio.gather(*(limited(index) for index in range(requests)))
        return 1000 * (time.process_time() - started) / requests


async def _measure_one(args: argparse.Namespace) -> None:
    """This process measures one app (`--one`): its figures, as JSON, on stdout. The writes
    start each from the same state of the write project (bench/run.py: reset_write_project)."""
    state = load_state(args.size)
    app = _app(args.size, args.one)
    figures = {}
    for scenario in args.scenarios:
        if scenario in WRITES:
            if args.one in READ_ONLY:
                continue
            reset_write_project(args.size, state)
        figures[scenario] = await _cpu_per_request(
            app, scenario, state, args.requests, args.concurrency
        )
    print(json.dumps(figures))


def served_app() -> Any:
    """The app `LADDER_APP` for uvicorn (`--factory`), on the `LADDER_SIZE` database: bench/run.py
    --versus serves it under wrk in TaskFlow's place."""
    return _app(os.environ["LADDER_SIZE"], os.environ["LADDER_APP"])


def _main(args: argparse.Namespace) -> None:
    """Every app in a process of its own (no pools, caches or heaps shared between them), in
    rounds that each start with another app; the medians."""
    samples: dict[str, dict[str, list[float]]] = {}
    for round_number in range(args.rounds):
        shift = round_number % len(args.apps)
        for name in args.apps[shift:] + args.apps[:shift]:
            command = [sys.executable, __file__, "--one", name, "--size", args.size]
            command += ["--requests", str(args.requests), "--concurrency", str(args.concurrency)]
            command += ["--scenarios", ",".join(args.scenarios)]
            output = subprocess.run(
                command, capture_output=True, text=True, check=True, cwd=Path(__file__).parent
            ).stdout
            for scenario, ms in json.loads(output.splitlines()[-1]).items():
                samples.setdefault(scenario, {}).setdefault(name, []).append(ms)
    results = {
        scenario: {name: statistics.median(cells[name]) for name in args.apps if name in cells}
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
            if name not in results[scenario]:
                cells += f"{'-':>12}{'':>8}"
                continue
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
    parser.add_argument(
        "--scenarios",
        type=lambda names: names.split(","),
        default=["list", "detail", "create", "patch"],
    )
    parser.add_argument("--one", choices=APPS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        asyncio.run(_measure_one(args))
    else:
        _main(args)


if __name__ == "__main__":
    main()
