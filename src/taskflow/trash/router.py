"""GET /trash, POST /trash/{type}/{id}/restore, DELETE /trash/{type}/{id} (SPEC §10)."""

from __future__ import annotations

from fastapi import APIRouter, status

from taskflow.auth.dependencies import CurrentUser, SettingsDep
from taskflow.core.dependencies import ReadSessionDep, SessionDep
from taskflow.core.errors import error_responses
from taskflow.core.pagination import Page, PaginationDep
from taskflow.core.validation import PathId
from taskflow.trash import queries, service
from taskflow.trash.schemas import RestoredPublic, TrashItemPublic, TrashType

router = APIRouter(prefix="/trash", tags=["trash"])


@router.get("", response_model=Page[TrashItemPublic], responses=error_responses(401))
async def list_trash(
    session: ReadSessionDep, settings: SettingsDep, user: CurrentUser, page: PaginationDep
) -> Page[TrashItemPublic]:
    """What the caller may restore, newest first: tasks (editors), comments (their author,
    admins), projects (the owner), with when each is purged for good."""
    return await queries.list_trash(
        session, user.id, page, retention_days=settings.trash_retention_days
    )


@router.post(
    "/{type}/{id}/restore",
    response_model=RestoredPublic,
    responses=error_responses(401, 403, 404, 409),
)
async def restore(
    session: SessionDep, user: CurrentUser, type: TrashType, id: PathId
) -> RestoredPublic:
    """Back as it was, with its subtasks, comments, votes, labels and attachments, in one
    transaction; 409 while its project (or parent task) is itself in the trash."""
    return await service.restore(session, user, type, id)


@router.delete(
    "/{type}/{id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404),
)
async def purge(session: SessionDep, user: CurrentUser, type: TrashType, id: PathId) -> None:
    """Gone for good: tasks and comments by the project's admins, a project by its owner."""
    await service.purge(session, user, type, id)
