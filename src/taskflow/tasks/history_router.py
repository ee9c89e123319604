"""Routes: a task's history, GET /tasks/{id}/versions and POST /tasks/{id}/revert (SPEC §10)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response

from taskflow.auth.dependencies import CurrentUser
from taskflow.core.dependencies import ReadSessionDep, SessionDep
from taskflow.core.errors import error_responses
from taskflow.core.pagination import Page, PaginationDep
from taskflow.core.validation import NotNull, PathId
from taskflow.tasks import history
from taskflow.tasks.schemas import TaskPublic, TaskRevert, TaskVersionPublic

router = APIRouter(tags=["tasks"], responses=error_responses(401))

IfMatch = Annotated[
    str | None,
    Header(description='The task\'s ETag, `"<version>"` (or `*`, or a list)', max_length=1000),
    NotNull(),
]
SKIPPED_HEADER = "X-TaskFlow-Skipped"


@router.get("/tasks/{task_id}/versions", responses=error_responses(404))
async def list_versions(
    session: ReadSessionDep, user: CurrentUser, task_id: PathId, page: PaginationDep
) -> Page[TaskVersionPublic]:
    """The task's versions, newest first, each with the full snapshot of its editable fields."""
    return await history.list_versions(session, user, task_id, page)


@router.post(
    "/tasks/{task_id}/revert",
    responses={
        200: {
            "headers": {
                SKIPPED_HEADER: {
                    "description": "The fields skipped because what they name is gone "
                    "(comma-separated: assignee_id, label_ids, section_id)",
                    "schema": {"type": "string"},
                }
            }
        },
        **error_responses(403, 404, 409, 412),
    },
)
async def revert_task(
    session: SessionDep,
    user: CurrentUser,
    task_id: PathId,
    data: TaskRevert,
    response: Response,
    if_match: IfMatch = None,
) -> TaskPublic:
    """Set the chosen fields (all when omitted) as they were at `version`, as a new version
    (activity `task.reverted`). A stale `If-Match` is 412; an unknown version 404; nothing
    changes then."""
    task, skipped = await history.revert(session, user, task_id, data, if_match=if_match)
    response.headers["ETag"] = f'"{task.version}"'
    if skipped:
        response.headers[SKIPPED_HEADER] = ", ".join(skipped)
    return task
