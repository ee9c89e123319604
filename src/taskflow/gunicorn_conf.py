"""gunicorn settings for the api processes (the Docker image's CMD uses them).

    gunicorn 'taskflow.main:create_app()' -c python:taskflow.gunicorn_conf -b 0.0.0.0:8000

Workers: WEB_CONCURRENCY (gunicorn reads it). Flags on the command line override these.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from taskflow.config import load_settings

worker_class = "taskflow.server.Worker"
logger_class = "taskflow.server.Logger"
graceful_timeout = 20
timeout = 60
keepalive = 5
errorlog = "-"
# uvicorn's own access log is off: TaskFlow logs each request itself (route template, no
# query string); gunicorn's access log never sees uvicorn workers' requests.
accesslog = None
# gunicorn 27's control socket lives in $HOME/.gunicorn: replicas sharing a volume (or two
# masters on one host) would fight over it. Nothing of ours uses it.
control_socket_disable = True

# Read once here, in the master: a bad setting stops gunicorn with its one line before any
# worker is forked (each would fail to boot with it otherwise).
_settings = load_settings()

# Metrics of every worker, summed at each scrape (prometheus_client's multiprocess mode): a
# directory given as PROMETHEUS_MULTIPROC_DIR, or a fresh one of our own.
_own_metrics_dir = _settings.prometheus_multiproc_dir is None
_metrics_dir = _settings.prometheus_multiproc_dir or tempfile.mkdtemp(prefix="taskflow-metrics-")
# The one environment write outside config.py, and why: prometheus_client chooses its
# multiprocess storage from the *environment* of each worker, once, when the worker imports
# it; only the master can put it there before forking (the workers' Settings read it back).
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_metrics_dir)


def on_starting(server: Any) -> None:
    """Samples of an earlier run would be added to this one's: start empty."""
    for stale in Path(_metrics_dir).glob("*.db"):
        stale.unlink(missing_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """A dead worker's gauges (open WebSockets, pool) stop counting; its counters stay."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, path=str(_metrics_dir))  # type: ignore[no-untyped-call]


def on_exit(server: Any) -> None:
    if _own_metrics_dir:
        shutil.rmtree(_metrics_dir, ignore_errors=True)
