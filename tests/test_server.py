"""The gunicorn classes of taskflow.server (the image's CMD runs them; `make smoke` too)."""

from __future__ import annotations

import json

import pytest
from gunicorn.config import Config

from taskflow.server import Logger, Worker


def test_gunicorn_own_lines_are_json(capsys: pytest.CaptureFixture[str]) -> None:
    config = Config()
    config.set("errorlog", "-")
    logger = Logger(config)
    try:
        logger.info("Booting worker with pid: %s", 4242)
    finally:
        for log in (logger.error_log, logger.access_log):
            log.handlers.clear()  # they write to this test's captured stderr
    line = capsys.readouterr().err.strip().splitlines()[-1]
    record = json.loads(line)
    assert record["message"] == "Booting worker with pid: 4242"
    assert record["logger"] == "gunicorn.error"
    assert record["level"] == "INFO"


def test_worker_leaves_forwarded_headers_to_the_app() -> None:
    # X-Forwarded-* are believed only from TASKFLOW_TRUSTED_PROXIES, by the app itself
    assert Worker.CONFIG_KWARGS["proxy_headers"] is False
    assert Worker.CONFIG_KWARGS["server_header"] is False
