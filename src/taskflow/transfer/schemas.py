"""The export document, version 1.

References inside a document are the exporting database's ids (`id`, `parent_id`,
`label_ids`, `section_id`); an import gives everything new ids and keeps the references.
`sections` and `section_id` came later: a document without them imports as before.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, Field, PlainValidator, Strict, WithJsonSchema

from taskflow.core.validation import (
    HexColor,
    Id,
    JsonBool,
    JsonFloat,
    RequestBody,
    Text,
    UtcDateTime,
    json_integer,
)
from taskflow.projects.schemas import Description as ProjectDescription
from taskflow.projects.schemas import ProjectName
from taskflow.tasks.models import TaskStatus
from taskflow.tasks.positions import KEY_PATTERN, MAX_KEY_LENGTH, is_key
from taskflow.tasks.recurrence import RecurrenceBasis
from taskflow.tasks.schemas import (
    CommentBody,
    Description,
    DueAllDay,
    LabelName,
    Priority,
    Recurrence,
    SectionName,
    Title,
)

FORMAT: Literal["taskflow.export"] = "taskflow.export"
VERSION: Literal[1] = 1

# Sections: any finite number (they are appended after the last one, so a project's
# positions can grow past the bound a client may set). An import keeps the order, not the
# numbers.
ExportPosition = JsonFloat


# Tasks: a fractional-index key, or a number (exports made before keys); compared as such
# within a project (numbers first), and an import gives the tasks new keys in that order.
def _task_position(value: object) -> float | str:
    """One error at `position` whatever was wrong (not one per branch of a union)."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        try:  # an integer past a float's range (JSON allows 10**400) is no position either
            number = float(value)
        except OverflowError:
            number = math.inf
        if math.isfinite(number):
            return number
    if isinstance(value, str) and is_key(value):
        return value
    raise ValueError("a finite number or a fractional-index key (e.g. a0, a1V)")


ExportTaskPosition = Annotated[
    float | str,
    PlainValidator(_task_position),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number"},
                {"type": "string", "pattern": KEY_PATTERN, "maxLength": MAX_KEY_LENGTH},
            ],
            "description": "A fractional-index key, or a number (exports made before keys)",
        }
    ),
]
Author = Annotated[str, Strict(), Field(max_length=320), Text()]


class _Strict(RequestBody):
    """The document is read as strictly as any request: it is one (POST /import)."""


class ExportComment(_Strict):
    author: Author | None = Field(default=None, description="The author's username (informative)")
    body: CommentBody
    created_at: UtcDateTime | None = None


Sha256 = Annotated[str, Strict(), Field(pattern=r"^[0-9a-f]{64}$")]
ArchivePath = Annotated[str, Strict(), Field(pattern=r"^files/[0-9a-f]{64}$")]


class ExportAttachment(_Strict):
    """A file on a task. The JSON export links it (`url`, informative); the zip export also
    carries it (`file`, its path in the archive), and only an import of the zip restores it."""

    filename: Annotated[str, Strict(), Field(min_length=1, max_length=255), Text()]
    content_type: Annotated[str, Strict(), Field(max_length=127), Text()] = ""
    size: Annotated[int, Field(ge=0), BeforeValidator(json_integer)]
    sha256: Sha256
    created_at: UtcDateTime | None = None
    uploader: Author | None = Field(default=None, description="Username (informative)")
    url: Annotated[str, Strict(), Field(max_length=200), Text()] | None = None
    file: ArchivePath | None = None


class ExportTask(_Strict):
    id: Id
    parent_id: Id | None = None
    section_id: Id | None = None
    title: Title
    description: Description = ""
    status: TaskStatus = TaskStatus.TODO
    priority: Priority = 0
    due_at: UtcDateTime | None = None
    due_all_day: DueAllDay = False
    start_at: UtcDateTime | None = None
    recurrence: Recurrence | None = None
    recurrence_basis: RecurrenceBasis = "due"
    completed_at: UtcDateTime | None = None
    position: ExportTaskPosition = "a0"
    label_ids: Annotated[list[Id], Field(max_length=100)] = Field(default_factory=list)
    created_at: UtcDateTime | None = None
    comments: Annotated[list[ExportComment], Field(max_length=10_000)] = Field(default_factory=list)
    attachments: Annotated[list[ExportAttachment], Field(max_length=1_000)] = Field(
        default_factory=list
    )


class ExportLabel(_Strict):
    id: Id
    name: LabelName
    color: HexColor


class ExportSection(_Strict):
    id: Id
    name: SectionName
    position: ExportPosition = 0.0


class ExportProject(_Strict):
    id: Id
    name: ProjectName
    description: ProjectDescription = ""
    color: HexColor
    is_inbox: JsonBool = False
    archived: JsonBool = False
    created_at: UtcDateTime | None = None
    labels: Annotated[list[ExportLabel], Field(max_length=1_000)] = Field(default_factory=list)
    sections: Annotated[list[ExportSection], Field(max_length=1_000)] = Field(default_factory=list)
    tasks: Annotated[list[ExportTask], Field(max_length=100_000)] = Field(default_factory=list)


class ExportDocument(_Strict):
    format: Literal["taskflow.export"] = FORMAT
    version: Annotated[Literal[1], BeforeValidator(json_integer)] = VERSION
    exported_at: UtcDateTime | None = None
    projects: Annotated[list[ExportProject], Field(max_length=10_000)]


class ImportResult(BaseModel):
    projects: int
    tasks: int
    attachments: int = 0  # restored from a zip (a JSON document carries no files)
