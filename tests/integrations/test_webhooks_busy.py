"""A delivery whose receiver is busy: while the receiver is merely busy (answering, all its
slots in use) it takes the next free slot, or is put back for a second; while the receiver
is stuck (a request in flight for STUCK_SECONDS or more) it is put back at once, ever later,
so that a hanging receiver's backlog does not churn the worker."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from taskflow.webhooks import jobs

RECEIVER = "http://127.0.0.1:9"


@pytest.fixture
def in_flight() -> Iterator[dict[int, float]]:
    sending: dict[int, float] = {}
    jobs._in_flight[RECEIVER] = sending
    yield sending
    jobs._in_flight.pop(RECEIVER, None)


def test_a_busy_receiver_that_answers_is_tried_again_after_a_second(
    in_flight: dict[int, float],
) -> None:
    now = 1000.0
    for delivery_id in range(jobs.PER_RECEIVER_SLOTS):
        in_flight[delivery_id] = now - 0.1  # sent a moment ago
    assert jobs._busy(RECEIVER)
    assert jobs.busy_delay(RECEIVER, 0, now) == jobs.BUSY_DELAY_SECONDS
    assert jobs.busy_delay(RECEIVER, 6, now) == jobs.BUSY_DELAY_SECONDS


def test_a_stuck_receiver_is_looked_at_again_ever_later_up_to_a_bound(
    in_flight: dict[int, float],
) -> None:
    now = 1000.0
    in_flight[1] = now - jobs.STUCK_SECONDS  # hanging since
    in_flight[2] = now - 0.1
    delays = [jobs.busy_delay(RECEIVER, waited, now) for waited in range(8)]
    assert delays == [1.0, 2.0, 4.0, 8.0, 16.0, 16.0, 16.0, 16.0]
    assert max(delays) == jobs.MAX_BUSY_DELAY_SECONDS


def test_a_receiver_with_nothing_in_flight_waits_only_the_short_delay() -> None:
    # Busy because the process's webhook slots are full, not because of this receiver.
    assert jobs.busy_delay("http://example.com:80", 5, 1000.0) == jobs.BUSY_DELAY_SECONDS


async def test_a_delivery_to_a_busy_receiver_that_answers_takes_the_next_free_slot(
    in_flight: dict[int, float],
) -> None:
    for delivery_id in range(jobs.PER_RECEIVER_SLOTS):
        in_flight[delivery_id] = time.monotonic()

    async def one_answers() -> None:
        await asyncio.sleep(0.05)
        del in_flight[0]

    answering = asyncio.create_task(one_answers())
    assert await jobs._slot_freed(RECEIVER)  # instead of being put back for a second
    await answering
    assert not jobs._busy(RECEIVER)


async def test_a_delivery_to_a_stuck_receiver_does_not_wait_for_a_slot(
    in_flight: dict[int, float],
) -> None:
    now = time.monotonic()
    for delivery_id in range(jobs.PER_RECEIVER_SLOTS):
        in_flight[delivery_id] = now - jobs.STUCK_SECONDS
    assert not await jobs._slot_freed(RECEIVER)
