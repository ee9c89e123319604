"""Attachment uploads against a real `taskflow serve` (SQLite, directory storage):

1. the app process's RSS while one 25 MiB file streams in must grow by less than 10 MiB
   (the upload is parsed and written as it arrives, never held whole);
2. the task list's p99, measured alone and then while 20 clients upload 1 MiB each in
   parallel, must not more than double.

Usage: .venv/bin/python bench/attachments.py [--storage-url s3://bucket/prefix ...]
Exits 1 if a bound is broken. Prints one JSON line of results.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

API = "/api/v1"
MIB = 1024 * 1024
RSS_BOUND = 10 * MIB


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def chunks(total: int, size: int = 256 * 1024) -> AsyncIterator[bytes]:
    block = os.urandom(size)
    sent = 0
    while sent < total:
        part = block[: min(size, total - sent)]
        sent += len(part)
        yield part


def multipart(total: int, boundary: str = "benchboundary") -> tuple[AsyncIterator[bytes], str]:
    async def body() -> AsyncIterator[bytes]:
        yield (
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f'filename="bench.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        async for chunk in chunks(total):
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    return body(), f"multipart/form-data; boundary={boundary}"


async def upload(http: httpx.AsyncClient, headers: dict[str, str], task_id: int, size: int) -> None:
    body, content_type = multipart(size)
    response = await http.post(
        f"{API}/tasks/{task_id}/attachments",
        content=body,
        headers={**headers, "Content-Type": content_type},
        timeout=300,
    )
    response.raise_for_status()


async def list_latencies(
    http: httpx.AsyncClient, headers: dict[str, str], stop: asyncio.Event, minimum: int
) -> list[float]:
    timings: list[float] = []
    while not stop.is_set() or len(timings) < minimum:
        started = time.perf_counter()
        response = await http.get(f"{API}/tasks?limit=50", headers=headers)
        response.raise_for_status()
        timings.append(time.perf_counter() - started)
    return timings


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


async def measure(base_url: str, pid: int) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        name = f"bench{secrets.token_hex(4)}"
        password = secrets.token_urlsafe(16)
        registered = await http.post(
            f"{API}/auth/register",
            json={"email": f"{name}@example.com", "username": name, "password": password},
        )
        registered.raise_for_status()
        token = await http.post(f"{API}/auth/token", data={"username": name, "password": password})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        task_ids = []
        for index in range(50):
            created = await http.post(f"{API}/tasks", json={"title": f"T{index}"}, headers=headers)
            task_ids.append(created.json()["id"])

        await upload(http, headers, task_ids[0], MIB)  # warm up every code path once
        before = rss(pid)
        peak = before
        done = asyncio.Event()

        async def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, rss(pid))
                await asyncio.sleep(0.02)

        sampler = asyncio.create_task(sample())
        await upload(http, headers, task_ids[0], 25 * MIB)
        done.set()
        await sampler
        growth = peak - before

        stop = asyncio.Event()
        stop.set()
        alone = await list_latencies(http, headers, stop, 200)
        stop = asyncio.Event()
        lister = asyncio.create_task(list_latencies(http, headers, stop, 200))
        await asyncio.gather(*(upload(http, headers, task_ids[n % 50], MIB) for n in range(20)))
        stop.set()
        loaded = await lister
    return {
        "rss_growth_mib": growth / MIB,
        "list_p99_alone_ms": p99(alone) * 1000,
        "list_p99_during_uploads_ms": p99(loaded) * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--storage-url", default=None)
    arguments = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "TASKFLOW_DATA_DIR": data_dir,
            "TASKFLOW_LOG_LEVEL": "WARNING",
            "TASKFLOW_REGISTER_MAX_PER_HOUR": "1000",
        }
        if arguments.storage_url:
            env["TASKFLOW_STORAGE_URL"] = arguments.storage_url
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "taskflow"), "serve", "--port", str(port)],
            env=env,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            for _ in range(600):
                try:
                    if httpx.get(f"{base_url}/health/live", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            results = asyncio.run(measure(base_url, server.pid))
        finally:
            server.terminate()
            server.wait(timeout=30)
    ok = (
        results["rss_growth_mib"] * MIB < RSS_BOUND
        and results["list_p99_during_uploads_ms"] <= 2 * results["list_p99_alone_ms"]
    )
    print(json.dumps({**{k: round(v, 2) for k, v in results.items()}, "ok": ok}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
