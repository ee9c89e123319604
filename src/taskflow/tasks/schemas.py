"""Task, label, comment and bulk schemas for the API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from taskflow.core.validation import HexColor, Id, NoNul
from taskflow.projects.models import DEFAULT_COLOR
from taskflow.tasks.models import TaskStatus


def _as_utc(value: datetime | None) -> datetime | None:
    # A time without an offset is taken as UTC; every time is stored in UTC.
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:00-05:00 is past the last representable instant
        raise ValueError("datetime out of range") from None


UtcDateTime = Annotated[datetime, AfterValidator(_as_utc)]
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), NoNul
]
Description = Annotated[str, StringConstraints(max_length=50_000), NoNul]
Priority = Annotated[int, Field(ge=0, le=4, description="0 (none) to 4 (urgent)")]
Position = Annotated[float, Field(ge=-1e15, le=1e15, allow_inf_nan=False)]
LabelIds = Annotated[list[Id], Field(max_length=100)]
CommentBody = Annotated[str, StringConstraints(min_length=1, max_length=10_000), NoNul]
LabelName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50), NoNul
]


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    project_id: Id | None = Field(default=None, description="Default: the caller's Inbox")
    description: Description = ""
    status: TaskStatus = TaskStatus.TODO
    priority: Priority = 0
    due_at: UtcDateTime | None = None
    assignee_id: Id | None = None
    label_ids: LabelIds = Field(default_factory=list)
    parent_id: Id | None = None
    position: Position | None = Field(default=None, description="Default: after the last task")


class TaskReplace(BaseModel):
    """PUT: every editable field; omitted ones take their defaults (project/parent/position
    change only when given)."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    description: Description = ""
    status: TaskStatus = TaskStatus.TODO
    priority: Priority = 0
    due_at: UtcDateTime | None = None
    assignee_id: Id | None = None
    label_ids: LabelIds = Field(default_factory=list)
    project_id: Id | None = None
    parent_id: Id | None = None
    position: Position | None = None


class TaskUpdate(BaseModel):
    """PATCH: only the fields given change; null clears due_at, assignee_id and parent_id."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    description: Description | None = None
    status: TaskStatus | None = None
    priority: Priority | None = None
    due_at: UtcDateTime | None = None
    assignee_id: Id | None = None
    label_ids: LabelIds | None = None
    project_id: Id | None = None
    parent_id: Id | None = None
    position: Position | None = None


class LabelRef(BaseModel):
    id: int
    name: str
    color: str


class TaskPublic(BaseModel):
    id: int
    project_id: int
    parent_id: int | None
    title: str
    description: str
    status: TaskStatus
    priority: int
    due_at: datetime | None
    completed_at: datetime | None
    assignee_id: int | None
    labels: list[LabelRef]
    position: float
    vote_count: int
    voted_by_me: bool
    comment_count: int
    created_by: int | None
    created_at: datetime
    updated_at: datetime
    version: int


TaskSort = Literal[
    "position",
    "-position",
    "created_at",
    "-created_at",
    "due_at",
    "-due_at",
    "priority",
    "-priority",
    "votes",
    "-votes",
    "title",
    "-title",
]


class BulkAction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: Annotated[list[Id], Field(min_length=1, max_length=500)]
    action: Literal["complete", "reopen", "delete", "move"]
    project_id: Id | None = Field(default=None, description="The target of a move")


class BulkResult(BaseModel):
    updated: int


# Labels


class LabelCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: LabelName
    color: HexColor = DEFAULT_COLOR


class LabelUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: LabelName | None = None
    color: HexColor | None = None


class LabelPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int
    name: str
    color: str
    created_at: datetime


# Comments


class CommentWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: CommentBody


class AuthorPublic(BaseModel):
    id: int
    username: str


class CommentPublic(BaseModel):
    id: int
    task_id: int
    author: AuthorPublic
    body: str
    created_at: datetime
    updated_at: datetime
