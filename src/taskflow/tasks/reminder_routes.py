"""Routes: /tasks/{id}/reminders, /reminders/{id} (SPEC §6). Reminders are personal: each
is its setter's, on a task they can see; anyone else's is 404."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from taskflow.auth.dependencies import CurrentUser
from taskflow.core.dependencies import ReadSessionDep, SessionDep
from taskflow.core.errors import error_responses
from taskflow.core.pagination import Page, PaginationDep
from taskflow.core.validation import PathId
from taskflow.tasks import reminders
from taskflow.tasks.schemas import ReminderCreate, ReminderPublic, ReminderSnooze

router = APIRouter(tags=["reminders"], responses=error_responses(401))


@router.get("/tasks/{task_id}/reminders", responses=error_responses(404))
async def list_reminders(
    session: ReadSessionDep, user: CurrentUser, task_id: PathId, page: PaginationDep
) -> Page[ReminderPublic]:
    """The caller's reminders on the task, soonest first."""
    return await reminders.list_reminders(session, user.id, task_id, page)


@router.post(
    "/tasks/{task_id}/reminders",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(404, 409),
)
async def create_reminder(
    session: SessionDep,
    user: CurrentUser,
    task_id: PathId,
    data: ReminderCreate,
    response: Response,
) -> ReminderPublic:
    """`remind_at` or `before_due_minutes` (the task needs a due date); at most 10 per task."""
    reminder = await reminders.create_reminder(session, user.id, task_id, data)
    response.headers["Location"] = f"/api/v1/tasks/{task_id}/reminders"
    return reminder


@router.delete(
    "/reminders/{reminder_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(404, 409),
)
async def delete_reminder(session: SessionDep, user: CurrentUser, reminder_id: PathId) -> None:
    await reminders.delete_reminder(session, user.id, reminder_id)


@router.post("/reminders/{reminder_id}/snooze", responses=error_responses(404, 409))
async def snooze_reminder(
    session: SessionDep, user: CurrentUser, reminder_id: PathId, data: ReminderSnooze
) -> ReminderPublic:
    """Fire again `minutes` (5-10080) from now."""
    return await reminders.snooze_reminder(session, user.id, reminder_id, data.minutes)
