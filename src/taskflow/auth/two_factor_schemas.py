"""What the two-factor API takes and gives."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, Strict

from taskflow.core.validation import RequestBody, Text
from taskflow.users.schemas import GivenPassword

# A 6-digit code (spaces allowed, as apps show "123 456") or a recovery code ("abcde-fghjk").
SecondFactorCode = Annotated[str, Strict(), Field(min_length=1, max_length=64), Text()]


class TwoFactorSetup(BaseModel):
    """A new TOTP secret, not active until enabled with a code from it."""

    secret: str = Field(description="Base32 secret, for typing into an authenticator app")
    otpauth_uri: str = Field(description="`otpauth://totp/...` URI, for the QR code")


class TwoFactorEnable(RequestBody):
    code: SecondFactorCode


class RecoveryCodes(BaseModel):
    recovery_codes: list[str] = Field(
        description="Ten single-use codes that stand in for the app's code; shown only now"
    )


class TwoFactorDisable(RequestBody):
    password: GivenPassword
    code: SecondFactorCode
