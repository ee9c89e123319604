"""Quick add's request and answers (SPEC §9)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, Strict

from taskflow.core.validation import Id, RequestBody, Text
from taskflow.tasks.quick_parse import SpanKind
from taskflow.tasks.recurrence import RecurrenceBasis
from taskflow.tasks.schemas import TaskPublic

MAX_TEXT = 20_000
MAX_LINES = 50


class QuickAdd(RequestBody):
    text: Annotated[
        str,
        Strict(),
        Field(
            min_length=1,
            max_length=MAX_TEXT,
            description=f"One task per non-empty line (at most {MAX_LINES}), e.g. "
            "`Pay rent tomorrow 5pm p1 #Home @bills` (docs/quick-add-and-filters.md)",
        ),
        Text(not_blank=True),
    ]
    project_id: Id | None = Field(
        default=None, description="Where tasks without a `#Project` go (default: your Inbox)"
    )


class QuickSpan(BaseModel):
    start: int = Field(description="Offset in `text`, in Unicode code points")
    end: int
    kind: SpanKind


class QuickDraft(BaseModel):
    """What a line would create (`dry_run`): nothing is written."""

    title: str = Field(description="Empty when the line holds nothing else (a create is 422)")
    project_id: int
    due_at: datetime | None
    due_all_day: bool
    recurrence: str | None
    recurrence_basis: RecurrenceBasis
    priority: int
    label_ids: list[int]
    label_names: list[str] = Field(description="Every label, those to be created included")
    assignee_id: int | None
    spans: list[QuickSpan]


class QuickDrafts(BaseModel):
    items: list[QuickDraft]


class QuickTasks(BaseModel):
    items: list[TaskPublic]
