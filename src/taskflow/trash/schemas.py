"""What the trash routes give."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from taskflow.projects.schemas import ProjectPublic
from taskflow.tasks.schemas import CommentPublic, TaskPublic


class TrashType(StrEnum):
    TASK = "task"
    PROJECT = "project"
    COMMENT = "comment"


class DeletedBy(BaseModel):
    id: int
    username: str


class TrashItemPublic(BaseModel):
    type: TrashType
    id: int
    title: str = Field(description="The task's title, the project's name, a comment's start")
    project_id: int
    deleted_by: DeletedBy | None = Field(description="Null when that account is gone")
    deleted_at: datetime
    purge_at: datetime = Field(description="When the retention job deletes it for good")


RestoredPublic = TaskPublic | ProjectPublic | CommentPublic
