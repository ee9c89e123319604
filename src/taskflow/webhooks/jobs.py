"""`webhooks.deliver`: one attempt of one delivery, then its outcome saved (and the next
attempt scheduled, with backoff, by the same unit of work).

The HTTP request runs outside any transaction. Receivers are kept apart: a receiver is a
target origin (scheme, host and port), and one that hangs holds at most PER_RECEIVER_SLOTS
of a process's delivery slots, and all receivers together at most DELIVERY_SLOTS (so that
webhooks never starve the worker's other jobs). A delivery that finds its receiver, or the
process, that busy is put back BUSY_DELAY_SECONDS later, not counted as an attempt, and
the other receivers' deliveries keep flowing
(test_a_hanging_receiver_delays_neither_the_request_nor_other_receivers, bench/webhooks.py).
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

from taskflow.core.jobs.registry import JobContext, job
from taskflow.db import utcnow
from taskflow.webhooks import sender, service

PER_RECEIVER_SLOTS = 4
DELIVERY_SLOTS = 12
BUSY_DELAY_SECONDS = 1.0

_in_flight: Counter[str] = Counter()


def receiver_of(url: str) -> str:
    """The origin a delivery goes to: `scheme://host:port` (two receivers on one host but on
    different ports, such as two local services, are two receivers)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    default = 443 if parts.scheme == "https" else 80
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port or default}"


def _busy(receiver: str) -> bool:
    return _in_flight[receiver] >= PER_RECEIVER_SLOTS or sum(_in_flight.values()) >= DELIVERY_SLOTS


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
    receiver = receiver_of(url)
    if _busy(receiver):
        await context.uow.jobs.enqueue(
            service.DELIVER_JOB, delay_seconds=BUSY_DELAY_SECONDS, delivery_id=delivery_id
        )
        return
    _in_flight[receiver] += 1
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
        _in_flight[receiver] -= 1
        if _in_flight[receiver] <= 0:
            del _in_flight[receiver]
    async with context.uow.begin() as session:
        await service.record_attempt(session, settings, delivery_id, outcome, attempted_at)
