"""The job registry: name -> function and retry policy.

Each domain registers its jobs with `@job` in its own `jobs.py`; the composition roots
(`taskflow.main`, the CLI's worker) import `taskflow.jobs`, which imports them all. The
registry itself imports no domain.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from taskflow.config import Settings

if TYPE_CHECKING:
    from taskflow.core.unit_of_work import UnitOfWork
    from taskflow.db import Database


@dataclass(frozen=True, slots=True)
class JobContext:
    """What a job may use: the settings and a unit of work (`async with context.uow.begin()
    as session:`), which commits the job's changes and then publishes their events and queues
    their jobs and emails, exactly as for a request."""

    settings: Settings
    uow: UnitOfWork

    @property
    def database(self) -> Database:
        return self.uow.database


JobFunction = Callable[..., Awaitable[None]]


@dataclass(frozen=True, slots=True)
class JobSpec:
    name: str
    function: JobFunction
    retries: int
    retry_delay: float
    timeout: int
    # Keyword arguments never written to logs (a password reset link is a credential).
    secret_arguments: frozenset[str]


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    name: str
    cron: str  # crontab syntax, UTC
    every_seconds: int  # the same cadence for the in-process runner


_jobs: dict[str, JobSpec] = {}
_periodic: dict[str, PeriodicJob] = {}


def job(
    name: str,
    *,
    retries: int = 8,
    retry_delay: float = 2.0,
    timeout: int = 60,
    secret_arguments: frozenset[str] = frozenset(),
) -> Callable[[JobFunction], JobFunction]:
    """Register `function(context: JobContext, **kwargs)` as the job `name`."""

    def register(function: JobFunction) -> JobFunction:
        _jobs[name] = JobSpec(name, function, retries, retry_delay, timeout, secret_arguments)
        return function

    return register


def periodic(name: str, *, cron: str, every_seconds: int) -> None:
    """Run the registered job `name` on a schedule (no arguments)."""
    _periodic[name] = PeriodicJob(name, cron, every_seconds)


def registered_jobs() -> dict[str, JobSpec]:
    return dict(_jobs)


def periodic_jobs() -> dict[str, PeriodicJob]:
    return dict(_periodic)


def get_job(name: str) -> JobSpec:
    try:
        return _jobs[name]
    except KeyError:
        raise LookupError(f"no job named {name!r}") from None


def redact(spec: JobSpec, kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: ("<redacted>" if k in spec.secret_arguments else v) for k, v in kwargs.items()}
