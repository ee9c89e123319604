"""Kernel and user CPU per Argon2id verification, and RSS after N, in this process.

    python login_cost.py plain|taskflow [N] [concurrency]
plain: argon2-cffi's PasswordHasher.verify in anyio worker threads, no mallopt.
taskflow: taskflow.core.security.verify_password (its hasher, its threads, its malloc settings).
"""

import asyncio
import resource
import sys
import time

mode = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
conc = int(sys.argv[3]) if len(sys.argv) > 3 else 8


def rss(field: str = "VmRSS") -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return 0.0


if mode == "plain":
    import anyio
    from argon2 import PasswordHasher

    ph = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
    stored = ph.hash("correct horse battery")
    limiter = anyio.CapacityLimiter(4)

    async def verify():
        await anyio.to_thread.run_sync(ph.verify, stored, "correct horse battery", limiter=limiter)
else:
    from taskflow.core import security

    stored = security.password_hash.hash("correct horse battery")

    async def verify():
        ok, _ = await security.verify_password("correct horse battery", stored)
        assert ok


async def main():
    sem = asyncio.Semaphore(conc)

    async def one():
        async with sem:
            await verify()

    for _ in range(8):
        await one()
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(n)))
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    wall = time.perf_counter() - t0
    print(
        f"{mode}: {n} verifications: user {1000 * (r1.ru_utime - r0.ru_utime) / n:.1f} ms, "
        f"kernel {1000 * (r1.ru_stime - r0.ru_stime) / n:.2f} ms per hash; "
        f"minor faults {(r1.ru_minflt - r0.ru_minflt) / n:.0f} per hash; {n / wall:.1f}/s; "
        f"RSS {rss():.0f} MB (peak {rss('VmHWM'):.0f} MB)"
    )


asyncio.run(main())
