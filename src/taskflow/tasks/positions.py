"""A task's place in its project: a fractional-index key (David Greenspan's base-62 scheme,
PyPI `fractional-indexing`; the web app uses npm's `fractional-indexing`, same keys).

Keys compare as byte strings (PostgreSQL: `COLLATE "C"`; SQLite's default BINARY). A key
can always be made between two others, so a move writes one row and never loses precision,
unlike float midpoints (docs/projects-and-tasks.md, "Order").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from fractional_indexing import (
    FIError,
    generate_key_between,
    generate_n_keys_between,
    validate_order_key,
)

from taskflow.core.errors import Conflict

MAX_KEY_LENGTH = 255


def _key_pattern() -> str:
    """Exactly the keys the library accepts, as a pattern the OpenAPI schema can state (a
    client, or a fuzzer, must not meet a 422 for a value the schema allows).

    A key is an integer part, whose head letter says its length (`a`: one more digit, `b`:
    two... `z`: 26; `Z`: one, `Y`: two... `B`: 25), then a fraction that does not end in
    0. `A` heads (26 digits) are left out: they would be below `A` followed by 26 zeros,
    the one integer with no key before it, reached only after 62^25 moves to the top."""
    digit = "[0-9A-Za-z]"
    lower = "abcdefghijklmnopqrstuvwxyz"
    upper = "ZYXWVUTSRQPONMLKJIHGFEDCB"
    heads = [f"[{low}{up}]" if up else low for low, up in zip(lower, [*upper, ""], strict=True)]
    integer = "|".join(f"{head}{digit}{{{n}}}" for n, head in enumerate(heads, 1))
    return f"^(?:{integer})(?:{digit}*[1-9A-Za-z])?$"


KEY_PATTERN = _key_pattern()
_KEY = re.compile(KEY_PATTERN)
FIRST_KEY = "a0"


def is_key(value: str) -> bool:
    """A key the library accepts: the integer part as long as its head says, no trailing 0."""
    if len(value) > MAX_KEY_LENGTH or not _KEY.match(value):
        return False
    try:
        validate_order_key(value)
    except FIError:
        return False
    return True


NO_ROOM = (
    "No position is left after the project's last task (its position is at the end of the "
    "key space): give the task a position, or move the last task up first"
)


def after(last: str | None) -> str:
    """The key after `last` (None: the project has no task yet)."""
    return keys_after(last, 1)[0]


def keys_after(last: str | None, count: int) -> list[str]:
    """`count` increasing keys after `last`: a batch appended in order.

    Conflict (409) when they would be longer than a key may be: after `z` * 255, the largest
    key, there is none, and a client may set a position near it (the column would refuse a
    longer one: a 500 on PostgreSQL, a key no client could send back on SQLite)."""
    keys = [str(key) for key in generate_n_keys_between(last, None, count)]
    if any(len(key) > MAX_KEY_LENGTH for key in keys):
        raise Conflict(NO_ROOM)
    return keys


def between(lower: str | None, upper: str | None) -> str:
    return str(generate_key_between(lower, upper))


def spread(count: int) -> Sequence[str]:
    """`count` increasing keys for a project's tasks in their order (the migration)."""
    return list(generate_n_keys_between(None, None, count))
