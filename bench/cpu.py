"""CPU per request, in process: the quick A/B for a change to a hot path.

    python bench/cpu.py list|detail|me|create|patch|comment|floor [--requests 3000]
        [--concurrency 8]
        [--size 10k] [--baseline] [--no-redis]

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

from run import DB, SECRET, environment, load_state, reset_write_project


def _paths(scenario: str, state: dict[str, Any]) -> list[str]:
    return {
        "list": [f"/api/v1/tasks?project_id={state['hot_project_id']}"],
        "detail": [f"/api/v1/tasks/{task}" for task in state["hot_task_ids"][:200]],
        "me": ["/api/v1/users/me"],
        "create": ["/api/v1/tasks"],
        "patch": [f"/api/v1/tasks/{task}" for task in state["write_task_ids"][:200]],
        "comment": [f"/api/v1/tasks/{task}/comments" for task in state["write_task_ids"][:200]],
        "floor": ["/health/live"],
    }[scenario]


def _body(scenario: str, state: dict[str, Any], index: int) -> bytes | None:
    """`create` POSTs a task into the seeded write project, `patch` changes the title and
    priority of its tasks (scenario 6, with If-Match; a new title each time, so that every
    PATCH writes), `comment` comments on them; the others are GETs."""
    if scenario == "create":
        body = {"title": f"Bench task {index}", "project_id": state["write_project_id"]}
        return json.dumps(body).encode()
    if scenario == "patch":
        return b'{"title":"patched %d","priority":%d}' % (index, index % 5)
    if scenario == "comment":
        return b'{"body":"A comment from the benchmark, %d"}' % index
    return None


_METHODS = {"patch": "PATCH"}
# The ETag each task answered last, for the next PATCH's If-Match (as bench/wrk/taskflow.lua).
_versions: dict[str, bytes] = {}


async def request(
    app: Any, path_and_query: str, token: str, body: bytes | None = None, method: str = ""
) -> None:
    path, _, query = path_and_query.partition("?")
    method = method or ("GET" if body is None else "POST")
    headers = [(b"host", b"bench"), (b"authorization", f"Bearer {token}".encode())]
    if method == "PATCH" and path in _versions:
        headers.append((b"if-match", _versions[path]))
    if body is not None:
        headers += [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
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
            for name, value in message.get("headers", ()):
                if name.lower() == b"etag":
                    _versions[path] = value

    await app(scope, receive, send)
    if statuses != [201 if method == "POST" else 200]:
        raise RuntimeError(f"{path_and_query} answered {statuses}")


async def _measure(
    app: Any, paths: list[str], tokens: list[str], state: dict[str, Any], args: argparse.Namespace
) -> None:
    method = _METHODS.get(args.scenario, "")

    async def one(index: int) -> None:
        body = _body(args.scenario, state, index)
        await request(app, paths[index % len(paths)], tokens[index % len(tokens)], body, method)

    async with app.router.lifespan_context(app):
        for index in range(200):  # warm up: pools, caches, statements
            await one(-index - 1)
        limit = asyncio.Semaphore(args.concurrency)

        async def limited(index: int) -> None:
            async with limit:
                await one(index)

        wall, cpu, start = time.perf_counter(), time.process_time(), os.times()
        await asyncio.gather(*(limited(index) for index in range(args.requests)))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        end = os.times()
    name = "baseline" if args.baseline else "taskflow"
    print(
        f"{name} {args.scenario} ({args.size}): {1000 * cpu / args.requests:.3f} ms CPU per "
        f"request (user {1000 * (end.user - start.user) / args.requests:.3f}, kernel "
        f"{1000 * (end.system - start.system) / args.requests:.3f}), "
        f"{args.requests / wall:.0f} requests/s at concurrency {args.concurrency}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "scenario", choices=["list", "detail", "me", "create", "patch", "comment", "floor"]
    )
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--size", default="10k")
    parser.add_argument("--baseline", action="store_true")
    parser.add_argument(
        "--no-redis",
        action="store_true",
        help="the in-process event bus (TaskFlow without Redis): what publishing and hearing "
        "its own events on Redis costs a write",
    )
    args = parser.parse_args()
    state = load_state(args.size)
    os.environ.update(environment(args.size))
    if args.no_redis:
        del os.environ["TASKFLOW_REDIS_URL"]
    os.environ.setdefault("TASKFLOW_SECRET_KEY", SECRET)
    if args.baseline:
        os.environ["TASKFLOW_DATABASE_URL"] = DB.format(size=args.size)
        sys.path.insert(0, str(Path(__file__).parent.parent))
        from bench.baseline.app import app
    else:
        from taskflow.main import create_app

        app = create_app()
    if args.scenario in ("create", "patch", "comment"):
        reset_write_project(args.size, state)  # the same start for every run
    asyncio.run(_measure(app, _paths(args.scenario, state), state["tokens"], state, args))


if __name__ == "__main__":
    main()
