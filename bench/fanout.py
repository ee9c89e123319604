"""Scenario 8: WebSocket fan-out. N clients on one project, one change, time until each has it.

    python bench/fanout.py --size 10k [--clients 1000] [--changes 30]

Starts `taskflow serve` (1 process, Redis pub/sub), opens N WebSocket clients for the hot
project's members (several connections per user), then makes one change at a time (PATCH a
task of that project) and measures, per change, the delay from just before the PATCH is sent
to each client's receipt of the event. Clients and the clock live in this one process, so the
figures include the client's own receive loop (one core shared with the server).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import websockets

sys.path.insert(0, str(Path(__file__).parent))
from run import RESULTS, Server, load_state, reset_write_project


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


async def client(
    url: str, token: str, ready: asyncio.Event, arrivals: dict[int, list[float]], counter: list[int]
) -> None:
    async with websockets.connect(url, max_queue=None, open_timeout=60) as socket:
        await socket.send(json.dumps({"type": "auth", "token": token}))
        message = json.loads(await socket.recv())
        assert message["type"] == "ready", message
        counter[0] += 1
        if counter[0] == counter[1]:
            ready.set()
        async for raw in socket:
            received = time.perf_counter()
            event = json.loads(raw)
            if event.get("type") == "task.updated":
                arrivals.setdefault(event["task_id"], []).append(received)


async def measure(port: int, state: dict[str, Any], clients: int, changes: int) -> dict[str, Any]:
    url = f"ws://127.0.0.1:{port}/api/v1/ws"
    tokens = state["tokens"]
    ready = asyncio.Event()
    arrivals: dict[int, list[float]] = {}
    counter = [0, clients]
    tasks = []
    for n in range(clients):
        tasks.append(
            asyncio.create_task(client(url, tokens[n % len(tokens)], ready, arrivals, counter))
        )
        if n % 50 == 49:
            await asyncio.sleep(0.05)  # connect in waves, as browsers coming online would
    await asyncio.wait_for(ready.wait(), timeout=120)
    await asyncio.sleep(1.0)
    per_change_last: list[float] = []
    per_client: list[float] = []
    delivered = []
    ids = state["hot_task_ids"]
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        headers = {"Authorization": f"Bearer {tokens[0]}"}
        for n in range(changes):
            task_id = ids[(n * 7) % len(ids)]
            arrivals.pop(task_id, None)
            current = await http.get(f"/api/v1/tasks/{task_id}", headers=headers)
            priority = (current.json()["priority"] + 1) % 5
            started = time.perf_counter()
            response = await http.patch(
                f"/api/v1/tasks/{task_id}", json={"priority": priority}, headers=headers
            )
            assert response.status_code == 200, response.text
            deadline = time.perf_counter() + 5
            while len(arrivals.get(task_id, [])) < clients and time.perf_counter() < deadline:
                await asyncio.sleep(0.005)
            got = arrivals.get(task_id, [])
            delivered.append(len(got))
            delays = [(t - started) * 1000 for t in got]
            per_client.extend(delays)
            if delays:
                per_change_last.append(max(delays))
            await asyncio.sleep(0.3)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {
        "clients": clients,
        "changes": changes,
        "delivered_min": min(delivered),
        "last_client_p50_ms": round(statistics.median(per_change_last), 1),
        "last_client_p99_ms": round(percentile(per_change_last, 0.99), 1),
        "per_client_p50_ms": round(statistics.median(per_client), 1),
        "per_client_p99_ms": round(percentile(per_client, 0.99), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="10k")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--output", default=str(RESULTS / "fanout.json"))
    args = parser.parse_args()
    state = load_state(args.size)
    RESULTS.mkdir(exist_ok=True)
    reset_write_project(args.size, state)
    server = Server("taskflow", args.size)
    try:
        figures = asyncio.run(measure(server.port, state, args.clients, args.changes))
        figures["rss_mb"] = server.rss_mb()
    finally:
        server.stop()
    figures["size"] = args.size
    Path(args.output).write_text(json.dumps(figures, indent=1))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
