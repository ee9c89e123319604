"""`webhooks.deliver`: one attempt of one delivery, then its outcome saved (and the next
attempt scheduled, with backoff, by the same unit of work).

The HTTP request runs outside any transaction. Receivers are kept apart: a receiver is a
target origin (scheme, host and port), and one that hangs holds at most PER_RECEIVER_SLOTS
of a process's delivery slots, and all receivers together at most DELIVERY_SLOTS (so that
webhooks never starve the worker's other jobs). A delivery that finds its receiver, or the
process, that busy is put back, not counted as an attempt, and the other receivers'
deliveries keep flowing
(test_a_hanging_receiver_delays_neither_the_request_nor_other_receivers, bench/webhooks.py).

A receiver that is merely busy (all its slots in use, none for STUCK_SECONDS yet) frees a
slot within moments: the delivery waits for it here, up to WAIT_FOR_SLOT_SECONDS, before it
is put back (BUSY_DELAY_SECONDS later). One to a stuck receiver (its oldest request in
flight has run STUCK_SECONDS or more) is put back at once, the delay doubling each time up
to MAX_BUSY_DELAY_SECONDS. A put-back delivery carries its receiver, so that it is put back
again, while the receiver is still busy, without reading the database.
Before, a hanging receiver's whole backlog came back every second, each with a read: at
1,200 events a minute that churn became most of the worker's work (bench/webhooks.py,
docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

from taskflow.core.jobs.registry import JobContext, job
from taskflow.db import utcnow
from taskflow.webhooks import sender, service

PER_RECEIVER_SLOTS = 4
DELIVERY_SLOTS = 12
BUSY_DELAY_SECONDS = 1.0
MAX_BUSY_DELAY_SECONDS = 16.0
STUCK_SECONDS = 5.0
WAIT_FOR_SLOT_SECONDS = 2.0
_SLOT_POLL_SECONDS = 0.02

# Per receiver, its deliveries being sent by this process: delivery id -> start (monotonic).
_in_flight: dict[str, dict[int, float]] = {}


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
    sending = sum(len(deliveries) for deliveries in _in_flight.values())
    return len(_in_flight.get(receiver, ())) >= PER_RECEIVER_SLOTS or sending >= DELIVERY_SLOTS


def _stuck(receiver: str, now: float) -> bool:
    started = _in_flight.get(receiver)
    return started is not None and now - min(started.values(), default=now) >= STUCK_SECONDS


async def _slot_freed(receiver: str) -> bool:
    """Wait (briefly) for a slot of a receiver that is busy but answering."""
    deadline = time.monotonic() + WAIT_FOR_SLOT_SECONDS
    while _busy(receiver):
        now = time.monotonic()
        if now >= deadline or _stuck(receiver, now):
            return False
        await asyncio.sleep(_SLOT_POLL_SECONDS)
    return True


def busy_delay(receiver: str, waited: int, now: float) -> float:
    """How long a delivery to a busy `receiver`, put back `waited` times already, waits: 1 s,
    or while the receiver is stuck 1, 2, 4, 8, 16, 16, ... s."""
    if not _stuck(receiver, now):
        return BUSY_DELAY_SECONDS
    return min(BUSY_DELAY_SECONDS * (1 << min(waited, 10)), MAX_BUSY_DELAY_SECONDS)


async def _put_back(context: JobContext, delivery_id: int, receiver: str, waited: int) -> None:
    await context.uow.jobs.enqueue(
        service.DELIVER_JOB,
        delay_seconds=busy_delay(receiver, waited, time.monotonic()),
        delivery_id=delivery_id,
        receiver=receiver,
        waited=waited + 1,
    )


@job(service.DELIVER_JOB, retries=3, retry_delay=5.0, timeout=90)
async def deliver(
    context: JobContext, *, delivery_id: int, receiver: str | None = None, waited: int = 0
) -> None:
    """Retries here are for TaskFlow's own failures (the database); a receiver's failure is
    an attempt, saved, with its own schedule (service.record_attempt). `receiver` and
    `waited`: set when the delivery was put back because its receiver was busy."""
    if receiver is not None and _busy(receiver) and _stuck(receiver, time.monotonic()):
        await _put_back(context, delivery_id, receiver, waited)  # still stuck: no read
        return
    settings = context.settings
    async with context.uow.begin(read_only=True) as session:
        found = await service.load_for_attempt(session, delivery_id)
        if found is None:
            return
        delivery, webhook = found
        body = service.body_of(delivery)
        url, secret, event = webhook.url, webhook.secret, delivery.event
    receiver = receiver_of(url)  # the webhook's URL now (it may have changed meanwhile)
    if _busy(receiver) and not await _slot_freed(receiver):
        await _put_back(context, delivery_id, receiver, waited)
        return
    _in_flight.setdefault(receiver, {})[delivery_id] = time.monotonic()
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
        sending = _in_flight[receiver]
        sending.pop(delivery_id, None)
        if not sending:
            del _in_flight[receiver]
    async with context.uow.begin() as session:
        await service.record_attempt(session, settings, delivery_id, outcome, attempted_at)
