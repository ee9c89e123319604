"""Imports every domain's models so Base.metadata knows all tables (Alembic, tests)."""

from taskflow.activity.models import Activity
from taskflow.auth.factor_models import OidcIdentity, RecoveryCode, TotpCredential
from taskflow.auth.models import AuthSession, OneTimeToken, RefreshToken
from taskflow.notifications.models import Notification, NotificationSettings, TaskWatcher
from taskflow.projects.models import Invitation, Project, ProjectMember
from taskflow.tasks.models import Comment, Label, Section, Task, Vote, task_labels
from taskflow.users.models import User

__all__ = [
    "Activity",
    "AuthSession",
    "Comment",
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
    "Section",
    "Task",
    "TaskWatcher",
    "TotpCredential",
    "User",
    "Vote",
    "task_labels",
]
