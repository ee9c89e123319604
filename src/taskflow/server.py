"""gunicorn classes for production: the worker (uvicorn) and a JSON logger.

Both are set by `taskflow.gunicorn_conf`, which the Docker image's CMD uses.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger as GunicornLogger
from uvicorn_worker import UvicornWorker

from taskflow.core.logging import JsonFormatter


# uvicorn-worker ships no type information, hence the ignore.
class Worker(UvicornWorker):  # type: ignore[misc]
    """uvicorn under gunicorn, with uvloop + httptools.

    Proxy headers are off here: the app believes `X-Forwarded-*` only from
    TASKFLOW_TRUSTED_PROXIES (see docs/configuration.md), not from gunicorn's own list.
    """

    CONFIG_KWARGS: dict[str, Any] = {
        "loop": "uvloop",
        "http": "httptools",
        "proxy_headers": False,
        "server_header": False,
        "log_config": None,
    }


class Logger(GunicornLogger):  # type: ignore[misc]
    """gunicorn's own lines (start, worker boot and exit) as JSON, like the app's."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())
