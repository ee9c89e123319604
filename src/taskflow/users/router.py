"""/users: the caller's own account, and the superuser's administration of all accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from taskflow.auth import accounts
from taskflow.auth import service as auth_service
from taskflow.auth.dependencies import (
    ClientInfoDep,
    CurrentSuperuser,
    CurrentUser,
    RateLimiterDep,
    SettingsDep,
)
from taskflow.auth.http import token_response
from taskflow.auth.schemas import TokenPublic
from taskflow.core.dependencies import ReadSessionDep, SessionDep
from taskflow.core.errors import error_responses
from taskflow.core.pagination import PaginationDep
from taskflow.core.validation import PathId, SafeStr
from taskflow.users import service
from taskflow.users.schemas import (
    AccountDelete,
    PasswordChange,
    UserAdminUpdate,
    UserPage,
    UserPublic,
    UserUpdate,
)

router = APIRouter(prefix="/users", tags=["users"], responses=error_responses(401))

UserId = PathId


@router.get("/me", response_model=UserPublic)
async def read_me(user: CurrentUser) -> UserPublic:
    """The caller's account."""
    return UserPublic.model_validate(user)


@router.patch("/me", response_model=UserPublic, responses=error_responses(400, 409, 429))
async def update_me(
    data: UserUpdate,
    session: SessionDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    client: ClientInfoDep,
    user: CurrentUser,
) -> UserPublic:
    """Change the caller's email, username or full name.

    A new email needs `current_password` and is unverified until its link is followed.
    """
    updated = await auth_service.update_profile(session, settings, limiter, user, data, client)
    return UserPublic.model_validate(updated)


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(400, 429))
async def delete_me(
    data: AccountDelete,
    session: SessionDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    client: ClientInfoDep,
    user: CurrentUser,
) -> None:
    """Delete the caller's account and everything it owns; needs the password."""
    await auth_service.delete_account(
        session, settings, limiter, user, password=data.password, client=client
    )


@router.post("/me/password", response_model=TokenPublic, responses=error_responses(400, 429))
async def change_password(
    data: PasswordChange,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    client: ClientInfoDep,
    user: CurrentUser,
) -> TokenPublic:
    """Change the password: every earlier session ends; the answer is a fresh token pair."""
    tokens = await auth_service.change_password(
        session,
        settings,
        limiter,
        user,
        current_password=data.current_password,
        new_password=data.new_password,
        client=client,
    )
    return token_response(request, response, tokens)


@router.get("", response_model=UserPage, responses=error_responses(403))
async def list_users(
    session: ReadSessionDep,
    _: CurrentSuperuser,
    page: PaginationDep,
    search: Annotated[SafeStr | None, Query(max_length=200)] = None,
) -> UserPage:
    """Superuser: every account, oldest first; `search` matches email, username or name."""
    users, total = await service.list_users(
        session, search=search, limit=page.limit, offset=page.offset
    )
    return UserPage(
        items=[UserPublic.model_validate(user) for user in users],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{user_id}", response_model=UserPublic, responses=error_responses(403, 404))
async def read_user(user_id: UserId, session: ReadSessionDep, _: CurrentSuperuser) -> UserPublic:
    """Superuser: one account."""
    return UserPublic.model_validate(await service.get_user(session, user_id))


@router.patch("/{user_id}", response_model=UserPublic, responses=error_responses(403, 404, 409))
async def update_user(
    user_id: UserId, data: UserAdminUpdate, session: SessionDep, _: CurrentSuperuser
) -> UserPublic:
    """Superuser: change an account, including `is_active` (deactivating ends its sessions),
    `is_superuser` and `is_verified`. The last active superuser cannot lose the role."""
    updated = await accounts.update_account_by_id(
        session, user_id, data.model_dump(exclude_unset=True)
    )
    return UserPublic.model_validate(updated)


@router.delete(
    "/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(403, 404, 409),
)
async def delete_user(user_id: UserId, session: SessionDep, _: CurrentSuperuser) -> None:
    """Superuser: delete an account and everything it owns."""
    await accounts.delete_account_by_id(session, user_id)
