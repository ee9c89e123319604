"""Notification emails, rendered from Jinja2 templates (HTML + plain text): one email for a
group of notifications about one task (instant, grouped), or the daily digest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from taskflow.config import Settings
from taskflow.core.email import EmailMessage
from taskflow.notifications.schemas import NotificationPublic

if TYPE_CHECKING:
    from jinja2 import Environment


@cache
def _environment() -> Environment:
    # Imported by the first notification email, which the worker renders: Jinja2 is ~3 MB of
    # RSS every API worker would carry from start without rendering one (issue 22).
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("taskflow.notifications", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


SETTINGS_PATH = "/account#notifications"


def _task_title(notification: NotificationPublic) -> str:
    return str(notification.data.get("task_title") or "a task")


def describe(notification: NotificationPublic) -> str:
    """One line saying what happened, as the inbox and the emails put it."""
    actor = notification.actor.username if notification.actor is not None else "Someone"
    title = f"“{_task_title(notification)}”"
    project = f"“{notification.data.get('project_name') or 'a project'}”"
    match notification.type:
        case "assigned":
            return f"{actor} assigned you {title}"
        case "mentioned":
            return f"{actor} mentioned you on {title}"
        case "commented":
            return f"{actor} commented on {title}"
        case "task_completed":
            return f"{actor} completed {title}"
        case "reminder":
            return f"Reminder: {title}"
        case "member_added":
            return f"{actor} added you to {project}"
        case _:  # invitation_accepted
            return f"{actor} accepted your invitation to {project}"


def link(settings: Settings, notification: NotificationPublic) -> str:
    """Where the notification leads: its task in its project, else the project."""
    base = settings.public_url.rstrip("/")
    if notification.project_id is None:
        return f"{base}/"
    if notification.task_id is None:
        return f"{base}/projects/{notification.project_id}"
    return f"{base}/projects/{notification.project_id}?task={notification.task_id}"


@dataclass(frozen=True, slots=True)
class _Item:
    line: str
    excerpt: str
    url: str
    when: str


def _items(settings: Settings, notifications: Sequence[NotificationPublic]) -> list[_Item]:
    return [
        _Item(
            line=describe(notification),
            excerpt=str(notification.data.get("excerpt") or ""),
            url=link(settings, notification),
            when=notification.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        )
        for notification in notifications
    ]


def _render(to: str, subject: str, context: dict[str, Any]) -> EmailMessage:
    return EmailMessage(
        to=to,
        subject=subject,
        text=_environment().get_template("notifications.txt").render(**context),
        html=_environment().get_template("notifications.html").render(**context),
    )


def instant_email(
    settings: Settings, *, to: str, name: str, notifications: Sequence[NotificationPublic]
) -> EmailMessage:
    """One email for what happened on one task (or project) within the grouping window."""
    first = notifications[0]
    if len(notifications) == 1:
        subject = describe(first)
        intro = "Here is what happened in TaskFlow:"
    else:
        where = f"“{_task_title(first)}”" if first.task_id is not None else "your projects"
        subject = f"{len(notifications)} updates on {where}"
        intro = f"{len(notifications)} things happened on {where}:"
    return _render(
        to,
        subject,
        {
            "name": name,
            "intro": intro,
            "items": _items(settings, notifications),
            "action_url": link(settings, first),
            "action_label": "Open the task" if first.task_id is not None else "Open the project",
            "settings_url": settings.public_url.rstrip("/") + SETTINGS_PATH,
        },
    )


def digest_email(
    settings: Settings, *, to: str, name: str, notifications: Sequence[NotificationPublic]
) -> EmailMessage:
    """The daily digest: everything since the last one, newest last."""
    count = len(notifications)
    plural = "notification" if count == 1 else "notifications"
    return _render(
        to,
        f"Your TaskFlow digest: {count} {plural}",
        {
            "name": name,
            "intro": f"Since your last digest you have {count} {plural}:",
            "items": _items(settings, notifications),
            "action_url": settings.public_url.rstrip("/") + "/",
            "action_label": "Open TaskFlow",
            "settings_url": settings.public_url.rstrip("/") + SETTINGS_PATH,
        },
    )
