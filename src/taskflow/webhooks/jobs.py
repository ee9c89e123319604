"""`webhooks.deliver`: one attempt of one delivery, then its outcome saved (and the next
attempt scheduled, with backoff, by the same unit of work).

The HTTP request runs outside any transaction. A receiver that hangs holds at most
PER_HOST_CONCURRENCY of a worker's slots: a delivery to a host already that busy in this
process is put back a second later, not counted as an attempt, so the other receivers'
deliveries keep flowing (bench/webhooks.py).
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlsplit

from taskflow.core.jobs.registry import JobContext, job
from taskflow.db import utcnow
from taskflow.webhooks import sender, service

PER_HOST_CONCURRENCY = 4
BUSY_HOST_DELAY_SECONDS = 1.0

_in_flight: dict[str, int] = defaultdict(int)


@job(service.DELIVER_JOB, retries=3, retry_delay=5.0, timeout=90)
async def deliver(context: JobContext, *, delivery_id: int) -> None:
    """Retries here are for TaskFlow's own failures (the database); a receiver's failure is
    an attempt, saved, with its own schedule (service.record_attempt)."""
    settings = context.settings
    async with context.uow.begin(read_only=True) as session:
        found = await service.load_for_attempt(session, delivery_id)
        if found is None:
            return
        delivery, webhook = found
        body = service.body_of(delivery)
        url, secret, event = webhook.url, webhook.secret, delivery.event
    host = (urlsplit(url).hostname or "").lower()
    if _in_flight[host] >= PER_HOST_CONCURRENCY:
        await context.uow.jobs.enqueue(
            service.DELIVER_JOB, delay_seconds=BUSY_HOST_DELAY_SECONDS, delivery_id=delivery_id
        )
        return
    _in_flight[host] += 1
    try:
        attempted_at = utcnow()
        outcome = await sender.send(
            url,
            secret=secret,
            event=event,
            delivery_id=delivery_id,
            body=body,
            timeout_seconds=settings.webhook_timeout_seconds,
            allow_private=settings.webhook_allow_private,
        )
    finally:
        _in_flight[host] -= 1
        if not _in_flight[host]:
            del _in_flight[host]
    async with context.uow.begin() as session:
        await service.record_attempt(session, settings, delivery_id, outcome, attempted_at)
