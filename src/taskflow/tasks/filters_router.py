"""Routes: /filters, the caller's saved filters (SPEC §9)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from taskflow.auth.dependencies import CurrentUser
from taskflow.core.dependencies import ReadSessionDep, SessionDep
from taskflow.core.errors import error_responses
from taskflow.core.pagination import Page, PaginationDep
from taskflow.core.validation import PathId
from taskflow.tasks import saved_filters
from taskflow.tasks.schemas import FilterCreate, FilterPublic, FilterUpdate

router = APIRouter(tags=["filters"], responses=error_responses(401))
_MINE = error_responses(404)


@router.get("/filters")
async def list_filters(
    session: ReadSessionDep,
    user: CurrentUser,
    page: PaginationDep,
    with_counts: Annotated[
        bool, Query(description="Give each filter's `count` of tasks (one query for all)")
    ] = False,
) -> Page[FilterPublic]:
    """The caller's filters in their order (position, then id)."""
    return await saved_filters.list_filters(session, user, page, with_counts=with_counts)


@router.post("/filters", status_code=status.HTTP_201_CREATED)
async def create_filter(session: SessionDep, user: CurrentUser, data: FilterCreate) -> FilterPublic:
    """`query` is validated as `GET /tasks?q=` is (422 naming the position)."""
    return await saved_filters.create_filter(session, user, data)


@router.get("/filters/{filter_id}", responses=_MINE)
async def get_filter(session: ReadSessionDep, user: CurrentUser, filter_id: PathId) -> FilterPublic:
    return await saved_filters.get_filter(session, user, filter_id)


@router.patch("/filters/{filter_id}", responses=_MINE)
async def update_filter(
    session: SessionDep, user: CurrentUser, filter_id: PathId, data: FilterUpdate
) -> FilterPublic:
    return await saved_filters.update_filter(session, user, filter_id, data)


@router.delete("/filters/{filter_id}", status_code=status.HTTP_204_NO_CONTENT, responses=_MINE)
async def delete_filter(session: SessionDep, user: CurrentUser, filter_id: PathId) -> None:
    await saved_filters.delete_filter(session, user, filter_id)
