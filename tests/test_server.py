"""The gunicorn classes of taskflow.server (the image's CMD runs them; `make smoke` too)."""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest
from gunicorn.config import Config

from taskflow.config import ConfigError, load_settings
from taskflow.core import metrics
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


def _load_gunicorn_conf() -> ModuleType:
    """Run the module's top level again, as a gunicorn master does once at start."""
    sys.modules.pop("taskflow.gunicorn_conf", None)
    return importlib.import_module("taskflow.gunicorn_conf")


def test_gunicorn_conf_exports_a_metrics_dir_of_its_own_and_removes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "placeholder")  # restored after the test
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
    conf = _load_gunicorn_conf()
    exported = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    assert exported.is_dir()
    assert load_settings().prometheus_multiproc_dir == exported  # what the workers will read
    conf.on_exit(None)
    assert not exported.exists()


def test_gunicorn_conf_uses_a_given_metrics_dir_and_keeps_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "counter_1.db").write_bytes(b"")  # a sample file of an earlier run
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    conf = _load_gunicorn_conf()
    conf.on_starting(None)
    assert list(tmp_path.iterdir()) == []
    conf.on_exit(None)
    assert tmp_path.is_dir()


def test_gunicorn_conf_stops_on_a_bad_setting_before_any_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "placeholder")
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
    monkeypatch.setenv("TASKFLOW_TRUSTED_PROXIES", "not-an-address")
    with pytest.raises(ConfigError, match="TASKFLOW_TRUSTED_PROXIES"):
        _load_gunicorn_conf()


def test_metrics_render_sums_the_directory_the_settings_name(tmp_path: Path) -> None:
    metrics.http_requests.labels("GET", "/x", "200").inc()
    assert b"taskflow_http_requests_total" in metrics.render(None)  # this process's registry
    assert metrics.render(tmp_path) == b""  # the workers' files: none written here
