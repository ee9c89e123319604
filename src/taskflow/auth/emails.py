"""The emails accounts send: verify your address, reset your password."""

from __future__ import annotations

from urllib.parse import quote

from taskflow.config import Settings
from taskflow.core.email import EmailMessage, render_action_email
from taskflow.users.models import User


def _greeting(user: User) -> str:
    return f"Hello {user.full_name or user.username},"


def verification_email(settings: Settings, user: User, token: str) -> EmailMessage:
    link = f"{settings.public_url}/verify-email?token={quote(token, safe='')}"
    return render_action_email(
        to=user.email,
        subject="Verify your TaskFlow email address",
        greeting=_greeting(user),
        paragraphs=[
            "Please confirm that this is your email address by opening the link below.",
            "The link works once and expires in 48 hours.",
        ],
        action_label="Verify email address",
        action_url=link,
        footer="If you did not create a TaskFlow account, you can ignore this email.",
    )


def password_reset_email(settings: Settings, user: User, token: str) -> EmailMessage:
    link = f"{settings.public_url}/reset-password?token={quote(token, safe='')}"
    return render_action_email(
        to=user.email,
        subject="Reset your TaskFlow password",
        greeting=_greeting(user),
        paragraphs=[
            "Someone (hopefully you) asked to reset the password of your TaskFlow account.",
            "Open the link below to choose a new one. It works once and expires in 1 hour; "
            "setting a new password signs you out everywhere.",
        ],
        action_label="Choose a new password",
        action_url=link,
        footer="If you did not ask for this, ignore this email: your password stays as it is.",
    )
