"""The settable clock of multi-process tests (TASKFLOW_TEST_CLOCK_FILE): a test setting that
start-up refuses outside TASKFLOW_ENV=test, read by `taskflow.core.clock.now()`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from taskflow.config import ConfigError, Settings, load_settings
from taskflow.core import clock
from taskflow.core.runtime import build_runtime


@pytest.fixture
def real_clock_after() -> Iterator[None]:
    yield
    clock.use_clock_file(None)


@pytest.mark.parametrize("env", ["development", "production"])
def test_the_clock_file_is_refused_outside_tests(
    env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TASKFLOW_ENV", env)
    monkeypatch.setenv("TASKFLOW_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("TASKFLOW_TEST_CLOCK_FILE", str(tmp_path / "clock"))
    with pytest.raises(ConfigError, match=r"TASKFLOW_TEST_CLOCK_FILE.*TASKFLOW_ENV=test"):
        load_settings()
    monkeypatch.setenv("TASKFLOW_ENV", "test")
    assert load_settings().test_clock_file == tmp_path / "clock"


def test_the_clock_reads_the_file_and_ticks_on_from_it(
    tmp_path: Path, real_clock_after: None
) -> None:
    path = tmp_path / "clock"
    clock.use_clock_file(path)
    # No file yet: the real time.
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=1)
    moved = datetime(2031, 3, 30, 0, 59, 30, tzinfo=UTC)
    clock.set_clock_file(path, moved)
    first = clock.now()
    assert moved <= first < moved + timedelta(seconds=2)
    assert clock.now() >= first  # it ticks on from where it was set
    clock.set_clock_file(path, moved - timedelta(days=3))  # and can go back
    assert clock.now() < moved - timedelta(days=2)
    assert clock.local_date("Europe/Berlin") == (moved - timedelta(days=3)).date()
    clock.set_clock_file(path, moved, frozen=True)  # or stand still
    assert clock.now() == moved
    assert clock.now() == moved
    # Written whole: nothing else is left next to it.
    assert sorted(os.listdir(tmp_path)) == ["clock"]


def test_a_runtime_uses_the_clock_file_of_its_settings(
    tmp_path: Path, real_clock_after: None
) -> None:
    path = tmp_path / "clock"
    moved = datetime(2030, 1, 1, 12, tzinfo=UTC)
    clock.set_clock_file(path, moved)
    settings = Settings(env="test", data_dir=tmp_path, test_clock_file=path)
    build_runtime(settings)
    assert moved <= clock.now() < moved + timedelta(seconds=2)
    build_runtime(Settings(env="test", data_dir=tmp_path))
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=1)
