"""Routes: /projects, their members and their activity."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from starlette.convertors import StringConvertor, register_url_convertor

from taskflow.activity.schemas import ActivityPublic
from taskflow.auth.dependencies import CurrentUser, SettingsDep
from taskflow.core.dependencies import ReadSessionDep, SessionDep
from taskflow.core.errors import error_responses
from taskflow.core.pagination import Page, PaginationDep
from taskflow.core.validation import PathId
from taskflow.projects import invitations, queries, service
from taskflow.projects.schemas import (
    InvitationAccept,
    InvitationCreate,
    InvitationPublic,
    MemberCreate,
    MemberPublic,
    MemberUpdate,
    ProjectCreate,
    ProjectPublic,
    ProjectUpdate,
)

router = APIRouter(prefix="/projects", tags=["projects"], responses=error_responses(401))

# Writes may also meet a concurrent change (409); a project the caller cannot see is 404.
_READ = error_responses(404)
_WRITE = error_responses(403, 404, 409)


@router.get("")
async def list_projects(
    session: ReadSessionDep,
    user: CurrentUser,
    page: PaginationDep,
    archived: Annotated[bool | None, Query()] = None,
) -> Page[ProjectPublic]:
    """The caller's projects (the Inbox first), with the caller's role in each."""
    return await queries.list_projects(session, user, page, archived=archived)


@router.post("", status_code=status.HTTP_201_CREATED, responses=error_responses(409))
async def create_project(
    session: SessionDep, user: CurrentUser, data: ProjectCreate, response: Response
) -> ProjectPublic:
    """A new project; the caller is its owner."""
    project = await service.create_project(session, user, data)
    response.headers["Location"] = f"/api/v1/projects/{project.id}"
    return project


@router.get("/{project_id}", responses=_READ)
async def get_project(
    session: ReadSessionDep, user: CurrentUser, project_id: PathId
) -> ProjectPublic:
    return await service.get_project(session, user, project_id)


@router.patch("/{project_id}", responses=_WRITE)
async def update_project(
    session: SessionDep, user: CurrentUser, project_id: PathId, data: ProjectUpdate
) -> ProjectPublic:
    """Name, description, color, archived: admins and the owner."""
    return await service.update_project(session, user, project_id, data)


@router.delete("/{project_id}", status_code=status.HTTP_204_NO_CONTENT, responses=_WRITE)
async def delete_project(session: SessionDep, user: CurrentUser, project_id: PathId) -> None:
    """The owner deletes a project and everything in it; the Inbox cannot be deleted (409)."""
    await service.delete_project(session, user, project_id)


@router.get("/{project_id}/activity", responses=_READ)
async def project_activity(
    session: ReadSessionDep, user: CurrentUser, project_id: PathId, page: PaginationDep
) -> Page[ActivityPublic]:
    """What changed in the project, newest first."""
    return await service.project_activity(session, user, project_id, page)


@router.get("/{project_id}/members", responses=_READ)
async def list_members(
    session: ReadSessionDep, user: CurrentUser, project_id: PathId, page: PaginationDep
) -> Page[MemberPublic]:
    return await queries.list_members(session, user, project_id, page)


@router.post("/{project_id}/members", status_code=status.HTTP_201_CREATED, responses=_WRITE)
async def add_member(
    session: SessionDep, user: CurrentUser, project_id: PathId, data: MemberCreate
) -> MemberPublic:
    """Add a user by email or username (admins and the owner)."""
    return await service.add_member(session, user, project_id, data)


@router.patch("/{project_id}/members/{user_id}", responses=_WRITE)
async def update_member(
    session: SessionDep,
    user: CurrentUser,
    project_id: PathId,
    user_id: PathId,
    data: MemberUpdate,
) -> MemberPublic:
    """Change a member's role; the owner hands ownership over by setting `owner`."""
    return await service.update_member(session, user, project_id, user_id, data)


@router.delete(
    "/{project_id}/members/{user_id}", status_code=status.HTTP_204_NO_CONTENT, responses=_WRITE
)
async def remove_member(
    session: SessionDep, user: CurrentUser, project_id: PathId, user_id: PathId
) -> None:
    """Remove a member (admins), or leave (your own membership); never the owner (409)."""
    await service.remove_member(session, user, project_id, user_id)


@router.get("/{project_id}/invitations", responses=error_responses(403, 404))
async def list_invitations(
    session: ReadSessionDep, user: CurrentUser, project_id: PathId, page: PaginationDep
) -> Page[InvitationPublic]:
    """The pending invitations (admins and the owner), newest first."""
    return await invitations.list_invitations(session, user, project_id, page)


@router.post("/{project_id}/invitations", status_code=status.HTTP_201_CREATED, responses=_WRITE)
async def invite(
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    project_id: PathId,
    data: InvitationCreate,
) -> InvitationPublic:
    """Invite an email address (admins and the owner): it gets a link to join, valid for
    7 days, once. 409 if that address is already a member's."""
    return await invitations.invite(session, settings, user, project_id, data)


class _InvitationIdConvertor(StringConvertor):
    """A path segment that is not `accept`: so that DELETE /invitations/accept is 405 (POST
    is its only method), not an `invitation_id` of "accept" (422)."""

    regex = "(?!accept(?![^/]))[^/]+"


register_url_convertor("invitation_id", _InvitationIdConvertor())

invitations_router = APIRouter(
    prefix="/invitations", tags=["projects"], responses=error_responses(401)
)


@invitations_router.delete(
    "/{invitation_id:invitation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(403, 404),
)
async def revoke_invitation(session: SessionDep, user: CurrentUser, invitation_id: PathId) -> None:
    """Revoke an invitation: its link stops working."""
    await invitations.revoke(session, user, invitation_id)


@invitations_router.post("/accept", responses=error_responses(400, 409))
async def accept_invitation(
    session: SessionDep, user: CurrentUser, data: InvitationAccept
) -> ProjectPublic:
    """Join the project the invitation is for, with its role (any account may accept). 400
    for an unknown, revoked, used or expired token; 409 if already a member."""
    return await invitations.accept(session, user, data.token)
