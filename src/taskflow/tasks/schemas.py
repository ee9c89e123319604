"""Task, section, label, comment and bulk schemas for the API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict

from taskflow.core.validation import (
    HexColor,
    Id,
    JsonBool,
    JsonFloat,
    NotNull,
    RequestBody,
    Text,
    UtcDateTime,
    json_integer,
)
from taskflow.projects.models import DEFAULT_COLOR
from taskflow.tasks.models import TaskStatus
from taskflow.tasks.positions import KEY_PATTERN, MAX_KEY_LENGTH, is_key
from taskflow.tasks.recurrence import MAX_RULE_LENGTH, RULE_PATTERN, RecurrenceBasis

# Titles and label names: some text that is not whitespace, stored trimmed.
Title = Annotated[
    str, Strict(), Field(min_length=1, max_length=500), Text(not_blank=True, strip=True)
]
Description = Annotated[str, Strict(), Field(max_length=50_000), Text()]
Priority = Annotated[
    int,
    Field(ge=0, le=4, description="0 (none) to 4 (urgent)"),
    BeforeValidator(json_integer),
]
# Sections and saved filters: numbers (few rows, rarely moved).
Position = Annotated[JsonFloat, Field(ge=-1e15, le=1e15)]


def _order_key(value: str) -> str:
    if not is_key(value):
        raise ValueError(
            "not a fractional-index key: a letter giving the integer part's length, that "
            "many base-62 digits, then an optional fraction not ending in 0 (e.g. a0, a1V)"
        )
    return value


# Tasks: a fractional-index key (tasks/positions.py), compared byte by byte.
TaskPosition = Annotated[
    str,
    Strict(),
    Field(
        min_length=2,
        max_length=MAX_KEY_LENGTH,
        pattern=KEY_PATTERN,
        description="A fractional-index key (base 62, compared byte by byte), e.g. `a0`, `a0V`",
        examples=["a0", "a1", "a0V"],
    ),
    AfterValidator(_order_key),
]
LabelIds = Annotated[list[Id], Field(max_length=100)]
SectionName = Annotated[
    str, Strict(), Field(min_length=1, max_length=120), Text(not_blank=True, strip=True)
]
SectionId = Annotated[Id | None, Field(description="A section of the task's project, or null")]
Recurrence = Annotated[
    str,
    Strict(),
    Field(
        min_length=1,
        max_length=MAX_RULE_LENGTH,
        pattern=RULE_PATTERN,
        description="An RFC 5545 RRULE body, e.g. `FREQ=WEEKLY;BYDAY=MO,WE` (docs/time.md)",
        examples=["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,WE", "FREQ=MONTHLY;BYMONTHDAY=-1"],
    ),
]
DueAllDay = Annotated[JsonBool, Field(description="Due on the local date of due_at, no time")]
CommentBody = Annotated[str, Strict(), Field(min_length=1, max_length=10_000), Text()]
LabelName = Annotated[
    str, Strict(), Field(min_length=1, max_length=50), Text(not_blank=True, strip=True)
]


class TaskCreate(RequestBody):
    title: Title
    project_id: Id | None = Field(default=None, description="Default: the caller's Inbox")
    description: Description = ""
    status: TaskStatus = TaskStatus.TODO
    priority: Priority = 0
    due_at: UtcDateTime | None = None
    due_all_day: DueAllDay = False
    start_at: Annotated[UtcDateTime | None, Field(description="Not after due_at")] = None
    recurrence: Recurrence | None = None
    recurrence_basis: RecurrenceBasis = "due"
    assignee_id: Id | None = None
    label_ids: LabelIds = Field(default_factory=list)
    parent_id: Id | None = None
    section_id: SectionId = None
    position: TaskPosition | None = Field(default=None, description="Default: after the last task")


class TaskReplace(RequestBody):
    """PUT: every editable field; omitted ones take their defaults (project/parent/section/
    position change only when given)."""

    title: Title
    description: Description = ""
    status: TaskStatus = TaskStatus.TODO
    priority: Priority = 0
    due_at: UtcDateTime | None = None
    due_all_day: DueAllDay = False
    start_at: UtcDateTime | None = None
    recurrence: Recurrence | None = None
    recurrence_basis: RecurrenceBasis = "due"
    assignee_id: Id | None = None
    label_ids: LabelIds = Field(default_factory=list)
    project_id: Id | None = None
    parent_id: Id | None = None
    section_id: SectionId = None
    position: TaskPosition | None = None


class TaskUpdate(RequestBody):
    """PATCH: only the fields given change. null clears due_at, start_at, recurrence (ending
    the series), assignee_id, parent_id and section_id, empties the description, leaves
    label_ids and project_id as they are, and puts a moved task last; title, status,
    priority, due_all_day and recurrence_basis cannot be null. A task moved to another
    project leaves its section unless a `section_id` of the new project is given."""

    title: Annotated[Title | None, NotNull()] = None
    description: Description | None = None
    status: Annotated[TaskStatus | None, NotNull()] = None
    priority: Annotated[Priority | None, NotNull()] = None
    due_at: UtcDateTime | None = None
    due_all_day: Annotated[DueAllDay | None, NotNull()] = None
    start_at: UtcDateTime | None = None
    recurrence: Recurrence | None = None
    recurrence_basis: Annotated[RecurrenceBasis | None, NotNull()] = None
    assignee_id: Id | None = None
    label_ids: LabelIds | None = None
    project_id: Id | None = None
    parent_id: Id | None = None
    section_id: SectionId = None
    position: TaskPosition | None = None


class LabelRef(BaseModel):
    id: int
    name: str
    color: str


class MentionPublic(BaseModel):
    id: int
    username: str


class TaskPublic(BaseModel):
    id: int
    project_id: int
    parent_id: int | None
    section_id: int | None
    title: str
    description: str
    status: TaskStatus
    priority: int
    due_at: datetime | None
    due_all_day: bool
    start_at: datetime | None
    recurrence: str | None
    recurrence_basis: RecurrenceBasis
    completed_at: datetime | None
    assignee_id: int | None
    labels: list[LabelRef]
    position: str = Field(description="A fractional-index key: tasks sort by it byte by byte")
    vote_count: int
    voted_by_me: bool
    comment_count: int
    attachment_count: int
    subtask_count: int = Field(description="Its subtasks (not those in the trash)")
    subtasks_done: int = Field(description="How many of its subtasks are done")
    created_by: int | None
    created_at: datetime
    updated_at: datetime
    version: int
    mentions: list[MentionPublic]
    watching: bool


TaskSort = Literal[
    "position",
    "-position",
    "created_at",
    "-created_at",
    "due_at",
    "-due_at",
    "start_at",
    "-start_at",
    "priority",
    "-priority",
    "votes",
    "-votes",
    "title",
    "-title",
]


BulkIds = Annotated[list[Id], Field(min_length=1, max_length=500)]


class BulkStatusChange(RequestBody):
    """Complete or reopen every task."""

    action: Literal["complete", "reopen"]
    ids: BulkIds


class BulkDelete(RequestBody):
    action: Literal["delete"]
    ids: BulkIds


class BulkMove(RequestBody):
    """Move every task (with its subtasks) to `project_id`, into its section `section_id`
    (default: no section)."""

    action: Literal["move"]
    ids: BulkIds
    project_id: Id
    section_id: Id | None = Field(default=None, description="A section of `project_id`")


BulkAction = Annotated[BulkStatusChange | BulkDelete | BulkMove, Field(discriminator="action")]


class BulkResult(BaseModel):
    updated: int


# Sections


class SectionCreate(RequestBody):
    name: SectionName
    position: Position | None = Field(default=None, description="Default: after the last one")


class SectionUpdate(RequestBody):
    name: Annotated[SectionName | None, NotNull()] = None
    position: Annotated[Position | None, NotNull()] = None


class SectionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int
    name: str
    position: float
    created_at: datetime


# Saved filters

FilterName = Annotated[
    str, Strict(), Field(min_length=1, max_length=100), Text(not_blank=True, strip=True)
]
FilterQuery = Annotated[
    str,
    Strict(),
    Field(min_length=1, max_length=1000, description="An expression of the filter language"),
    Text(not_blank=True, strip=True),
]


class FilterCreate(RequestBody):
    name: FilterName
    query: FilterQuery
    color: HexColor = DEFAULT_COLOR
    position: Position | None = Field(default=None, description="Default: after the last one")


class FilterUpdate(RequestBody):
    name: Annotated[FilterName | None, NotNull()] = None
    query: Annotated[FilterQuery | None, NotNull()] = None
    color: Annotated[HexColor | None, NotNull()] = None
    position: Annotated[Position | None, NotNull()] = None


class FilterPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    query: str
    color: str
    position: float
    created_at: datetime
    count: int | None = Field(
        default=None,
        description="With `with_counts=true`: how many tasks `GET /tasks?filter_id=` lists",
    )


# Labels


class LabelCreate(RequestBody):
    name: LabelName
    color: HexColor = DEFAULT_COLOR


class LabelUpdate(RequestBody):
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


class CommentWrite(RequestBody):
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
    mentions: list[MentionPublic]


# Reminders

MAX_BEFORE_DUE_MINUTES = 40_320  # four weeks


class ReminderCreate(RequestBody):
    """Exactly one of `remind_at` (an absolute time) or `before_due_minutes` (relative to
    the task's due date; follows it when it moves)."""

    remind_at: UtcDateTime | None = None
    before_due_minutes: Annotated[
        Annotated[int, Field(ge=0, le=MAX_BEFORE_DUE_MINUTES), BeforeValidator(json_integer)]
        | None,
        Field(description="Needs a due_at"),
    ] = None


class ReminderSnooze(RequestBody):
    minutes: Annotated[int, Field(ge=5, le=10_080), BeforeValidator(json_integer)]


class ReminderPublic(BaseModel):
    id: int
    task_id: int
    remind_at: datetime | None
    before_due_minutes: int | None
    sent_at: datetime | None
    snoozed_until: datetime | None


# History (SPEC §10)

VersionedField = Literal[
    "title",
    "description",
    "status",
    "priority",
    "due_at",
    "due_all_day",
    "start_at",
    "recurrence",
    "recurrence_basis",
    "assignee_id",
    "label_ids",
    "section_id",
]
# The same names, in order, for code that iterates them: said once, in the Literal.
VERSIONED_FIELDS: tuple[VersionedField, ...] = get_args(VersionedField)


class TaskVersionPublic(BaseModel):
    version: int
    changed_by: AuthorPublic | None = Field(description="Null when that account is gone")
    changed_at: datetime
    fields: dict[str, object] = Field(
        description="The editable fields after this version: " + ", ".join(VERSIONED_FIELDS)
    )


class TaskRevert(RequestBody):
    """Set `fields` (all of them when omitted) as they were at `version`, as a new version."""

    version: Annotated[int, Field(ge=1, le=2**31 - 1), BeforeValidator(json_integer)]
    fields: Annotated[
        list[VersionedField] | None, Field(min_length=1, max_length=len(VERSIONED_FIELDS))
    ] = None
