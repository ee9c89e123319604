"""Project and member schemas for the API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from taskflow.core.validation import HexColor, NoNul
from taskflow.projects.models import DEFAULT_COLOR, Role

ProjectName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoNul
]
Description = Annotated[str, StringConstraints(max_length=10_000), NoNul]


class ProjectCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ProjectName
    description: Description = ""
    color: HexColor = DEFAULT_COLOR


class ProjectUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ProjectName | None = None
    description: Description | None = None
    color: HexColor | None = None
    archived: bool | None = None


class ProjectPublic(BaseModel):
    id: int
    name: str
    description: str
    color: str
    is_inbox: bool
    archived: bool
    role: Role
    created_at: datetime


class MemberUserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    email: str
    full_name: str


class MemberPublic(BaseModel):
    user: MemberUserPublic
    role: Role
    created_at: datetime


# Ownership is handed over by PATCHing a member to owner, never granted on adding.
AssignableRole = Literal["admin", "editor", "viewer"]


class MemberCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=320), NoNul
    ] = Field(description="The email or username of the person to add")
    role: AssignableRole = "editor"


class MemberUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["owner", "admin", "editor", "viewer"]
