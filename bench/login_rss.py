"""RSS of a served TaskFlow worker before and after N logins (Argon2id), and kernel/user CPU
per login of that worker.

    python bench/login_rss.py [--size 10k] [--logins 1000] [--concurrency 8]

Starts `taskflow serve` (1 worker, production settings) on the benchmark database, logs the
benchmark users in N times through HTTP, and reads the worker's /proc status and CPU times.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from pathlib import Path

import httpx
from run import PORTS, Server, load_state


def cpu_ms(pid: int) -> tuple[float, float]:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return 1000 * int(fields[11]) / ticks, 1000 * int(fields[12]) / ticks  # utime, stime


async def logins(state: dict, count: int, concurrency: int) -> int:
    limit = asyncio.Semaphore(concurrency)
    ok = 0
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORTS['taskflow']}") as client:

        async def one(index: int) -> None:
            nonlocal ok
            async with limit:
                data = {"username": state["usernames"][index % len(state["usernames"])],
                        "password": state["password"]}  # fmt: skip
                response = await client.post("/api/v1/auth/token", data=data, timeout=60)
                ok += response.status_code == 200

        await asyncio.gather(*(one(index) for index in range(count)))
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="10k")
    parser.add_argument("--logins", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    state = load_state(args.size)
    server = Server("taskflow", args.size)
    try:
        pid = server.process.pid
        asyncio.run(logins(state, 16, args.concurrency))  # warm: threads, pools
        before = server.rss_mb()
        user0, system0 = cpu_ms(pid)
        started = time.perf_counter()
        ok = asyncio.run(logins(state, args.logins, args.concurrency))
        wall = time.perf_counter() - started
        user1, system1 = cpu_ms(pid)
        time.sleep(1.0)
        after = server.rss_mb()
        print(
            f"{ok}/{args.logins} logins in {wall:.0f} s ({args.logins / wall:.1f}/s): worker "
            f"user {(user1 - user0) / args.logins:.1f} ms, kernel "
            f"{(system1 - system0) / args.logins:.2f} ms per login; RSS {before} MB before, "
            f"{after} MB after"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
