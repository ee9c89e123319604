"""Project and member schemas for the API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict

from taskflow.core.validation import HexColor, JsonBool, RequestBody, Text
from taskflow.projects.models import DEFAULT_COLOR, Role
from taskflow.users.schemas import Email

# Names: some text that is not whitespace, stored trimmed; bounds count the text as sent.
ProjectName = Annotated[
    str, Strict(), Field(min_length=1, max_length=200), Text(not_blank=True, strip=True)
]
Description = Annotated[str, Strict(), Field(max_length=10_000), Text()]


class ProjectCreate(RequestBody):
    name: ProjectName
    description: Description = ""
    color: HexColor = DEFAULT_COLOR


class ProjectUpdate(RequestBody):
    name: ProjectName | None = None
    description: Description | None = None
    color: HexColor | None = None
    archived: JsonBool | None = None


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


class MemberCreate(RequestBody):
    user: Annotated[
        str, Strict(), Field(min_length=1, max_length=320), Text(not_blank=True, strip=True)
    ] = Field(description="The email or username of the person to add; 422 if there is none")
    role: AssignableRole = "editor"


class MemberUpdate(RequestBody):
    role: Literal["owner", "admin", "editor", "viewer"]


class InvitationCreate(RequestBody):
    email: Email
    role: AssignableRole = "editor"


class InviterPublic(BaseModel):
    id: int
    username: str


class InvitationPublic(BaseModel):
    id: int
    email: str
    role: Role
    invited_by: InviterPublic | None
    created_at: datetime
    expires_at: datetime


class InvitationAccept(RequestBody):
    token: Annotated[str, Strict(), Field(min_length=1, max_length=200), Text()]
