"""Real `taskflow serve` processes for multi-process, WebSocket and fault tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.conftest import TEST_SECRET


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class ServerProcess:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/api/v1/ws"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def server_env(data_dir: Path, settings: Mapping[str, str]) -> dict[str, str]:
    """A clean environment: no inherited TASKFLOW_* settings, only the ones given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKFLOW_")}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update(
        {
            "TASKFLOW_ENV": "test",
            "TASKFLOW_DATA_DIR": str(data_dir),
            "TASKFLOW_SECRET_KEY": TEST_SECRET,
            **settings,
        }
    )
    return env


def wait_until_live(server: ServerProcess, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{server.log()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.url}/health/live", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise TimeoutError(f"server did not come up:\n{server.log()}")


@contextlib.contextmanager
def run_server(
    data_dir: Path,
    settings: Mapping[str, str],
    *,
    args: tuple[str, ...] = (),
    live_timeout: float = 60.0,
) -> Iterator[ServerProcess]:
    """`python -m taskflow serve` on a free port until the block ends."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = data_dir / f"server-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "taskflow", "serve", "--port", str(port), *args],
            env=server_env(data_dir, settings),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = ServerProcess(process, port, log_path)
    try:
        wait_until_live(server, live_timeout)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def run_worker(data_dir: Path, settings: Mapping[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m taskflow worker` until the block ends."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / "worker.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "taskflow", "worker"],
            env=server_env(data_dir, settings),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
