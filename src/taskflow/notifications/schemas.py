"""Notification schemas for the API (SPEC §7)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, model_validator

from taskflow.core.validation import Id, JsonBool, RequestBody
from taskflow.notifications.models import Digest, NotificationType

MAX_READ_IDS = 500


class ActorPublic(BaseModel):
    id: int
    username: str


class NotificationPublic(BaseModel):
    id: int
    type: NotificationType
    task_id: int | None
    project_id: int | None
    actor: ActorPublic | None
    data: dict[str, Any]
    read_at: datetime | None
    created_at: datetime


class UnreadCount(BaseModel):
    count: int


class MarkRead(RequestBody):
    """`{ids: [...]}` (the caller's own; up to 500) or `{all: true}`."""

    ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_READ_IDS)] | None = None
    all: JsonBool | None = None

    @model_validator(mode="after")
    def _one_of(self) -> MarkRead:
        if (self.ids is None) == (self.all is None):
            raise ValueError("give either ids or all: true")
        if self.all is False:
            raise ValueError("all must be true (or give ids)")
        return self


class EmailSettings(BaseModel):
    assigned: bool = True
    mentioned: bool = True
    commented: bool = True
    reminder: bool = True
    member_added: bool = True


class NotificationSettingsPublic(BaseModel):
    email: EmailSettings
    digest: Digest


class EmailSettingsUpdate(RequestBody):
    assigned: JsonBool | None = None
    mentioned: JsonBool | None = None
    commented: JsonBool | None = None
    reminder: JsonBool | None = None
    member_added: JsonBool | None = None


class NotificationSettingsUpdate(RequestBody):
    email: EmailSettingsUpdate | None = None
    digest: Digest | None = None
