"""Imports every domain's models so Base.metadata knows all tables (Alembic, tests)."""

from taskflow.activity.models import Activity
from taskflow.auth.api_token_models import ApiToken
from taskflow.auth.models import AuthSession, OneTimeToken, RefreshToken
from taskflow.feeds.models import CalendarFeed
from taskflow.projects.models import Project, ProjectMember
from taskflow.tasks.models import Comment, Label, Section, Task, Vote, task_labels
from taskflow.users.models import User
from taskflow.webhooks.models import Webhook, WebhookDelivery

__all__ = [
    "Activity",
    "ApiToken",
    "AuthSession",
    "CalendarFeed",
    "Comment",
    "Label",
    "OneTimeToken",
    "Project",
    "ProjectMember",
    "RefreshToken",
    "Section",
    "Task",
    "User",
    "Vote",
    "Webhook",
    "WebhookDelivery",
    "task_labels",
]
