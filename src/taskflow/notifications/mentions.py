"""`@username` mentions: found in Markdown text outside code and links, resolved to members.

A mention notifies only a member of the task's project; anything else that looks like one
(a non-member, an unknown name, an email address, `@x` inside code or a link) is plain text.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from sqlalchemy import and_, column, select, table

from taskflow.db import BigIntId
from taskflow.db.reads import Reader
from taskflow.users.models import User

_members = table("project_members", column("project_id", BigIntId), column("user_id", BigIntId))

# What is not prose: fenced code blocks, inline code spans (any backtick run, closed by the
# same run), Markdown links and images ([text](url), [text][ref]), autolinks <...>, bare URLs.
_NOT_PROSE = re.compile(
    r"(?ms)^[ \t]*(```|~~~).*?(^[ \t]*\1[ \t]*$|\Z)"
    r"|(`+).+?\3"
    r"|!?\[[^\]\n]*\]\([^)\n]*\)"
    r"|!?\[[^\]\n]*\]\[[^\]\n]*\]"
    r"|<[^>\s]+>"
    r"|\b[a-zA-Z][a-zA-Z0-9+.-]*://\S+"
)
# Not after a word character (an email address), `@`, `/` or `.`; usernames are 3 to 32 chars.
_MENTION = re.compile(r"(?<![\w@/.`])@([A-Za-z0-9_.-]{3,32})(?![A-Za-z0-9_])")
MAX_MENTIONS = 50


def mentioned_names(text: str) -> list[str]:
    """The lower-cased usernames `text` mentions (in order, once each). A trailing `.` or `-`
    may end the sentence rather than the name: both readings are candidates."""
    prose = _NOT_PROSE.sub(" ", text)
    names: list[str] = []
    for match in _MENTION.finditer(prose):
        name = match.group(1).lower()
        for candidate in (name, name.rstrip(".-")):
            if len(candidate) >= 3 and candidate not in names:
                names.append(candidate)
    return names[: MAX_MENTIONS * 2]


async def resolve(session: Reader, project_id: int, text: str) -> list[dict[str, Any]]:
    """`[{id, username}]` of the members of `project_id` that `text` mentions (one query, none
    without an `@`), in the order they first appear."""
    names = mentioned_names(text) if "@" in text else []
    if not names:
        return []
    rows = (
        await session.execute(
            select(User.id, User.username, User.username_key)
            .join(
                _members,
                and_(_members.c.user_id == User.id, _members.c.project_id == project_id),
            )
            .where(User.username_key.in_(names), User.is_active)
        )
    ).all()
    by_key = {row.username_key: row for row in rows}
    found: list[dict[str, Any]] = []
    seen: set[int] = set()
    for name in names:
        row = by_key.get(name)
        if row is not None and row.id not in seen:
            seen.add(row.id)
            found.append({"id": row.id, "username": row.username})
    return found[:MAX_MENTIONS]


def added(before: Collection[dict[str, Any]] | None, after: list[dict[str, Any]]) -> list[int]:
    """The ids mentioned in `after` and not in `before` (an edit notifies only those)."""
    old = {mention["id"] for mention in before or ()}
    return [mention["id"] for mention in after if mention["id"] not in old]
