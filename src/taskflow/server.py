"""The gunicorn worker class for production: `gunicorn -k taskflow.server.Worker ...`."""

from __future__ import annotations

from typing import Any

from uvicorn_worker import UvicornWorker


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
