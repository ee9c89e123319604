"""What the webhook routes take and give."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict

from taskflow.core.pagination import Page
from taskflow.core.validation import JsonBool, NotNull, RequestBody, Text

# The events a webhook may ask for: the activity verbs (and "*": all of them). A new verb is
# added here when its domain starts recording it.
EVENT_NAMES = (
    "project.created",
    "project.updated",
    "project.deleted",
    "project.restored",
    "project.imported",
    "member.added",
    "member.updated",
    "member.removed",
    "member.left",
    "task.created",
    "task.updated",
    "task.completed",
    "task.reopened",
    "task.moved",
    "task.deleted",
    "task.restored",
    "task.voted",
    "task.unvoted",
    "comment.created",
    "comment.updated",
    "comment.deleted",
    "comment.restored",
    "label.created",
    "label.updated",
    "label.deleted",
    "section.created",
    "section.updated",
    "section.deleted",
)
Subscription = Annotated[str, Strict(), Field(description="An activity verb, or `*` for all")]


def _known_events(events: list[str]) -> list[str]:
    unknown = [name for name in events if name != "*" and name not in EVENT_NAMES]
    if unknown:
        raise ValueError(f"unknown event name(s): {', '.join(unknown[:5])}")
    if "*" in events and len(events) > 1:
        raise ValueError('"*" stands alone: it already means every event')
    return sorted(set(events))


Events = Annotated[
    list[Annotated[str, Strict(), Field(max_length=64), Text()]],
    Field(
        min_length=1,
        max_length=len(EVENT_NAMES),
        description='Activity verbs (e.g. `task.created`), or `["*"]` for every event',
        json_schema_extra={"items": {"enum": ["*", *EVENT_NAMES]}},
    ),
    AfterValidator(_known_events),
]
WebhookUrl = Annotated[
    str,
    Strict(),
    Field(min_length=1, max_length=2000, pattern=r"^[hH][tT][tT][pP][sS]?://[^\s]+$"),
    Text(),
]


class WebhookCreate(RequestBody):
    url: WebhookUrl
    events: Events
    active: JsonBool = True


class WebhookUpdate(RequestBody):
    url: Annotated[WebhookUrl | None, NotNull()] = None
    events: Annotated[Events | None, NotNull()] = None
    active: Annotated[JsonBool | None, NotNull()] = None


class WebhookPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int
    url: str
    events: list[str]
    active: bool
    created_at: datetime
    last_delivery_at: datetime | None
    failure_count: int = Field(description="Failed attempts in a row; at 20 the webhook turns off")


class WebhookCreated(WebhookPublic):
    secret: str = Field(description="The HMAC-SHA256 key of `X-TaskFlow-Signature`: shown once")


class DeliveryPublic(BaseModel):
    """One event for one webhook, with its latest attempt."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="Also the `X-TaskFlow-Delivery` header, the same on every retry")
    event: str
    state: Literal["pending", "succeeded", "failed"]
    status_code: int | None
    attempt: int = Field(description="Attempts made so far")
    duration_ms: int | None
    error: str | None
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    redelivery_of: int | None
    request_body: dict[str, Any] = Field(description="The JSON body sent (or to be sent)")
    response_body: str | None = Field(description="The first 2 KB of the last answer")


WebhookPage = Page[WebhookPublic]
DeliveryPage = Page[DeliveryPublic]
