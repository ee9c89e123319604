"""Imports every domain's models so Base.metadata knows all tables (Alembic, tests)."""

from taskflow.activity.models import Activity
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
    "OneTimeToken",
    "Project",
    "ProjectMember",
    "RefreshToken",
    "Section",
    "Task",
    "TaskWatcher",
    "User",
    "Vote",
    "task_labels",
]
