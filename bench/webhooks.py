"""Webhook deliveries at rate, with real processes: `taskflow serve` and one `taskflow
worker` (SQLite file + Redis), a receiver that answers at once and one that hangs.

Tasks are created at --rate per minute for --seconds; each makes one delivery to each
receiver. Every delivery to the answering receiver must arrive, signed, the worker must keep
pace (>= 1,000 deliveries a minute, sustained, while the hanging receiver holds its slots),
and the delivery latency (task created → delivery received) is reported: p50, p99, max.

Usage: .venv/bin/python bench/webhooks.py --redis-url redis://127.0.0.1:6379/58
Exits 1 if a delivery is missing or the rate is not kept. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from redis import Redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.servers import run_server, run_worker  # noqa: E402
from tests.webhook_receivers import Receiver  # noqa: E402

API = "/api/v1"
PASSWORD = "a long and unusual passphrase"


class TimedReceiver(Receiver):
    """A verifying receiver that notes when each delivery arrived."""

    def __post_init__(self) -> None:
        self.arrived: dict[int, float] = {}
        self._times = threading.Lock()
        super().__post_init__()

    def _handle(self, handler: Any, body: bytes) -> None:
        now = time.time()
        with self._times:
            self.arrived[json.loads(body)["task_id"]] = now
        super()._handle(handler, body)


async def drive(base: str, rate: float, seconds: float, quick: Receiver, hang: Receiver) -> Any:
    async with httpx.AsyncClient(timeout=120) as http:
        await http.post(
            f"{base}/auth/register",
            json={"email": "bench@example.com", "username": "bench", "password": PASSWORD},
        )
        login = await http.post(
            f"{base}/auth/token", data={"username": "bench", "password": PASSWORD}
        )
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        project = (await http.post(f"{base}/projects", json={"name": "B"}, headers=headers)).json()
        for receiver in (hang, quick):
            made = await http.post(
                f"{base}/projects/{project['id']}/webhooks",
                json={"url": receiver.url, "events": ["task.created"]},
                headers=headers,
            )
            receiver.secret = made.json()["secret"]
        created: dict[int, float] = {}
        interval = 60.0 / rate
        start = time.monotonic()
        n = 0

        async def one(n: int) -> None:
            sent = time.time()
            response = await http.post(
                f"{base}/tasks",
                json={"title": f"t{n}", "project_id": project["id"]},
                headers=headers,
            )
            assert response.status_code == 201, response.text
            created[response.json()["id"]] = sent

        pending = []
        while time.monotonic() - start < seconds:
            pending.append(asyncio.create_task(one(n)))
            n += 1
            await asyncio.sleep(max(0.0, start + n * interval - time.monotonic()))
        await asyncio.gather(*pending)
        return created


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--rate", type=float, default=1200.0, help="tasks (deliveries) a minute")
    parser.add_argument("--seconds", type=float, default=60.0)
    arguments = parser.parse_args()
    Redis.from_url(arguments.redis_url).flushdb()
    quick, hang = TimedReceiver("verify"), Receiver("hang")
    with tempfile.TemporaryDirectory() as scratch:
        settings = {
            "TASKFLOW_DATABASE_URL": f"sqlite:///{scratch}/bench.db",
            "TASKFLOW_REDIS_URL": arguments.redis_url,
            "TASKFLOW_WEBHOOK_ALLOW_PRIVATE": "true",
            "TASKFLOW_WEBHOOK_TIMEOUT_SECONDS": "10",
        }
        with (
            run_server(Path(scratch) / "app", settings, live_timeout=180) as app,
            run_worker(Path(scratch) / "worker", settings),
        ):
            created = asyncio.run(
                drive(f"{app.url}{API}", arguments.rate, arguments.seconds, quick, hang)
            )
            deadline = time.monotonic() + 120
            while len(quick.arrived) < len(created) and time.monotonic() < deadline:
                time.sleep(0.2)
    quick.close()
    hang.close()
    latencies = sorted(quick.arrived[i] - created[i] for i in created if i in quick.arrived)
    first, last = min(created.values()), max(quick.arrived.values(), default=0.0)
    per_minute = len(quick.arrived) / max(last - first, 1e-9) * 60
    result = {
        "deliveries": len(created),
        "arrived": len(quick.arrived),
        "signed": all(r.signature_ok for r in quick.received),
        "per_minute": round(per_minute),
        "latency_p50_s": round(statistics.median(latencies), 3) if latencies else None,
        "latency_p99_s": round(latencies[int(len(latencies) * 0.99) - 1], 3) if latencies else None,
        "latency_max_s": round(latencies[-1], 3) if latencies else None,
        "hanging_receiver_requests": len(hang.received),
    }
    print(json.dumps(result), flush=True)
    ok = result["arrived"] == result["deliveries"] and result["signed"] and per_minute >= 1000
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
