"""Reading tasks: filters, sorts, the TaskPublic view in a fixed number of queries, and the
per-request reads the task rules (service, bulk) are built on; whole projects' contents (an
export, an import): `project_reads.py`.

A page of tasks is one query whatever its size: the rows, with the comment count, `voted_by_me`
and the labels as correlated subqueries answered by indexes (`vote_count` is a column), and
`total` as an uncorrelated one. One task is one query, joined with the caller's membership
(404 for others).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Integer,
    ScalarSelect,
    Select,
    bindparam,
    exists,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from taskflow.core.pagination import Page, Pagination
from taskflow.db import BigIntId, json_rows
from taskflow.db.driver import read_rows
from taskflow.db.reads import Reader
from taskflow.db.trash import live
from taskflow.notifications.models import TaskWatcher
from taskflow.projects.permissions import (
    READ,
    AnyRow,
    Need,
    check_row,
    visible,
    with_access,
)
from taskflow.tasks import filter_sql, positions
from taskflow.tasks.conditions import MAX_SEARCH_WORDS, like_pattern, search_conditions
from taskflow.tasks.filter_sql import Compiled, Shape
from taskflow.tasks.models import Comment, Label, Task, TaskStatus, Vote, task_labels
from taskflow.tasks.schemas import TaskPublic, TaskSort


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
    section_id: int | None = None
    search: str | None = None
    start_before: datetime | None = None
    start_after: datetime | None = None
    recurring: bool | None = None


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def filter_params(user_id: int, filters: TaskFilters) -> dict[str, Any]:
    """The bound parameters of a listing: `user_id` (the caller), one per filter given, and
    `word_0`, `word_1`... for the search words. Their names are the statement's shape."""
    params: dict[str, Any] = {"user_id": user_id}
    if filters.project_id is not None:
        params["project_id"] = filters.project_id
    if filters.statuses:
        params["statuses"] = sorted({status.value for status in filters.statuses})
    if filters.priority is not None:
        params["priority"] = filters.priority
    if filters.label_id is not None:
        params["label_id"] = filters.label_id
    if filters.assignee_id is not None:
        params["assignee_id"] = user_id if filters.assignee_id == "me" else filters.assignee_id
    if filters.due_before is not None:
        params["due_before"] = _utc(filters.due_before)
    if filters.due_after is not None:
        params["due_after"] = _utc(filters.due_after)
    if filters.parent_id is not None:
        params["parent_id"] = filters.parent_id
    if filters.section_id is not None:
        params["section_id"] = filters.section_id
    if filters.start_before is not None:
        params["start_before"] = _utc(filters.start_before)
    if filters.start_after is not None:
        params["start_after"] = _utc(filters.start_after)
    if filters.recurring is not None:
        # A shape (IS NULL or IS NOT NULL), not a value: the statement binds nothing for it.
        params["recurring" if filters.recurring else "not_recurring"] = True
    for index, word in enumerate((filters.search or "").split()[:MAX_SEARCH_WORDS]):
        params[f"word_{index}"] = like_pattern(word)
    return params


def filter_conditions(names: Collection[str]) -> list[ColumnElement[bool]]:
    """The WHERE for the parameters `names` (from `filter_params`), values left bound: the
    first condition is always the caller's membership."""
    conditions: list[ColumnElement[bool]] = [visible(Task.project_id, Task)]
    if "project_id" in names:
        conditions.append(Task.project_id == bindparam("project_id"))
    if "statuses" in names:
        conditions.append(Task.status.in_(bindparam("statuses", expanding=True)))
    if "priority" in names:
        conditions.append(Task.priority == bindparam("priority"))
    if "label_id" in names:
        # Starts from the label's links (indexed by label_id), not from every task.
        conditions.append(
            Task.id.in_(
                select(task_labels.c.task_id).where(
                    task_labels.c.label_id == bindparam("label_id", type_=BigIntId)
                )
            )
        )
    if "assignee_id" in names:
        conditions.append(Task.assignee_id == bindparam("assignee_id"))
    if "due_before" in names:
        conditions.append(Task.due_at <= bindparam("due_before"))
    if "due_after" in names:
        conditions.append(Task.due_at >= bindparam("due_after"))
    if "parent_id" in names:
        conditions.append(Task.parent_id == bindparam("parent_id"))
    if "section_id" in names:
        conditions.append(Task.section_id == bindparam("section_id"))
    if "start_before" in names:
        conditions.append(Task.start_at <= bindparam("start_before"))
    if "start_after" in names:
        conditions.append(Task.start_at >= bindparam("start_after"))
    if "recurring" in names:
        conditions.append(Task.recurrence.is_not(None))
    if "not_recurring" in names:
        conditions.append(Task.recurrence.is_(None))
    words = sorted(name for name in names if name.startswith("word_"))
    conditions.extend(search_conditions(words, within_project="project_id" in names))
    return conditions


def _sort_key(sort: TaskSort) -> Any:
    return {
        "position": Task.position,
        "created_at": Task.created_at,
        "due_at": Task.due_at,
        "start_at": Task.start_at,
        "priority": Task.priority,
        "votes": Task.vote_count,
        "title": func.lower(Task.title),
    }[sort.lstrip("-")]


def order_by(sort: TaskSort, key: Any = None, id_: Any = None) -> list[Any]:
    """The sort key, then id in the same direction so no two rows ever tie. `key` and `id_`:
    the same two as columns of another selectable (a search's matches)."""
    descending = sort.startswith("-")
    column = _sort_key(sort) if key is None else key
    identity = Task.id if id_ is None else id_
    primary = column.desc() if descending else column.asc()
    if sort.lstrip("-") in ("due_at", "start_at"):
        primary = primary.nulls_last()  # tasks without the date last, either way
    tie_breaker = identity.desc() if descending else identity.asc()
    return [primary, tie_breaker]


# Plain columns, not the Task entity: a page is read-only, so identity-map bookkeeping for every
# row would be pure cost. The statements are built once (`:user_id` and `:task_id` bound at
# execution): construction and SQLAlchemy's cache key are then paid once, not per request
# (docs/benchmarks.md).
_TASK_COLUMNS = tuple(Task.__table__.c)
_COMMENT_COUNT = (
    select(func.count())
    .select_from(Comment)
    .where(Comment.task_id == Task.id, live(Comment))
    .correlate(Task)
    .scalar_subquery()
    .label("comment_count")
)
# A parent's progress ("2/5" on its row): its live subtasks, and how many of them are done
# (ix_tasks_parent_id; most tasks have none, an index probe that finds nothing).
_SUBTASK = aliased(Task, name="subtask")
_SUBTASK_COUNT = (
    select(func.count())
    .select_from(_SUBTASK)
    .where(_SUBTASK.parent_id == Task.id, live(_SUBTASK))
    .correlate(Task)
    .scalar_subquery()
    .label("subtask_count")
)
_SUBTASKS_DONE = (
    select(func.count())
    .select_from(_SUBTASK)
    .where(
        _SUBTASK.parent_id == Task.id,
        _SUBTASK.status == TaskStatus.DONE.value,
        live(_SUBTASK),
    )
    .correlate(Task)
    .scalar_subquery()
    .label("subtasks_done")
)
_VOTED_BY_ME = (
    exists()
    .where(Vote.task_id == Task.id, Vote.user_id == bindparam("user_id", type_=BigIntId))
    .label("voted_by_me")
)
_LABELS = (
    select(json_rows(Label.id, Label.name, Label.color))
    .select_from(task_labels.join(Label, Label.id == task_labels.c.label_id))
    .where(task_labels.c.task_id == Task.id)
    .correlate(Task)
    .scalar_subquery()
    .label("labels")
)
_WATCHING = (
    exists()
    .where(
        TaskWatcher.task_id == Task.id,
        TaskWatcher.user_id == bindparam("user_id", type_=BigIntId),
        TaskWatcher.watching.is_(True),
    )
    .label("watching")
)
# The view's columns, `:user_id` bound at execution; also an UPDATE's RETURNING (`task_update`).
VIEW_COLUMNS = (
    *_TASK_COLUMNS,
    _COMMENT_COUNT,
    _SUBTASK_COUNT,
    _SUBTASKS_DONE,
    _VOTED_BY_ME,
    _LABELS,
    _WATCHING,
)
_VIEW = select(*VIEW_COLUMNS)
_TASK = _VIEW.where(Task.id == bindparam("task_id", type_=BigIntId))
_VISIBLE_TASK = with_access(
    _VIEW, Task.project_id, bindparam("user_id", type_=BigIntId), READ
).where(Task.id == bindparam("task_id", type_=BigIntId))
_LABEL_ORDER = itemgetter("name", "id")
# Parameters of filter-language expressions (filter_sql.bind's prefixes): not list filters.
_QUERY_PREFIXES = ("q_", "f_")


def _view(row: Mapping[Any, Any]) -> dict[str, Any]:
    """A row of `_VIEW` as TaskPublic's fields, to be validated in one go (the page, or the
    task): pydantic's core reads a dict faster than Python builds a model field by field."""
    view = dict(row)
    view["labels"] = sorted(view["labels"] or (), key=_LABEL_ORDER)
    view["mentions"] = view["mentions"] or []
    return view


async def task_view(session: Reader, user_id: int, task_id: int) -> TaskPublic:
    """One task as the API shows it (access already checked by the caller)."""
    rows = await read_rows(session, _TASK, {"user_id": user_id, "task_id": task_id})
    return TaskPublic.model_validate(_view(rows[0]))


async def task_views(session: Reader, user_id: int, task_ids: Sequence[int]) -> list[TaskPublic]:
    """Several tasks as the API shows them, in the order of `task_ids`, in one statement
    (access already checked by the caller)."""
    statement = _VIEW.where(Task.id.in_(bindparam("task_ids", expanding=True)))
    rows = await read_rows(session, statement, {"user_id": user_id, "task_ids": list(task_ids)})
    views = {row["id"]: row for row in rows}
    return [TaskPublic.model_validate(_view(views[task_id])) for task_id in task_ids]


def view_of(row: Mapping[Any, Any]) -> TaskPublic:
    """A row with `VIEW_COLUMNS` (an UPDATE's RETURNING) as the API shows it."""
    return TaskPublic.model_validate(_view(row))


def created_view(row: Mapping[str, Any], labels: Sequence[Mapping[str, Any]]) -> TaskPublic:
    """A task just created, from the row its INSERT returned: no comments or votes yet, the
    labels it was given, watched by its creator (`notices.task_created`). What `task_view`
    would read, without the read."""
    view = {
        **row,
        "comment_count": 0,
        "subtask_count": 0,
        "subtasks_done": 0,
        "voted_by_me": False,
        "labels": labels,
        "watching": True,
    }
    return TaskPublic.model_validate(_view(view))


async def visible_task_view(session: Reader, user_id: int, task_id: int) -> TaskPublic:
    """One task if the caller is a member of its project, else 404: the access check and the
    read are one query."""
    rows = await read_rows(session, _VISIBLE_TASK, {"user_id": user_id, "task_id": task_id})
    check_row(rows[0] if rows else None, READ, not_found="Task not found")
    return TaskPublic.model_validate(_view(rows[0]))


@lru_cache(maxsize=1024)
def _listing_statements(
    names: frozenset[str], sort: TaskSort, shapes: tuple[Shape, ...] = ()
) -> tuple[Select[Any], Select[Any]]:
    """The page and the count for one shape of listing (the filters given, the sort).

    Built once per shape, values bound at execution: building the statement and computing
    SQLAlchemy's cache key for it took a tenth of a list request's CPU (docs/benchmarks.md).
    The total rides on the page as an uncorrelated subquery, which the database evaluates
    once, so a page and its total are one round trip; only a page past the end needs the
    count on its own.
    """
    conditions = filter_conditions(names)
    conditions.extend(filter_sql.condition(shape) for shape in shapes)  # q, filter_id
    count = select(func.count().label("total")).select_from(Task).where(*conditions)
    limit = bindparam("limit", type_=Integer())
    offset = bindparam("offset", type_=Integer())
    if _searches(names, shapes):
        # Search words are matched row by row (`ILIKE`, which no index settles when a word is
        # common): the matches are found once, for the page and the total alike, instead of
        # once for each, and the view's columns are read for the page's rows only.
        matches = (
            select(Task.id.label("id"), _sort_key(sort).label("key"))
            .where(*conditions)
            .cte("matches")
            .prefix_with("MATERIALIZED")
        )
        chosen = (
            select(matches.c.id)
            .order_by(*order_by(sort, matches.c.key, matches.c.id))
            .limit(limit)
            .offset(offset)
            .subquery("chosen")
        )
        total = select(func.count()).select_from(matches).scalar_subquery().label("total")
        page = (
            _VIEW.add_columns(total)
            .join_from(Task, chosen, Task.id == chosen.c.id)
            .order_by(*order_by(sort))
        )
        return page, count
    page = (
        _VIEW.add_columns(count.scalar_subquery().label("total"))
        .where(*conditions)
        .order_by(*order_by(sort))
        .limit(limit)
        .offset(offset)
    )
    return page, count


def _searches(names: Collection[str], shapes: Sequence[Shape]) -> bool:
    """Search words across projects (`search=` without `project_id`, or `search:` in an
    expression): the listings that match words row by row over all the caller's tasks."""
    words = any(name.startswith("word_") for name in names) and "project_id" not in names
    return words or any(filter_sql.searches(shape) for shape in shapes)


async def list_tasks(
    session: Reader,
    user_id: int,
    filters: TaskFilters,
    sort: TaskSort,
    page: Pagination,
    queries: Sequence[Compiled] = (),
) -> Page[TaskPublic]:
    """`queries`: filter-language expressions (`q`, a saved filter), ANDed with the rest; their
    parameters must not share names."""
    params = filter_params(user_id, filters)
    for compiled in queries:
        params.update(compiled.params)
    shapes = tuple(compiled.shape for compiled in queries)
    statement, count = _listing_statements(
        frozenset(name for name in params if not name.startswith(_QUERY_PREFIXES)), sort, shapes
    )
    rows = await read_rows(
        session, statement, params | {"limit": page.limit, "offset": page.offset}
    )
    if rows:
        total = rows[0]["total"]
    elif page.offset:
        total = (await read_rows(session, count, params))[0]["total"]
    else:
        total = 0
    return Page[TaskPublic].model_validate(
        {
            "items": [_view(row) for row in rows],
            "total": total,
            "limit": page.limit,
            "offset": page.offset,
        }
    )


# The reads the rules stand on: one statement each.


def last_position(project_id: Any) -> ScalarSelect[Any]:
    """The key of the project's last live task, or NULL (one probe of the live index), as a
    scalar subquery: a statement that is sent anyway carries it."""
    return (
        select(func.max(Task.position))
        .where(Task.project_id == project_id, live(Task))
        .scalar_subquery()
    )


# The same with the project bound as `project_id` at execution, for a statement built once
# (the role check of a task's creation: permissions.require_role's `also`).
LAST_POSITION = last_position(bindparam("project_id", type_=BigIntId))


async def next_positions(session: AsyncSession, project_id: int, count: int) -> list[str]:
    """`count` keys after the last task of the project, in order (one index probe)."""
    last = await session.scalar(select(last_position(project_id)))
    return positions.keys_after(last, count)


async def next_position(session: AsyncSession, project_id: int) -> str:
    """The key after the last task of the project (one index probe)."""
    return (await next_positions(session, project_id, 1))[0]


async def label_ids_of(session: AsyncSession, task_id: int) -> list[int]:
    rows = await session.scalars(
        select(task_labels.c.label_id).where(task_labels.c.task_id == task_id)
    )
    return sorted(rows)


async def labels_in_project(
    session: AsyncSession, project_id: int, label_ids: Collection[int]
) -> list[dict[str, Any]]:
    """Those of `label_ids` that belong to the project, as a task shows them (id, name, color)."""
    rows = await session.execute(
        select(Label.id, Label.name, Label.color).where(
            Label.id.in_(label_ids), Label.project_id == project_id
        )
    )
    return [dict(row._mapping) for row in rows]


async def parent_of(session: AsyncSession, task_id: int) -> tuple[int, int | None] | None:
    """A task's project and parent, or None if there is no such task (or it is trashed)."""
    row = (
        await session.execute(
            select(Task.project_id, Task.parent_id).where(Task.id == task_id, live(Task))
        )
    ).first()
    return (row.project_id, row.parent_id) if row is not None else None


async def has_subtasks(session: AsyncSession, task_id: int) -> bool:
    child = await session.scalar(
        select(Task.id).where(Task.parent_id == task_id, live(Task)).limit(1)
    )
    return child is not None


async def subtasks_outside(
    session: AsyncSession, parent_ids: Sequence[int], project_id: int
) -> list[int]:
    """The subtasks of `parent_ids` that are not in `project_id`, in their order."""
    return list(
        await session.scalars(
            select(Task.id)
            .where(Task.parent_id.in_(parent_ids), Task.project_id != project_id, live(Task))
            .order_by(Task.position, Task.id)
        )
    )


async def tasks_with_access(
    session: AsyncSession, user_id: int, task_ids: Collection[int], need: Need
) -> Sequence[AnyRow]:
    """Tasks (id, project_id, parent_id, section_id, status, title) with the caller's access
    columns; the caller's unseen ones are absent."""
    statement = select(
        Task.id, Task.project_id, Task.parent_id, Task.section_id, Task.status, Task.title
    )
    return (
        await session.execute(
            with_access(statement, Task.project_id, user_id, need).where(Task.id.in_(task_ids))
        )
    ).all()
