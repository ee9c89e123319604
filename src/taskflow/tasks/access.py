"""A task (or a comment, a label, a section) together with the caller's role in its project.

One query each, composed with `projects.permissions.with_access`; the answer (404 for
non-members, 403 for too low a role or an archived project) is `permissions.check_row`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import bindparam, select

from taskflow.db import BigIntId
from taskflow.db.reads import Reader
from taskflow.projects.permissions import (
    READ,
    AnyRow,
    AnySelect,
    Need,
    Role,
    fetch_checked,
    with_access,
)
from taskflow.tasks.models import Comment, Label, Section, Task


@dataclass(frozen=True, slots=True)
class TaskAccess:
    task: Task
    role: Role


_ID = bindparam("id", type_=BigIntId)
_USER_ID = bindparam("user_id", type_=BigIntId)


@lru_cache(maxsize=64)
def _statement(model: type[Task] | type[Label] | type[Section], need: Need) -> AnySelect:
    """The access check of one model for one need, built once, the row and the caller bound
    as `id` and `user_id` at execution: building it and its cache key per request was a
    fifth of a PATCH's CPU (docs/benchmarks.md)."""
    return with_access(select(model), model.project_id, _USER_ID, need).where(model.id == _ID)


async def _require(
    session: Reader,
    model: type[Task] | type[Label] | type[Section],
    id_: int,
    user_id: int,
    need: Need,
) -> tuple[AnyRow, Role]:
    return await fetch_checked(
        session,
        _statement(model, need),
        need,
        not_found=f"{model.__name__} not found",
        params={"id": id_, "user_id": user_id},
    )


async def require_task(
    session: Reader, task_id: int, user_id: int, need: Need = READ
) -> TaskAccess:
    row, role = await _require(session, Task, task_id, user_id, need)
    return TaskAccess(task=row[0], role=role)


@dataclass(frozen=True, slots=True)
class CommentAccess:
    comment: Comment
    project_id: int
    role: Role


@lru_cache(maxsize=16)
def _comment_statement(need: Need) -> AnySelect:
    statement = select(Comment, Task.project_id).join(Task, Task.id == Comment.task_id)
    return with_access(statement, Task.project_id, _USER_ID, need).where(Comment.id == _ID)


async def require_comment(
    session: Reader, comment_id: int, user_id: int, need: Need = READ
) -> CommentAccess:
    row, role = await fetch_checked(
        session,
        _comment_statement(need),
        need,
        not_found="Comment not found",
        params={"id": comment_id, "user_id": user_id},
    )
    return CommentAccess(comment=row[0], project_id=row[1], role=role)


@dataclass(frozen=True, slots=True)
class LabelAccess:
    label: Label
    role: Role


async def require_label(
    session: Reader, label_id: int, user_id: int, need: Need = READ
) -> LabelAccess:
    row, role = await _require(session, Label, label_id, user_id, need)
    return LabelAccess(label=row[0], role=role)


@dataclass(frozen=True, slots=True)
class SectionAccess:
    section: Section
    role: Role


async def require_section(
    session: Reader, section_id: int, user_id: int, need: Need = READ
) -> SectionAccess:
    row, role = await _require(session, Section, section_id, user_id, need)
    return SectionAccess(section=row[0], role=role)
