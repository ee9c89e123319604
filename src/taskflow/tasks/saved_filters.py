"""Saved filters (SPEC §9): personal, a name and an expression of the filter language, listed
in the sidebar with how many tasks each selects (one statement for all the counts).

A filter belongs to one user; anybody else gets 404 for it. Its query is validated as
`GET /tasks?q=` validates one (422 naming the position).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.core.errors import NotFound
from taskflow.core.pagination import Page, Pagination
from taskflow.db.reads import Reader
from taskflow.projects.permissions import visible
from taskflow.tasks import filter_sql
from taskflow.tasks.filter_sql import Clock, Compiled, Shape, compile_query
from taskflow.tasks.models import SavedFilter, Task
from taskflow.tasks.schemas import FilterCreate, FilterPublic, FilterUpdate
from taskflow.users.models import User

_NOT_FOUND = "Filter not found"


def clock_of(user: User) -> Clock:
    """The caller's clock: their timezone (SPEC §6)."""
    return filter_sql.clock_for(user.timezone)


async def _own(session: Reader, user: User, filter_id: int) -> SavedFilter:
    found = await session.scalar(
        select(SavedFilter).where(SavedFilter.id == filter_id, SavedFilter.user_id == user.id)
    )
    if found is None:
        raise NotFound(_NOT_FOUND)
    return found


async def list_filters(
    session: Reader, user: User, page: Pagination, *, with_counts: bool = False
) -> Page[FilterPublic]:
    """In their order (position, then id); `with_counts`: each with its number of tasks."""
    mine = SavedFilter.user_id == user.id
    total = await session.scalar(select(func.count()).select_from(SavedFilter).where(mine))
    rows = (
        await session.scalars(
            select(SavedFilter)
            .where(mine)
            .order_by(SavedFilter.position, SavedFilter.id)
            .limit(page.limit)
            .offset(page.offset)
        )
    ).all()
    items = [FilterPublic.model_validate(row) for row in rows]
    if with_counts and items:
        clock = clock_of(user)
        compiled = [
            compile_query(row.query, clock, prefix=f"f{index}_", field=f"filters[{row.id}].query")
            for index, row in enumerate(rows)
        ]
        counts = await count_matching(session, user.id, compiled)
        items = [
            item.model_copy(update={"count": n}) for item, n in zip(items, counts, strict=True)
        ]
    return Page(items=items, total=total or 0, limit=page.limit, offset=page.offset)


async def count_matching(session: Reader, user_id: int, queries: list[Compiled]) -> list[int]:
    """How many of the caller's tasks each expression selects: one statement for all of them
    (a filtered count per expression, one pass over the caller's tasks)."""
    params: dict[str, Any] = {"user_id": user_id}
    for compiled in queries:
        params.update(compiled.params)
    statement = _count_statement(tuple(compiled.shape for compiled in queries))
    row = (await session.execute(statement, params)).one()
    return [int(value or 0) for value in row]


def _count_statement(shapes: tuple[Shape, ...]) -> Select[Any]:
    counts: list[Any] = [
        func.count().filter(filter_sql.condition(shape)).label(f"count_{index}")
        for index, shape in enumerate(shapes)
    ]
    return select(*counts).select_from(Task).where(visible(Task.project_id, Task))


async def filter_query(session: Reader, user: User, filter_id: int) -> Compiled:
    """A saved filter's expression, ready for the task list (`GET /tasks?filter_id=`)."""
    saved = await _own(session, user, filter_id)
    return compile_query(saved.query, clock_of(user), prefix="f_", field="filter_id")


async def create_filter(session: AsyncSession, user: User, data: FilterCreate) -> FilterPublic:
    compile_query(data.query, clock_of(user), field="query")
    position = data.position
    if position is None:
        last = await session.scalar(
            select(func.max(SavedFilter.position)).where(SavedFilter.user_id == user.id)
        )
        position = float(last or 0.0) + 1.0
    saved = SavedFilter(
        user_id=user.id, name=data.name, query=data.query, color=data.color, position=position
    )
    session.add(saved)
    await session.flush()
    return FilterPublic.model_validate(saved)


async def update_filter(
    session: AsyncSession, user: User, filter_id: int, data: FilterUpdate
) -> FilterPublic:
    saved = await _own(session, user, filter_id)
    given = data.model_dump(exclude_unset=True)
    if "query" in given:
        compile_query(given["query"], clock_of(user), field="query")
    for name, value in given.items():
        setattr(saved, name, value)
    await session.flush()
    return FilterPublic.model_validate(saved)


async def delete_filter(session: AsyncSession, user: User, filter_id: int) -> None:
    saved = await _own(session, user, filter_id)
    await session.delete(saved)
    await session.flush()


async def get_filter(session: Reader, user: User, filter_id: int) -> FilterPublic:
    return FilterPublic.model_validate(await _own(session, user, filter_id))
