"""Reading tasks: filters, sorts, and the TaskPublic view built in a fixed number of queries.

A page of tasks costs two queries whatever its size: one for the rows (comment count and
`voted_by_me` are correlated subqueries answered by indexes, `vote_count` is a column) and one
for the labels of every task on the page. `total` is one more. One task is one query with the
caller's membership (404 for others) and one for its labels.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Row, Select, and_, bindparam, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.core.pagination import Page, Pagination
from taskflow.db import BigIntId
from taskflow.projects.models import ProjectMember, Role
from taskflow.projects.permissions import member_project_ids, resolve
from taskflow.tasks.models import Comment, Label, Task, TaskStatus, Vote, task_labels
from taskflow.tasks.schemas import LabelRef, TaskPublic, TaskSort

MAX_SEARCH_WORDS = 10


@dataclass(frozen=True, slots=True)
class TaskFilters:
    """GET /tasks filters; None filters nothing."""

    project_id: int | None = None
    statuses: Sequence[TaskStatus] = field(default_factory=tuple)
    priority: int | None = None
    label_id: int | None = None
    assignee_id: int | Literal["me"] | None = None
    due_before: datetime | None = None
    due_after: datetime | None = None
    parent_id: int | None = None
    search: str | None = None


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def like_pattern(word: str) -> str:
    """`%word%` with the word's own `%`, `_` and `\\` taken literally."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def filter_conditions(user_id: int, filters: TaskFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Task.project_id.in_(member_project_ids(user_id))]
    if filters.project_id is not None:
        conditions.append(Task.project_id == filters.project_id)
    if filters.statuses:
        conditions.append(Task.status.in_([status.value for status in filters.statuses]))
    if filters.priority is not None:
        conditions.append(Task.priority == filters.priority)
    if filters.label_id is not None:
        # Starts from the label's links (indexed by label_id), not from every task.
        conditions.append(
            Task.id.in_(
                select(task_labels.c.task_id).where(task_labels.c.label_id == filters.label_id)
            )
        )
    if filters.assignee_id is not None:
        assignee = user_id if filters.assignee_id == "me" else filters.assignee_id
        conditions.append(Task.assignee_id == assignee)
    if filters.due_before is not None:
        conditions.append(Task.due_at <= _utc(filters.due_before))
    if filters.due_after is not None:
        conditions.append(Task.due_at >= _utc(filters.due_after))
    if filters.parent_id is not None:
        conditions.append(Task.parent_id == filters.parent_id)
    if filters.search:
        conditions.extend(_search_conditions(filters.search, within_project=filters.project_id))
    return conditions


def _search_conditions(search: str, *, within_project: int | None) -> list[ColumnElement[bool]]:
    """Every word, in the title or the description, case-insensitive (SQLite's lower() folds
    ASCII only, so there non-ASCII matching is case-exact).

    Across all the caller's projects, trigram GIN indexes answer ILIKE on PostgreSQL. Within
    one project they are the slow way: their posting lists grow with the whole installation
    (8-10 ms per word at 1M tasks), while the project's own rows are few and already reached
    by its index. So there the words are matched against `title || ' ' || description`,
    which no index serves, and the planner filters the project's rows instead. Both forms
    match the same tasks: a word holds no whitespace, so it never spans the joining space.
    """
    conditions: list[ColumnElement[bool]] = []
    for word in search.split()[:MAX_SEARCH_WORDS]:
        pattern = like_pattern(word)
        if within_project is not None:
            text = Task.title + " " + Task.description
            conditions.append(text.ilike(pattern, escape="\\"))
        else:
            conditions.append(
                or_(
                    Task.title.ilike(pattern, escape="\\"),
                    Task.description.ilike(pattern, escape="\\"),
                )
            )
    return conditions


def order_by(sort: TaskSort) -> list[Any]:
    """The sort key, then id in the same direction so no two rows ever tie."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    column: Any = {
        "position": Task.position,
        "created_at": Task.created_at,
        "due_at": Task.due_at,
        "priority": Task.priority,
        "votes": Task.vote_count,
        "title": func.lower(Task.title),
    }[key]
    primary = column.desc() if descending else column.asc()
    if key == "due_at":
        primary = primary.nulls_last()  # tasks without a due date last, either way
    tie_breaker = Task.id.desc() if descending else Task.id.asc()
    return [primary, tie_breaker]


# Plain columns, not the Task entity: a page is read-only, so identity-map bookkeeping for every
# row would be pure cost. The statements are built once (with `:user_id`, `:task_id`, `:ids`
# bound at execution): construction and SQLAlchemy's cache key are then paid once, not per
# request (docs/benchmarks.md).
_TASK_COLUMNS = tuple(Task.__table__.c)
_COMMENT_COUNT = (
    select(func.count())
    .select_from(Comment)
    .where(Comment.task_id == Task.id)
    .correlate(Task)
    .scalar_subquery()
    .label("comment_count")
)
_VOTED_BY_ME = (
    exists()
    .where(Vote.task_id == Task.id, Vote.user_id == bindparam("user_id", type_=BigIntId))
    .label("voted_by_me")
)
_VIEW = select(*_TASK_COLUMNS, _COMMENT_COUNT, _VOTED_BY_ME)
_VISIBLE_TASK = (
    _VIEW.add_columns(ProjectMember.role)
    .join(
        ProjectMember,
        and_(
            ProjectMember.project_id == Task.project_id,
            ProjectMember.user_id == bindparam("user_id", type_=BigIntId),
        ),
    )
    .where(Task.id == bindparam("task_id", type_=BigIntId))
)
_LABELS = (
    select(task_labels.c.task_id, Label.id, Label.name, Label.color)
    .join(Label, Label.id == task_labels.c.label_id)
    .where(task_labels.c.task_id.in_(bindparam("ids", expanding=True)))
    .order_by(Label.name, Label.id)
)


async def _views(session: AsyncSession, statement: Select[Any], user_id: int) -> list[TaskPublic]:
    rows = (await session.execute(statement, {"user_id": user_id})).all()
    return await _views_from_rows(session, rows)


async def _views_from_rows(session: AsyncSession, rows: Sequence[Row[Any]]) -> list[TaskPublic]:
    labels: dict[int, list[LabelRef]] = defaultdict(list)
    if rows:
        label_rows = await session.execute(_LABELS, {"ids": [row.id for row in rows]})
        for task_id, label_id, name, color in label_rows:
            labels[task_id].append(LabelRef(id=label_id, name=name, color=color))
    return [
        TaskPublic(
            id=row.id,
            project_id=row.project_id,
            parent_id=row.parent_id,
            title=row.title,
            description=row.description,
            status=TaskStatus(row.status),
            priority=row.priority,
            due_at=row.due_at,
            completed_at=row.completed_at,
            assignee_id=row.assignee_id,
            labels=labels[row.id],
            position=row.position,
            vote_count=row.vote_count,
            voted_by_me=bool(row.voted_by_me),
            comment_count=row.comment_count or 0,
            created_by=row.created_by,
            created_at=row.created_at,
            updated_at=row.updated_at,
            version=row.version,
        )
        for row in rows
    ]


async def task_view(session: AsyncSession, user_id: int, task_id: int) -> TaskPublic:
    """One task as the API shows it (access already checked by the caller)."""
    views = await _views(session, _VIEW.where(Task.id == task_id), user_id)
    return views[0]


async def visible_task_view(session: AsyncSession, user_id: int, task_id: int) -> TaskPublic:
    """One task if the caller is a member of its project, else 404: the access check and the
    read are one query (plus the labels)."""
    rows = (await session.execute(_VISIBLE_TASK, {"user_id": user_id, "task_id": task_id})).all()
    resolve(rows[0].role if rows else None, Role.VIEWER, not_found="Task not found")
    return (await _views_from_rows(session, rows))[0]


async def list_tasks(
    session: AsyncSession, user_id: int, filters: TaskFilters, sort: TaskSort, page: Pagination
) -> Page[TaskPublic]:
    conditions = filter_conditions(user_id, filters)
    total = await session.scalar(select(func.count()).select_from(Task).where(*conditions))
    statement = (
        _VIEW.where(*conditions).order_by(*order_by(sort)).limit(page.limit).offset(page.offset)
    )
    items = await _views(session, statement, user_id)
    return Page(items=items, total=total or 0, limit=page.limit, offset=page.offset)
