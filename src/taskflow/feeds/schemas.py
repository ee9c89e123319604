"""What the calendar-feed routes give."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CalendarTokenPublic(BaseModel):
    url: str = Field(
        description="The secret feed URL: anyone with it reads your open tasks with a due date"
    )
