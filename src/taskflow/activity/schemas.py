"""Activity schemas for the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class ActorPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str


class ActivityPublic(BaseModel):
    id: int
    actor: ActorPublic | None  # None once the actor's account is deleted
    verb: str
    task_id: int | None
    changes: dict[str, Any]
    created_at: datetime
