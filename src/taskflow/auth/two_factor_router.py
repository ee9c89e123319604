"""/auth/2fa: set up, enable and disable TOTP two-factor authentication."""

from __future__ import annotations

from fastapi import APIRouter, status

from taskflow.auth import service, two_factor
from taskflow.auth.dependencies import (
    ClientInfoDep,
    CurrentPrincipal,
    RateLimiterDep,
    SettingsDep,
)
from taskflow.auth.two_factor_schemas import (
    RecoveryCodes,
    TwoFactorDisable,
    TwoFactorEnable,
    TwoFactorSetup,
)
from taskflow.core.dependencies import SessionDep
from taskflow.core.errors import error_responses

router = APIRouter(prefix="/auth/2fa", tags=["auth"])


@router.post("/setup", response_model=TwoFactorSetup, responses=error_responses(401, 409))
async def setup_two_factor(
    session: SessionDep, settings: SettingsDep, principal: CurrentPrincipal
) -> TwoFactorSetup:
    """A new secret and its `otpauth://` URI for an authenticator app; not active until
    `/auth/2fa/enable` confirms a code. 409 when two-factor authentication is already on."""
    secret, uri = await two_factor.setup(session, settings, principal.user)
    return TwoFactorSetup(secret=secret, otpauth_uri=uri)


@router.post("/enable", response_model=RecoveryCodes, responses=error_responses(400, 401, 409, 429))
async def enable_two_factor(
    data: TwoFactorEnable,
    session: SessionDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    client: ClientInfoDep,
    principal: CurrentPrincipal,
) -> RecoveryCodes:
    """Turn two-factor authentication on with a current code: ten single-use recovery codes
    (shown only now). Every other session of the user ends. 400 for a wrong code."""
    codes = await two_factor.enable(
        session,
        settings,
        limiter,
        principal.user,
        data.code,
        client=client,
        current_session_id=principal.session_id,
    )
    return RecoveryCodes(recovery_codes=codes)


@router.post(
    "/disable",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(400, 401, 409, 429),
)
async def disable_two_factor(
    data: TwoFactorDisable,
    session: SessionDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    client: ClientInfoDep,
    principal: CurrentPrincipal,
) -> None:
    """Turn two-factor authentication off with the password and a current or recovery code.
    Every other session of the user ends. 400 for a wrong password or code."""
    await service.check_current_password(settings, limiter, principal.user, data.password, client)
    await two_factor.disable(
        session,
        settings,
        limiter,
        principal.user,
        code=data.code,
        client=client,
        current_session_id=principal.session_id,
    )
