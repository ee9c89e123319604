"""CPU per request, in process: the quick A/B for a change to a hot path.

    python bench/cpu.py list|detail|me|create|floor [--requests 3000] [--concurrency 8]
        [--size 10k] [--baseline]

Drives the ASGI app directly (no sockets, no wrk, plain asyncio loop) against the seeded
benchmark database, with the benchmark users' tokens, and prints the process CPU time per
request. A server at full load is bound by exactly this, so a change that moves it moves
throughput; it is steady within a few per cent even on a busy machine, where wrk figures are
not. `--baseline` runs bench/baseline/app.py the same way. Profile a scenario with
`py-spy record -f raw -- python bench/cpu.py list --requests 8000`. TaskFlow logs every
request as in production (JSON access log on stderr): add `2>/dev/null`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from run import DB, SECRET, STATE, environment


def _paths(scenario: str, state: dict[str, Any]) -> list[str]:
    return {
        "list": [f"/api/v1/tasks?project_id={state['hot_project_id']}"],
        "detail": [f"/api/v1/tasks/{task}" for task in state["hot_task_ids"][:200]],
        "me": ["/api/v1/users/me"],
        "create": ["/api/v1/tasks"],
        "floor": ["/health/live"],
    }[scenario]


def _body(scenario: str, state: dict[str, Any]) -> bytes | None:
    """`create` POSTs a task into the seeded write project; the others are GETs."""
    if scenario != "create":
        return None
    return json.dumps({"title": "Bench task", "project_id": state["write_project_id"]}).encode()


async def request(app: Any, path_and_query: str, token: str, body: bytes | None = None) -> None:
    path, _, query = path_and_query.partition("?")
    headers = [(b"host", b"bench"), (b"authorization", f"Bearer {token}".encode())]
    if body is not None:
        headers += [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET" if body is None else "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    received = False
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        nonlocal received
        if not received:
            received = True
            return {"type": "http.request", "body": body or b"", "more_body": False}
        await asyncio.Event().wait()  # no disconnect: the response ends the request
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(scope, receive, send)
    if statuses != [200 if body is None else 201]:
        raise RuntimeError(f"{path_and_query} answered {statuses}")


async def _measure(
    app: Any, paths: list[str], tokens: list[str], body: bytes | None, args: argparse.Namespace
) -> None:
    async with app.router.lifespan_context(app):
        for index in range(200):  # warm up: pools, caches, statements
            await request(app, paths[index % len(paths)], tokens[index % len(tokens)], body)
        limit = asyncio.Semaphore(args.concurrency)

        async def one(index: int) -> None:
            async with limit:
                await request(app, paths[index % len(paths)], tokens[index % len(tokens)], body)

        wall, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(one(index) for index in range(args.requests)))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    name = "baseline" if args.baseline else "taskflow"
    print(
        f"{name} {args.scenario} ({args.size}): {1000 * cpu / args.requests:.3f} ms CPU per "
        f"request, {args.requests / wall:.0f} requests/s at concurrency {args.concurrency}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=["list", "detail", "me", "create", "floor"])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--size", default="10k")
    parser.add_argument("--baseline", action="store_true")
    args = parser.parse_args()
    state = json.loads((STATE / f"taskflow_bench_{args.size}.json").read_text())
    os.environ.update(environment(args.size))
    os.environ.setdefault("TASKFLOW_SECRET_KEY", SECRET)
    if args.baseline:
        os.environ["TASKFLOW_DATABASE_URL"] = DB.format(size=args.size)
        sys.path.insert(0, str(Path(__file__).parent.parent))
        from bench.baseline.app import app
    else:
        from taskflow.main import create_app

        app = create_app()
    paths, body = _paths(args.scenario, state), _body(args.scenario, state)
    asyncio.run(_measure(app, paths, state["tokens"], body, args))


if __name__ == "__main__":
    main()
