"""Run the load scenarios against TaskFlow and the raw baseline; write bench/results/*.json.

    python bench/run.py --sizes 10k,100k,1m [--duration 10] [--rounds 2] [--connections 32]

For every size: TaskFlow with 1 worker and the baseline run side by side and are measured
alternately (A/B, then B/A in the next round) on the scenarios the baseline serves (AB: the
floor, the page, the task, /users/me, create, PATCH, comment; the writes start from the same
state for each server: reset_write_project); scenarios 2 and 3 run on TaskFlow; then TaskFlow
with 2 workers runs 1-6. Scenario 7 (login) runs once, on the smallest size. RSS of every
TaskFlow worker is read after its runs. The seeding state (tokens, ids) comes from
bench/.state/<database>.json (bench/seed.py).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

BENCH = Path(__file__).parent
ROOT = BENCH.parent
VENV = ROOT / ".venv" / "bin"
RESULTS = BENCH / "results"
STATE = BENCH / ".state"
SECRET = "bench-secret-key-0123456789abcdef-0123456789"  # noqa: S105  (benchmark only)
# On a shared machine, point these at your own database and Redis db ({size} is optional).
DB = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/taskflow_bench_{size}"
)
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
PORTS = {"taskflow": 18101, "baseline": 18102, "taskflow2": 18103}
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}


def environment(size: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        TASKFLOW_DATABASE_URL=DB.format(size=size),
        TASKFLOW_SECRET_KEY=SECRET,
        TASKFLOW_ENV="production",
        TASKFLOW_REDIS_URL=REDIS,
        TASKFLOW_DATA_DIR=str(STATE / "data"),
        TASKFLOW_LOGIN_MAX_ATTEMPTS="1000000",
    )
    return env


class Server:
    def __init__(self, name: str, size: str, workers: int = 1, ladder_app: str = "") -> None:
        self.name = name
        self.port = PORTS[name]
        env = environment(size)
        if ladder_app:  # one of bench/ladder.py's apps in TaskFlow's place (`--versus`)
            env |= {"LADDER_APP": ladder_app, "LADDER_SIZE": size,
                    "PYTHONPATH": f"{BENCH}:{ROOT}"}  # fmt: skip
            command = [str(VENV / "uvicorn"), "ladder:served_app", "--factory", "--loop",
                       "uvloop", "--http", "httptools", "--workers", "1", "--port",
                       str(self.port), "--no-access-log", "--log-level", "warning"]  # fmt: skip
        elif name == "baseline":
            command = [
                str(VENV / "uvicorn"),
                "bench.baseline.app:app",
                "--loop",
                "uvloop",
                "--http",
                "httptools",
                "--workers",
                "1",
                "--port",
                str(self.port),
                "--no-access-log",
                "--log-level",
                "warning",
            ]
        else:
            command = [
                str(VENV / "taskflow"),
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
            ]
        self.log = open(RESULTS / f"server-{name}-{size}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        self._wait()

    def _wait(self) -> None:
        path = "/health/live" if self.name != "baseline" else "/api/v1/tasks?project_id=1"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=1)
                return
            except urllib.error.HTTPError:
                return  # it answers (401 without a token)
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not start")

    def rss_mb(self) -> list[float]:
        """RSS of each worker (the process itself with 1 worker, its children with more)."""
        children = subprocess.run(
            ["/usr/bin/pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout.split()
        pids = [int(pid) for pid in children] or [self.process.pid]
        sizes = []
        for pid in pids:
            status = Path(f"/proc/{pid}/status").read_text()
            match = re.search(r"VmRSS:\s+(\d+) kB", status)
            if match and "resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_text():
                sizes.append(round(int(match.group(1)) / 1024, 1))
        return sizes

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


# Measured against the baseline, alternated; the writes among them reset the write project.
AB = ("0-floor", "1-list", "4-detail", "4b-me", "5-create", "6-patch", "6b-comment")
WRITES = ("5-create", "6-patch", "6b-comment")


def database(size: str) -> str:
    """The benchmark database's name (its state file: bench/.state/<name>.json)."""
    return DB.format(size=size).rsplit("/", 1)[-1]


def load_state(size: str) -> dict[str, Any]:
    state: dict[str, Any] = json.loads((STATE / f"{database(size)}.json").read_text())
    return state


def scenarios(state: dict[str, Any]) -> dict[str, dict[str, str]]:
    hot = state["hot_project_id"]
    ids = state["hot_task_ids"]
    step = max(1, len(ids) // 200)
    detail = "|".join(f"/api/v1/tasks/{ids[i]}" for i in range(0, len(ids), step))
    search = state["search"].replace(" ", "%20")
    return {
        "0-floor": {"BENCH_MODE": "get", "BENCH_PATHS": "/health/live"},
        "1-list": {"BENCH_MODE": "get", "BENCH_PATHS": f"/api/v1/tasks?project_id={hot}"},
        "2-search": {
            "BENCH_MODE": "get",
            "BENCH_PATHS": f"/api/v1/tasks?project_id={hot}&search={search}",
        },
        "3-votes-label": {
            "BENCH_MODE": "get",
            "BENCH_PATHS": f"/api/v1/tasks?project_id={hot}&label_id={state['label_id']}"
            "&sort=-votes",
        },
        "4-detail": {"BENCH_MODE": "get", "BENCH_PATHS": detail},
        "4b-me": {"BENCH_MODE": "get", "BENCH_PATHS": "/api/v1/users/me"},
        "5-create": {"BENCH_MODE": "create", "BENCH_PROJECT": str(state["write_project_id"])},
        "6-patch": {
            "BENCH_MODE": "patch",
            "BENCH_IDS": ",".join(str(i) for i in state["write_task_ids"]),
        },
        "6b-comment": {
            "BENCH_MODE": "comment",
            "BENCH_IDS": ",".join(str(i) for i in state["write_task_ids"]),
        },
        "7-login": {
            "BENCH_MODE": "login",
            "BENCH_USERS": ",".join(state["usernames"]),
            "BENCH_PASSWORD": state["password"],
        },
    }


def parse_latency(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(
    port: int, scenario: dict[str, str], state: dict[str, Any], args: argparse.Namespace, c: int
) -> dict[str, Any]:
    env = dict(os.environ)
    env.update(scenario)
    env["BENCH_TOKENS"] = ",".join(state["tokens"])
    env["BENCH_THREADS"] = "2"
    command = ["wrk", "-t2", f"-c{c}", f"-d{args.duration}s", "--latency", "--timeout", "5s"]
    command += ["-s", str(BENCH / "wrk" / "taskflow.lua"), f"http://127.0.0.1:{port}"]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    if "Requests/sec" not in out or "50%" not in out:
        raise RuntimeError(f"wrk said: {out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = parse_latency(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = parse_latency(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p50_ms": round(p50, 2),
        "p99_ms": round(p99, 2),
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def reset_write_project(size: str, state: dict[str, Any]) -> None:
    """PATCH starts from version 1 (the Lua script's If-Match), create and comment from a clean
    slate: no tasks, comments, notifications or watchers of the benchmark's making."""
    write_tasks = f"SELECT id FROM tasks WHERE project_id = {state['write_project_id']}"
    statements = [
        f"DELETE FROM tasks WHERE id > {state['tasks']}",
        f"DELETE FROM comments WHERE id > {state['comments']}",
        f"DELETE FROM notifications WHERE task_id IN ({write_tasks})",
        f"DELETE FROM task_watchers WHERE task_id IN ({write_tasks})",
        f"DELETE FROM task_versions WHERE task_id IN ({write_tasks}) AND version > 1",
        f"UPDATE tasks SET version = 1 WHERE project_id = {state['write_project_id']}",
        "DELETE FROM auth_sessions WHERE user_agent <> 'bench'",
        "VACUUM ANALYZE tasks",
    ]
    subprocess.run(
        ["/usr/bin/psql", "-q", DB.format(size=size)]
        + [part for sql in statements for part in ("-c", sql)],
        check=True,
        capture_output=True,
    )


def log(message: str) -> None:
    print(time.strftime("%H:%M:%S"), message, flush=True)


def run_size(size: str, args: argparse.Namespace, results: dict[str, Any]) -> None:
    state = load_state(size)
    plan = scenarios(state)
    out: dict[str, Any] = results.setdefault(size, {})
    reset_write_project(size, state)

    taskflow = Server("taskflow", size, ladder_app=args.versus)
    baseline = Server("baseline", size)
    try:
        for name in ("1-list", "4-detail"):  # warm both: pools, caches, JIT-free but lazy paths
            wrk(taskflow.port, plan[name], state, argparse.Namespace(duration=2), 8)
            wrk(baseline.port, plan[name], state, argparse.Namespace(duration=2), 8)
        for round_number in range(args.rounds):
            for name in AB:
                order = [taskflow, baseline] if round_number % 2 == 0 else [baseline, taskflow]
                for server in order:
                    if name in WRITES:
                        reset_write_project(size, state)
                    figures = wrk(server.port, plan[name], state, args, args.connections)
                    out.setdefault(name, {}).setdefault(server.name, []).append(figures)
                    log(f"{size} {name} {server.name}: {figures}")
        for name in ("2-search", "3-votes-label"):
            if args.ab_only:
                break
            for _ in range(args.rounds):
                figures = wrk(taskflow.port, plan[name], state, args, args.connections)
                out.setdefault(name, {}).setdefault("taskflow", []).append(figures)
                log(f"{size} {name} taskflow: {figures}")
        reset_write_project(size, state)
        if args.login and not args.ab_only:
            figures = wrk(taskflow.port, plan["7-login"], state, args, 8)
            out.setdefault("7-login", {}).setdefault("taskflow", []).append(figures)
            log(f"{size} 7-login taskflow: {figures}")
        out["rss_mb_taskflow"] = taskflow.rss_mb()
        out["rss_mb_baseline"] = baseline.rss_mb()
    finally:
        taskflow.stop()
        baseline.stop()

    reset_write_project(size, state)
    if args.two_workers:
        taskflow2 = Server("taskflow2", size, workers=2)
        try:
            for name in ("1-list", "2-search", "3-votes-label", "4-detail", *WRITES):
                if name in WRITES:
                    reset_write_project(size, state)
                figures = wrk(taskflow2.port, plan[name], state, args, args.connections)
                out.setdefault(name, {}).setdefault("taskflow2", []).append(figures)
                log(f"{size} {name} taskflow2: {figures}")
            out["rss_mb_taskflow2"] = taskflow2.rss_mb()
        finally:
            taskflow2.stop()
    reset_write_project(size, state)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1m")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--no-two-workers", dest="two_workers", action="store_false")
    parser.add_argument("--no-login", dest="login", action="store_false")
    parser.add_argument(
        "--ab-only", action="store_true", help="only the scenarios measured against the baseline"
    )
    parser.add_argument("--only", help="of the AB scenarios, these (comma-separated)")
    parser.add_argument("--output", default=str(RESULTS / "results.json"))
    parser.add_argument(
        "--versus",
        default="",
        help="serve one of bench/ladder.py's apps (e.g. fastapi+sqlalchemy) in TaskFlow's place: "
        "the stack's floor under wrk; with --ab-only --only 1-list,4-detail,5-create,6-patch",
    )
    args = parser.parse_args()
    if args.only:
        global AB
        AB = tuple(name for name in AB if name in args.only.split(","))
    RESULTS.mkdir(exist_ok=True)
    (STATE / "data").mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if args.versus:
        results["challenger"] = args.versus  # in the "taskflow" slots
    for index, size in enumerate(args.sizes.split(",")):
        args.login = args.login and index == 0
        run_size(size, args, results)
        Path(args.output).write_text(json.dumps(results, indent=1))
    results["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    Path(args.output).write_text(json.dumps(results, indent=1))
    sys.stdout.write(json.dumps({k: v for k, v in results.items() if k in SIZES}, indent=1))


if __name__ == "__main__":
    main()
