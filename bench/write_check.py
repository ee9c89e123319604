"""The raw baseline does what TaskFlow does: both apps create a task, PATCH it with If-Match
and comment on it, and read a task, a page and the caller; this checks they did the same.

    python bench/write_check.py [--size 10k]

Compared, ids and times aside: the response (status, JSON, ETag), the rows written (the
task, its activity, watchers, versions, the comment, the notifications), the events
published on Redis after the commit, and the email jobs queued (SAQ). Both apps run in this
process (ASGI, no sockets) on the seeded benchmark database, whose write project gets one
task from each. Exit status 1 and the differences if they differ.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from asgi_lifespan import LifespanManager
from redis.asyncio import Redis
from saq import Queue

sys.path.insert(0, str(Path(__file__).parent))
from run import DB, REDIS, STATE, environment

# Ids and times differ between any two runs of the same request, and so does the position:
# each app's task goes after the project's last one (the other app's).
VOLATILE = {"id", "task_id", "comment_id", "created_at", "updated_at", "changed_at", "location",
            "position"}  # fmt: skip

TABLES = {
    "task": "SELECT to_jsonb(tasks) AS row FROM tasks WHERE id = $1",
    "activity": "SELECT to_jsonb(activity) AS row FROM activity WHERE task_id = $1 ORDER BY id",
    "watchers": "SELECT to_jsonb(w) AS row FROM task_watchers w WHERE task_id = $1 "
    "ORDER BY user_id",
    "versions": "SELECT to_jsonb(v) || jsonb_build_object('fields', v.fields::jsonb) AS row "
    "FROM task_versions v WHERE task_id = $1 ORDER BY version",
    "comments": "SELECT to_jsonb(comments) AS row FROM comments WHERE task_id = $1 ORDER BY id",
    "notifications": "SELECT to_jsonb(n) AS row FROM notifications n WHERE task_id = $1 "
    "ORDER BY user_id",
}


def stable(value: Any) -> Any:
    """`value` without its ids and times (keys in VOLATILE), JSON text decoded."""
    if isinstance(value, dict):
        return {k: stable(v) for k, v in sorted(value.items()) if k.lower() not in VOLATILE}
    if isinstance(value, list):
        return [stable(item) for item in value]
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return stable(json.loads(value))
        except ValueError:
            return value
    return value


async def exercise(app: Any, state: dict[str, Any], size: str) -> dict[str, Any]:
    """Create, PATCH (If-Match), comment (by another member, so the creator is notified)."""
    redis = Redis.from_url(REDIS)
    pubsub = redis.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe("taskflow:events")
    queue = Queue.from_url(REDIS, name="taskflow")
    await queue.connect()
    jobs_before = await queue.count("queued")
    seen: dict[str, Any] = {}

    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

            def auth(index: int) -> dict[str, str]:
                return {"Authorization": f"Bearer {state['tokens'][index]}"}

            body = {"title": "check task", "project_id": state["write_project_id"],
                    "priority": 2, "description": "made by write_check"}  # fmt: skip
            created = await client.post("/api/v1/tasks", json=body, headers=auth(0))
            task_id = created.json()["id"]
            patched = await client.patch(
                f"/api/v1/tasks/{task_id}",
                json={"title": "check task, patched", "priority": 4},
                headers={**auth(0), "If-Match": '"1"'},
            )
            stale = await client.patch(
                f"/api/v1/tasks/{task_id}", json={"priority": 1},
                headers={**auth(0), "If-Match": '"1"'},
            )  # fmt: skip
            commented = await client.post(
                f"/api/v1/tasks/{task_id}/comments",
                json={"body": "A comment from the check"},
                headers=auth(1),
            )
            reads = {
                "GET task": f"/api/v1/tasks/{state['hot_task_ids'][0]}",
                "GET page": f"/api/v1/tasks?project_id={state['hot_project_id']}",
                "GET me": "/api/v1/users/me",
            }
            responses = [("create", created), ("patch", patched), ("stale If-Match", stale),
                         ("comment", commented)]  # fmt: skip
            for name, path in reads.items():
                responses.append((name, await client.get(path, headers=auth(0))))
            for name, response in responses:
                headers = {k: v for k, v in response.headers.items() if k in ("etag", "location")}
                seen[f"response: {name}"] = [response.status_code, headers, response.json()]
    await asyncio.sleep(0.3)
    events = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 1.0
    while loop.time() < deadline:
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.2)
        if message is None:
            continue
        event = json.loads(message["data"])
        if event.get("task_id") == task_id or event.get("data", {}).get("task_id") == task_id:
            events.append(event)
    seen["events"] = events
    seen["email jobs queued"] = await queue.count("queued") - jobs_before
    await queue.disconnect()
    await pubsub.aclose()
    await redis.aclose()
    connection = await asyncpg.connect(DB.format(size=size))
    for table, sql in TABLES.items():
        seen[f"rows: {table}"] = [
            json.loads(r["row"]) for r in await connection.fetch(sql, task_id)
        ]
    await connection.close()
    return seen


def build(name: str, size: str) -> Any:
    os.environ.update(environment(size))
    os.environ["TASKFLOW_DATABASE_URL"] = DB.format(size=size)
    if name == "baseline":
        sys.path.insert(0, str(Path(__file__).parent.parent))
        from bench.baseline.app import app

        return app
    from taskflow.main import create_app

    return create_app()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="10k")
    parser.add_argument("--show", action="store_true", help="print what both did")
    args = parser.parse_args()
    database = DB.format(size=args.size).rsplit("/", 1)[-1]
    state = json.loads((STATE / f"{database}.json").read_text())
    results = {name: await exercise(build(name, args.size), state, args.size)
               for name in ("taskflow", "baseline")}  # fmt: skip
    differences = 0
    for key, value in results["taskflow"].items():
        ours, theirs = stable(value), stable(results["baseline"][key])
        if args.show:
            print(f"{key}: {json.dumps(ours)}")
        if ours != theirs:
            differences += 1
            print(
                f"DIFFERENT {key}:\n  taskflow {json.dumps(ours)}\n  baseline {json.dumps(theirs)}"
            )
    counts = {
        key: len(value) for key, value in results["taskflow"].items() if key.startswith("rows")
    }
    print(f"{'equal' if not differences else f'{differences} differences'}: "
          f"responses of create, PATCH, stale PATCH, comment, GET task, page, me; {counts}; "
          f"{len(results['taskflow']['events'])} events; "
          f"{results['taskflow']['email jobs queued']} email jobs")  # fmt: skip
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    asyncio.run(main())
