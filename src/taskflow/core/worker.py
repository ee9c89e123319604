"""`taskflow worker`: runs the jobs queued on Redis (SAQ), with retries and periodic jobs."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import click
from prometheus_client import start_http_server
from saq import CronJob, Job, Status, Worker
from saq.types import PartialTimersDict

from taskflow.config import Settings
from taskflow.core import metrics
from taskflow.core.jobs.queue import give_up, retry_delay, saq_queue
from taskflow.core.jobs.registry import (
    JobContext,
    JobSpec,
    periodic_jobs,
    redact,
    registered_jobs,
)
from taskflow.core.logging import configure_logging
from taskflow.core.runtime import Runtime, build_runtime

logger = logging.getLogger(__name__)

# Jobs one worker runs at once. Most wait on the network (SMTP, webhook receivers), not the
# CPU, and each holds a database connection only for its short transactions (pool: 20).
WORKER_CONCURRENCY = 20


class _RedactJobs(logging.Filter):
    """SAQ logs whole jobs (arguments included); ours may carry credentials such as reset links."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                f"Job<{arg.function} {arg.key}>" if isinstance(arg, Job) else arg
                for arg in record.args
            )
        return True


def _saq_function(spec: JobSpec) -> Any:
    async def run(ctx: dict[str, Any], **kwargs: Any) -> None:
        try:
            await spec.function(ctx["taskflow"], **kwargs)
        except Exception:
            job: Job | None = ctx.get("job")
            if job is not None:
                # SAQ's own backoff waits anywhere from 0 to the nominal delay (full jitter),
                # which would halve a job's retry span: the in-process schedule instead.
                job.retry_delay = retry_delay(spec, job.attempts - 1)
                job.retry_backoff = False
            raise

    run.__qualname__ = spec.name  # SAQ knows a function by its qualified name
    return run


def build_worker(settings: Settings, *, concurrency: int = WORKER_CONCURRENCY) -> Worker[Any]:
    if not settings.redis_url:
        raise click.ClickException(
            "the worker needs TASKFLOW_REDIS_URL; without Redis, jobs run inside `taskflow serve`"
        )
    specs = registered_jobs()
    queue = saq_queue(settings.redis_url)

    async def startup(ctx: dict[str, Any]) -> None:
        # Jobs publish their events and queue their follow-up jobs on Redis, as requests do.
        runtime = build_runtime(settings, worker=True)
        await runtime.start(listen=False)
        ctx["runtime"] = runtime
        ctx["taskflow"] = JobContext(settings=settings, uow=runtime.uow)
        ctx["unwatch_pool"] = metrics.watch_pool(runtime.database.engine)

    async def shutdown(ctx: dict[str, Any]) -> None:
        runtime: Runtime | None = ctx.get("runtime")
        if runtime is not None:
            ctx["unwatch_pool"]()
            await runtime.stop()
        await queue.disconnect()

    async def after_process(ctx: dict[str, Any]) -> None:
        job: Job | None = ctx.get("job")
        if job is None or job.function not in specs:
            return
        spec = specs[job.function]
        if job.status == Status.COMPLETE:
            metrics.job_outcomes.labels(spec.name, "succeeded").inc()
        elif job.status == Status.FAILED:
            give_up(
                spec, redact(spec, job.kwargs or {}), ctx.get("exception") or Exception(job.error)
            )
        else:
            metrics.job_outcomes.labels(spec.name, "retried").inc()

    cron_jobs: list[CronJob[Any]] = [
        CronJob(_saq_function(specs[p.name]), cron=p.cron, timeout=specs[p.name].timeout)
        for p in periodic_jobs().values()
    ]
    return Worker(
        queue,
        functions=[_saq_function(spec) for spec in specs.values()],
        cron_jobs=cron_jobs,
        concurrency=concurrency,
        startup=startup,
        shutdown=shutdown,
        after_process=after_process,
        # A killed worker's jobs are found and retried within seconds.
        timers=PartialTimersDict(schedule=1, worker_info=10, sweep=5, abort=1),
    )


def run_worker(settings: Settings) -> None:
    configure_logging(json_lines=settings.is_production, level=settings.log_level)
    for name in ("saq", "saq.worker", "saq.queue"):
        logging.getLogger(name).addFilter(_RedactJobs())
    worker = build_worker(settings)
    logger.info("worker started: %s", ", ".join(sorted(registered_jobs())))
    if settings.metrics_enabled and settings.worker_metrics_port:
        # A thread of its own: a scrape never waits for the jobs' event loop.
        start_http_server(settings.worker_metrics_port, registry=metrics.registry)
        logger.info("worker metrics at :%d/metrics", settings.worker_metrics_port)
    asyncio.run(worker.start())
