"""`taskflow worker`: runs queued background jobs."""

from __future__ import annotations

import click

from taskflow.config import Settings


def run_worker(settings: Settings) -> None:
    if not settings.redis_url:
        raise click.ClickException(
            "the worker needs TASKFLOW_REDIS_URL; without Redis, jobs run inside `taskflow serve`"
        )
    click.echo("no background jobs are defined yet; nothing to run", err=True)
