"""Routes: /tasks (with votes, comments, activity, bulk), /comments, project labels, /labels,
project sections, /sections."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response, status
from starlette.convertors import StringConvertor, register_url_convertor

from taskflow.activity.schemas import ActivityPublic
from taskflow.auth.dependencies import CurrentUser
from taskflow.core.dependencies import ReadSessionDep, SessionDep
from taskflow.core.errors import error_responses
from taskflow.core.pagination import Page, PaginationDep
from taskflow.core.validation import MAX_ID, NotNull, PathId, SafeStr, UtcDateTime
from taskflow.tasks import bulk as bulk_actions
from taskflow.tasks import (
    comments,
    labels,
    notices,
    queries,
    saved_filters,
    sections,
    service,
    votes,
)
from taskflow.tasks.filter_sql import Compiled, compile_query
from taskflow.tasks.filters_router import router as filters_router
from taskflow.tasks.history_router import router as history_router
from taskflow.tasks.models import TaskStatus
from taskflow.tasks.quick_router import router as quick_router
from taskflow.tasks.schemas import (
    BulkAction,
    BulkResult,
    CommentPublic,
    CommentWrite,
    LabelCreate,
    LabelPublic,
    LabelUpdate,
    SectionCreate,
    SectionPublic,
    SectionUpdate,
    TaskCreate,
    TaskPublic,
    TaskReplace,
    TaskSort,
    TaskUpdate,
)

router = APIRouter(responses=error_responses(401))


class _TaskIdConvertor(StringConvertor):
    """A path segment that is not `bulk` nor `quick`: so that PUT /tasks/bulk is 405 (POST is
    its only method), not a `task_id` of "bulk" (422). The value is still validated as an id."""

    regex = "(?!(?:bulk|quick)(?![^/]))[^/]+"


register_url_convertor("task_id", _TaskIdConvertor())
router.include_router(filters_router)
router.include_router(history_router)
router.include_router(quick_router)

# What the caller cannot see is 404; a role too low to change it, 403; a write can meet a
# concurrent change (409); a stale If-Match is 412.
_READ = error_responses(404)
_WRITE = error_responses(403, 404, 409)
_VERSIONED_WRITE = error_responses(403, 404, 409, 412)

QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
# Any value: one that names no current version (garbage included) is 412, as RFC 9110 says.
IfMatch = Annotated[
    str | None,
    Header(description='The task\'s ETag, `"<version>"` (or `*`, or a list)', max_length=1000),
    NotNull(),
]


def _etag(response: Response, task: TaskPublic) -> TaskPublic:
    response.headers["ETag"] = f'"{task.version}"'
    return task


@router.post("/tasks", tags=["tasks"], status_code=status.HTTP_201_CREATED, responses=_WRITE)
async def create_task(
    session: SessionDep, user: CurrentUser, data: TaskCreate, response: Response
) -> TaskPublic:
    """A task in `project_id` (default: the caller's Inbox; a subtask: its parent's project)."""
    task = await service.create_task(session, user, data)
    response.headers["Location"] = f"/api/v1/tasks/{task.id}"
    return _etag(response, task)


@router.get("/tasks", tags=["tasks"], responses=error_responses(404))
async def list_tasks(
    session: ReadSessionDep,
    user: CurrentUser,
    page: PaginationDep,
    project_id: QueryId = None,
    status: Annotated[list[TaskStatus] | None, Query()] = None,
    priority: Annotated[int | None, Query(ge=0, le=4)] = None,
    label_id: QueryId = None,
    assignee_id: Annotated[
        str | None, Query(pattern=r"^(me|[1-9][0-9]{0,17})$", description="A user id or `me`")
    ] = None,
    due_before: Annotated[UtcDateTime | None, Query(description="Inclusive")] = None,
    due_after: Annotated[UtcDateTime | None, Query(description="Inclusive")] = None,
    parent_id: QueryId = None,
    section_id: QueryId = None,
    search: Annotated[
        SafeStr | None,
        Query(max_length=200, description="Every word in the title or the description"),
    ] = None,
    start_before: Annotated[UtcDateTime | None, Query(description="Inclusive")] = None,
    start_after: Annotated[UtcDateTime | None, Query(description="Inclusive")] = None,
    recurring: Annotated[bool | None, Query(description="Only (not) recurring tasks")] = None,
    q: Annotated[
        SafeStr | None,
        Query(
            max_length=1000,
            description="A filter-language expression (docs/quick-add-and-filters.md); "
            "a malformed one is 422 naming the position; an empty one filters nothing",
        ),
    ] = None,
    filter_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Apply one of the caller's saved filters")
    ] = None,
    sort: Annotated[TaskSort, Query(description="`-` prefix: descending")] = "position",
) -> Page[TaskPublic]:
    """Tasks of the caller's projects, filtered and sorted; ties broken by id. Every filter
    given applies (AND)."""
    assignee: int | Literal["me"] | None = None
    if assignee_id is not None:
        assignee = "me" if assignee_id == "me" else int(assignee_id)
    filters = queries.TaskFilters(
        project_id=project_id,
        statuses=tuple(status or ()),
        priority=priority,
        label_id=label_id,
        assignee_id=assignee,
        due_before=due_before,
        due_after=due_after,
        parent_id=parent_id,
        section_id=section_id,
        search=search,
        start_before=start_before,
        start_after=start_after,
        recurring=recurring,
    )
    expressions: list[Compiled] = []
    if q is not None and q.strip():  # an empty expression filters nothing
        expressions.append(compile_query(q, saved_filters.clock_of(user)))
    if filter_id is not None:
        expressions.append(await saved_filters.filter_query(session, user, filter_id))
    return await queries.list_tasks(session, user.id, filters, sort, page, expressions)


@router.post("/tasks/bulk", tags=["tasks"], responses=_WRITE)
async def bulk(session: SessionDep, user: CurrentUser, data: BulkAction) -> BulkResult:
    """Complete, reopen, delete or move (`project_id`) many tasks: all or nothing."""
    return BulkResult(updated=await bulk_actions.bulk(session, user, data))


@router.get("/tasks/{task_id:task_id}", tags=["tasks"], responses=_READ)
async def get_task(
    session: ReadSessionDep, user: CurrentUser, task_id: PathId, response: Response
) -> TaskPublic:
    return _etag(response, await queries.visible_task_view(session, user.id, task_id))


@router.put("/tasks/{task_id:task_id}", tags=["tasks"], responses=_VERSIONED_WRITE)
async def replace_task(
    session: SessionDep,
    user: CurrentUser,
    task_id: PathId,
    data: TaskReplace,
    response: Response,
    if_match: IfMatch = None,
) -> TaskPublic:
    """Replace the editable fields; a stale `If-Match` is 412 and changes nothing."""
    given = data.model_dump(exclude_unset=True)
    task = await service.update_task(session, user, task_id, given, replace=True, if_match=if_match)
    return _etag(response, task)


@router.patch("/tasks/{task_id:task_id}", tags=["tasks"], responses=_VERSIONED_WRITE)
async def update_task(
    session: SessionDep,
    user: CurrentUser,
    task_id: PathId,
    data: TaskUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> TaskPublic:
    """Change the fields given; a stale `If-Match` is 412 and changes nothing."""
    given = data.model_dump(exclude_unset=True)
    task = await service.update_task(session, user, task_id, given, if_match=if_match)
    return _etag(response, task)


@router.delete(
    "/tasks/{task_id:task_id}",
    tags=["tasks"],
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_VERSIONED_WRITE,
)
async def delete_task(
    session: SessionDep, user: CurrentUser, task_id: PathId, if_match: IfMatch = None
) -> None:
    """Its subtasks, comments and votes go with it; a stale `If-Match` is 412."""
    await service.delete_task(session, user, task_id, if_match=if_match)


@router.put(
    "/tasks/{task_id:task_id}/vote",
    tags=["tasks"],
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_WRITE,
)
async def vote(session: SessionDep, user: CurrentUser, task_id: PathId) -> None:
    """Idempotent: one vote per user and task."""
    await votes.vote(session, user, task_id)


@router.delete(
    "/tasks/{task_id:task_id}/vote",
    tags=["tasks"],
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_WRITE,
)
async def unvote(session: SessionDep, user: CurrentUser, task_id: PathId) -> None:
    await votes.unvote(session, user, task_id)


@router.put(
    "/tasks/{task_id:task_id}/watch",
    tags=["tasks"],
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_READ,
)
async def watch(session: SessionDep, user: CurrentUser, task_id: PathId) -> None:
    """Watch the task: get its `commented` and `task_completed` notifications. Idempotent;
    it sticks until unwatched."""
    await notices.watch(session, user, task_id, watching=True)


@router.delete(
    "/tasks/{task_id:task_id}/watch",
    tags=["tasks"],
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_READ,
)
async def unwatch(session: SessionDep, user: CurrentUser, task_id: PathId) -> None:
    """Stop watching; the automatic rules (commenting, being mentioned) do not undo it."""
    await notices.watch(session, user, task_id, watching=False)


@router.get("/tasks/{task_id:task_id}/activity", tags=["activity"], responses=_READ)
async def task_activity(
    session: ReadSessionDep, user: CurrentUser, task_id: PathId, page: PaginationDep
) -> Page[ActivityPublic]:
    """What changed in the task, newest first."""
    return await service.task_activity(session, user, task_id, page)


@router.get("/tasks/{task_id:task_id}/comments", tags=["comments"], responses=_READ)
async def list_comments(
    session: ReadSessionDep, user: CurrentUser, task_id: PathId, page: PaginationDep
) -> Page[CommentPublic]:
    """Oldest first."""
    return await comments.list_comments(session, user, task_id, page)


@router.post(
    "/tasks/{task_id:task_id}/comments",
    tags=["comments"],
    status_code=status.HTTP_201_CREATED,
    responses=_WRITE,
)
async def create_comment(
    session: SessionDep, user: CurrentUser, task_id: PathId, data: CommentWrite
) -> CommentPublic:
    """Any member, viewers included, may comment."""
    return await comments.create_comment(session, user, task_id, data.body)


@router.patch("/comments/{comment_id}", tags=["comments"], responses=_WRITE)
async def update_comment(
    session: SessionDep, user: CurrentUser, comment_id: PathId, data: CommentWrite
) -> CommentPublic:
    """The author edits."""
    return await comments.update_comment(session, user, comment_id, data.body)


@router.delete(
    "/comments/{comment_id}",
    tags=["comments"],
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_WRITE,
)
async def delete_comment(session: SessionDep, user: CurrentUser, comment_id: PathId) -> None:
    """The author or a project admin deletes."""
    await comments.delete_comment(session, user, comment_id)


@router.get("/projects/{project_id}/labels", tags=["labels"], responses=_READ)
async def list_labels(
    session: ReadSessionDep, user: CurrentUser, project_id: PathId, page: PaginationDep
) -> Page[LabelPublic]:
    return await labels.list_labels(session, user, project_id, page)


@router.post(
    "/projects/{project_id}/labels",
    tags=["labels"],
    status_code=status.HTTP_201_CREATED,
    responses=_WRITE,
)
async def create_label(
    session: SessionDep, user: CurrentUser, project_id: PathId, data: LabelCreate
) -> LabelPublic:
    """Admins; a name is unique within its project (409)."""
    return await labels.create_label(session, user, project_id, data)


@router.patch("/labels/{label_id}", tags=["labels"], responses=_WRITE)
async def update_label(
    session: SessionDep, user: CurrentUser, label_id: PathId, data: LabelUpdate
) -> LabelPublic:
    return await labels.update_label(session, user, label_id, data)


@router.delete(
    "/labels/{label_id}", tags=["labels"], status_code=status.HTTP_204_NO_CONTENT, responses=_WRITE
)
async def delete_label(session: SessionDep, user: CurrentUser, label_id: PathId) -> None:
    """The label comes off every task."""
    await labels.delete_label(session, user, label_id)


@router.get("/projects/{project_id}/sections", tags=["sections"], responses=_READ)
async def list_sections(
    session: ReadSessionDep, user: CurrentUser, project_id: PathId, page: PaginationDep
) -> Page[SectionPublic]:
    """In their order: position, then id."""
    return await sections.list_sections(session, user, project_id, page)


@router.post(
    "/projects/{project_id}/sections",
    tags=["sections"],
    status_code=status.HTTP_201_CREATED,
    responses=_WRITE,
)
async def create_section(
    session: SessionDep, user: CurrentUser, project_id: PathId, data: SectionCreate
) -> SectionPublic:
    """Editors and up; appended after the last section unless `position` is given."""
    return await sections.create_section(session, user, project_id, data)


@router.patch("/sections/{section_id}", tags=["sections"], responses=_WRITE)
async def update_section(
    session: SessionDep, user: CurrentUser, section_id: PathId, data: SectionUpdate
) -> SectionPublic:
    """Rename or move (`position`); editors and up."""
    return await sections.update_section(session, user, section_id, data)


@router.delete(
    "/sections/{section_id}",
    tags=["sections"],
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_WRITE,
)
async def delete_section(session: SessionDep, user: CurrentUser, section_id: PathId) -> None:
    """Its tasks stay in the project, in no section."""
    await sections.delete_section(session, user, section_id)
