"""The email a project's admins get when one of its webhooks is turned off."""

from __future__ import annotations

from taskflow.config import Settings
from taskflow.core.email import EmailMessage, render_action_email
from taskflow.users.models import User
from taskflow.webhooks.models import Webhook


def disabled_email(settings: Settings, admin: User, webhook: Webhook) -> EmailMessage:
    link = f"{settings.public_url}/projects/{webhook.project_id}/settings"
    return render_action_email(
        to=admin.email,
        subject="A TaskFlow webhook was turned off",
        greeting=f"Hello {admin.full_name or admin.username},",
        paragraphs=[
            f"The webhook to {webhook.url} failed {webhook.failure_count} times in a row, "
            "so TaskFlow stopped sending it events.",
            "Its delivery log shows what the receiver answered. Once it works again, turn the "
            "webhook back on in the project's settings and redeliver what it missed.",
        ],
        action_label="Open the project's settings",
        action_url=link,
        footer="You get this email as an owner or admin of the project.",
    )
