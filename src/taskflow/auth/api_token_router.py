"""/auth/api-tokens: a user's personal API tokens (never reachable with an API token)."""

from __future__ import annotations

from fastapi import APIRouter, status

from taskflow.auth import api_tokens
from taskflow.auth.api_token_schemas import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenPage,
    ApiTokenPublic,
)
from taskflow.auth.dependencies import CurrentUser
from taskflow.core.dependencies import ReadSessionDep, SessionDep
from taskflow.core.errors import error_responses
from taskflow.core.pagination import PaginationDep
from taskflow.core.validation import PathId

router = APIRouter(prefix="/auth/api-tokens", tags=["auth"])


@router.get("", response_model=ApiTokenPage, responses=error_responses(401, 403))
async def list_api_tokens(
    session: ReadSessionDep, user: CurrentUser, page: PaginationDep
) -> ApiTokenPage:
    """The caller's API tokens, newest first (their secrets are never shown again)."""
    tokens, total = await api_tokens.list_tokens(
        session, user, limit=page.limit, offset=page.offset
    )
    return ApiTokenPage(
        items=[ApiTokenPublic.model_validate(item) for item in tokens],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.post(
    "",
    response_model=ApiTokenCreated,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403),
)
async def create_api_token(
    data: ApiTokenCreate, session: SessionDep, user: CurrentUser
) -> ApiTokenCreated:
    """A new personal API token. `token` is in this reply only: copy it now."""
    api_token, secret = await api_tokens.create(
        session, user, name=data.name, scopes=data.scopes, expires_at=data.expires_at
    )
    public = ApiTokenPublic.model_validate(api_token)
    return ApiTokenCreated(**public.model_dump(), token=secret)


@router.delete(
    "/{token_id}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(401, 403, 404)
)
async def revoke_api_token(token_id: PathId, session: SessionDep, user: CurrentUser) -> None:
    """Revoke a token: requests and open WebSockets with it stop at once."""
    await api_tokens.revoke(session, user, token_id)
