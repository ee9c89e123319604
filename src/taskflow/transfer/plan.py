"""What a foreign import will create, before anything is written: a project, its labels and
tasks (subtasks by index), with comments. Parsers (todoist, trello) build it; `importer`
writes it in one unit of work; the preview answers it as is."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from taskflow.core.errors import Unprocessable
from taskflow.tasks.models import TaskStatus

TITLE_MAX = 500
COMMENT_MAX = 10_000
LABEL_NAME_MAX = 50
MAX_TASKS = 100_000


class ImportError_(Unprocessable):  # noqa: N801  (not the builtin ImportError)
    """A malformed import: 422 naming where (a line, a JSON path)."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")


@dataclass
class PlannedTask:
    title: str
    description: str = ""
    priority: int = 0
    due_at: datetime | None = None
    status: TaskStatus = TaskStatus.TODO
    completed_at: datetime | None = None
    parent: int | None = None  # index of a top-level task of the plan
    labels: list[str] = field(default_factory=list)
    section: str | None = None
    comments: list[tuple[str, datetime | None]] = field(default_factory=list)


@dataclass
class ImportPlan:
    project_name: str
    description: str = ""
    labels: dict[str, str] = field(default_factory=dict)  # name -> color
    sections: list[str] = field(default_factory=list)
    tasks: list[PlannedTask] = field(default_factory=list)

    @property
    def comment_count(self) -> int:
        return sum(len(task.comments) for task in self.tasks)


def clip_title(text: str) -> str:
    text = " ".join(text.split())
    return text[:TITLE_MAX] or "(untitled)"


def clip_comment(text: str) -> str:
    return text[:COMMENT_MAX]
