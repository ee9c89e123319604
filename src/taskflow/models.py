"""Imports every domain's models so Base.metadata knows all tables (Alembic, tests)."""

from taskflow.activity.models import Activity
from taskflow.attachments.models import Attachment, FilePurge
from taskflow.auth.api_token_models import ApiToken
from taskflow.auth.factor_models import OidcIdentity, RecoveryCode, TotpCredential
from taskflow.auth.models import AuthSession, OneTimeToken, RefreshToken
from taskflow.feeds.models import CalendarFeed
from taskflow.notifications.models import Notification, NotificationSettings, TaskWatcher
from taskflow.projects.models import Invitation, Project, ProjectMember
from taskflow.tasks.models import (
    Comment,
    Label,
    Reminder,
    SavedFilter,
    Section,
    Task,
    Vote,
    task_labels,
)
from taskflow.users.models import User
from taskflow.webhooks.models import Webhook, WebhookDelivery

__all__ = [
    "Activity",
    "ApiToken",
    "Attachment",
    "AuthSession",
    "CalendarFeed",
    "Comment",
    "FilePurge",
    "Invitation",
    "Label",
    "Notification",
    "NotificationSettings",
    "OidcIdentity",
    "OneTimeToken",
    "Project",
    "ProjectMember",
    "RecoveryCode",
    "RefreshToken",
    "Reminder",
    "SavedFilter",
    "Section",
    "Task",
    "TaskWatcher",
    "TotpCredential",
    "User",
    "Vote",
    "Webhook",
    "WebhookDelivery",
    "task_labels",
]
