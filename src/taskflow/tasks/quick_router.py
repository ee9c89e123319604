"""Route: POST /tasks/quick, tasks from lines of text (SPEC §9)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from taskflow.auth.dependencies import CurrentUser
from taskflow.core.dependencies import SessionDep
from taskflow.core.errors import error_responses
from taskflow.tasks import quick
from taskflow.tasks.quick_schemas import QuickAdd, QuickDrafts, QuickTasks

router = APIRouter(tags=["tasks"], responses=error_responses(401))


@router.post(
    "/tasks/quick",
    status_code=status.HTTP_201_CREATED,
    response_model=QuickTasks | QuickDrafts,
    responses={
        **error_responses(403, 404, 409),
        200: {"model": QuickDrafts, "description": "dry_run: what would be created"},
        201: {"model": QuickTasks, "description": "The tasks created, one per line"},
    },
)
async def quick_add(
    session: SessionDep,
    user: CurrentUser,
    data: QuickAdd,
    response: Response,
    dry_run: Annotated[
        bool, Query(description="Answer what would be created (200), with the spans read")
    ] = False,
) -> QuickTasks | QuickDrafts:
    """One task per non-empty line, its date, recurrence, `p1`-`p4`, `#Project`, `@label` and
    `+user` read from the words and taken out of the title; what does not resolve stays in
    the title. The syntax: docs/quick-add-and-filters.md."""
    if dry_run:
        response.status_code = status.HTTP_200_OK
        return QuickDrafts(items=await quick.read(session, user, data.text, data.project_id,
                                                  dry_run=True))  # fmt: skip
    return QuickTasks(items=await quick.create(session, user, data.text, data.project_id))
