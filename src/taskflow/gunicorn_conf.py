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

# Metrics of every worker, summed at each scrape (prometheus_client's multiprocess mode).
# Set before any worker imports prometheus_client, which reads it once, at import.
_METRICS_ENV = "PROMETHEUS_MULTIPROC_DIR"
_own_metrics_dir = not os.environ.get(_METRICS_ENV)
if _own_metrics_dir:
    os.environ[_METRICS_ENV] = tempfile.mkdtemp(prefix="taskflow-metrics-")


def on_starting(server: Any) -> None:
    """Samples of an earlier run would be added to this one's: start empty."""
    for stale in Path(os.environ[_METRICS_ENV]).glob("*.db"):
        stale.unlink(missing_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """A dead worker's gauges (open WebSockets, pool) stop counting; its counters stay."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def on_exit(server: Any) -> None:
    if _own_metrics_dir:
        shutil.rmtree(os.environ[_METRICS_ENV], ignore_errors=True)
