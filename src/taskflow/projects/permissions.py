"""Who may see and do what on a project: the one query fragment and the one check.

A user who is not a member of a project gets 404 for it and for everything in it (tasks,
labels, comments, activity): its existence is not theirs to know. A member whose role is too
low gets 403, and so does any change to the content of an archived project (read-only until
an admin unarchives it).

Every query that reaches a project's data composes `with_access` (joined to the caller's
membership, with the role and, for changes, the archived flag as columns) or
`visible_project_ids` (the same membership as a subquery, for listings), and every answer
comes from `check`. A new rule (trash, say) is a change here, nowhere else.

The trash (SPEC §10) is such a rule: a trashed project, and every trashed row a statement
reads (tasks, comments: whatever has `deleted_at`, `db.trash.only_live`), are not there for
anyone; only the trash's own reads ask for them (`trashed=True`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeAlias

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    ColumnExpressionArgument,
    Row,
    ScalarSelect,
    Select,
    and_,
    bindparam,
    column,
    exists,
    select,
    table,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from taskflow.core.errors import Forbidden, NotFound
from taskflow.core.unit_of_work import note_subscribers
from taskflow.db import BigIntId
from taskflow.db.reads import Reader
from taskflow.db.trash import live, only_live
from taskflow.projects.models import Project, ProjectMember
from taskflow.projects.models import Role as Role  # other domains take roles from here

AnySelect: TypeAlias = Select[*tuple[Any, ...]]
AnyRow: TypeAlias = Row[*tuple[Any, ...]]
UserRef = int | BindParameter[int]
ProjectRef = ColumnExpressionArgument[int] | int

# The column names the fragment adds; `check_row` reads them.
ROLE = "role"
ARCHIVED = "project_archived"
ACCESS_PROJECT_ID = "access_project_id"
SUBSCRIBED = "project_subscribed"
ARCHIVED_MESSAGE = "This project is archived (read-only); unarchive it first"


@dataclass(frozen=True, slots=True)
class Need:
    """What an operation needs: a minimum role, and whether it changes the project's content
    (tasks, labels, comments, votes, settings), which an archived project refuses."""

    role: Role
    changes_content: bool = False


READ = Need(Role.VIEWER)
PARTICIPATE = Need(Role.VIEWER, changes_content=True)  # comment, vote
EDIT = Need(Role.EDITOR, changes_content=True)  # tasks
CURATE = Need(Role.ADMIN, changes_content=True)  # labels, project settings
MANAGE_MEMBERS = Need(Role.ADMIN)  # members: allowed while archived (docs/projects-and-tasks.md)
UNARCHIVE = Need(Role.ADMIN)
OWN = Need(Role.OWNER)  # delete the project, hand ownership over


def check(role: Role, need: Need, *, archived: bool) -> None:
    """403 unless `role` meets `need` (membership already established)."""
    if not role.at_least(need.role):
        raise Forbidden(f"This needs the {need.role.value} role or higher")
    if archived and need.changes_content:
        raise Forbidden(ARCHIVED_MESSAGE)


def check_row(row: Mapping[Any, Any] | None, need: Need, *, not_found: str) -> Role:
    """The answer for a row read through `with_access`: None (no such thing, or the caller is
    not a member: both 404), else the caller's role, once `check` agrees."""
    if row is None:
        raise NotFound(not_found)
    role = Role(row[ROLE])
    check(role, need, archived=bool(row.get(ARCHIVED, False)))
    return role


def check_rows(rows: Iterable[AnyRow], need: Need) -> None:
    """`check` for every row read through `with_access` (all or nothing: bulk actions)."""
    for row in rows:
        check_row(row._mapping, need, not_found="")


def membership(project_id: ProjectRef, user_id: UserRef) -> ColumnElement[bool]:
    """The join condition to `user_id`'s membership of the project `project_id` names."""
    return and_(ProjectMember.project_id == project_id, ProjectMember.user_id == user_id)


_ACCESS_PROJECT = aliased(Project, name="access_project")
# Whether the project has an active webhook, asked by the access check of every change so that
# the outbox (webhooks.service.deliveries_for) need not ask again before the commit. The table
# by name: projects cannot import the webhooks domain, which stands on them.
_WEBHOOKS = table("webhooks", column("project_id"), column("active"))
_SUBSCRIBED = exists().where(
    _WEBHOOKS.c.project_id == _ACCESS_PROJECT.id, _WEBHOOKS.c.active.is_(true())
)


def with_access(
    statement: AnySelect,
    project_id: ProjectRef,
    user_id: UserRef,
    need: Need,
    *,
    trashed: bool = False,
) -> AnySelect:
    """`statement` narrowed to rows whose project (`project_id`) has `user_id` as a member,
    with their role as the column `role` and, when `need` changes content, the project's
    archived flag as `project_archived` and whether it has active webhooks (`fetch_checked`
    notes it for the commit) as `project_subscribed`; and to live rows: of the tables
    `statement` reads and of the project (unless `trashed`: the trash's own reads)."""
    if not trashed:
        statement = only_live(statement)
    joined = statement.join(ProjectMember, membership(project_id, user_id)).add_columns(
        ProjectMember.role.label(ROLE)
    )
    project_live = true() if trashed else live(_ACCESS_PROJECT)
    joined = joined.join(
        _ACCESS_PROJECT, and_(_ACCESS_PROJECT.id == ProjectMember.project_id, project_live)
    )
    if need.changes_content:
        joined = joined.add_columns(
            _ACCESS_PROJECT.archived.label(ARCHIVED),
            _ACCESS_PROJECT.id.label(ACCESS_PROJECT_ID),
            _SUBSCRIBED.label(SUBSCRIBED),
        )
    return joined


def visible_project_ids(user_id: UserRef) -> Select[int]:
    """The ids of the live projects `user_id` is a member of (a subquery for listings)."""
    return (
        select(ProjectMember.project_id)
        .join(Project, Project.id == ProjectMember.project_id)
        .where(ProjectMember.user_id == user_id, live(Project))
    )


# The same, with the caller bound as `user_id` at execution (built once, for cached statements).
CALLER_PROJECT_IDS = visible_project_ids(bindparam("user_id", type_=BigIntId))


def visible(
    project_id: Any, *trashable: Any, user_id: UserRef | None = None
) -> ColumnElement[bool]:
    """For listings: rows in the live projects of `user_id` (the bound caller by default)
    that are themselves live (`trashable`: the models the rows come from)."""
    projects = CALLER_PROJECT_IDS if user_id is None else visible_project_ids(user_id)
    return and_(project_id.in_(projects), live(*trashable))


def member_ids(project_id: int) -> Select[int]:
    """The ids of a project's members (a subquery)."""
    return select(ProjectMember.user_id).where(ProjectMember.project_id == project_id)


async def is_member(session: Reader, project_id: int, user_id: int) -> bool:
    found = await session.scalar(
        select(ProjectMember.user_id).where(membership(project_id, user_id))
    )
    return found is not None


async def fetch_checked(
    session: Reader,
    statement: AnySelect,
    need: Need,
    *,
    not_found: str,
    params: Mapping[str, Any] | None = None,
) -> tuple[AnyRow, Role]:
    """The one row of `statement` (built with `with_access`; `params`, its bound values) and
    the caller's role in its project: 404 if there is none, 403 if `need` is not met."""
    row = (await session.execute(statement, params)).first()
    role = check_row(row._mapping if row is not None else None, need, not_found=not_found)
    assert row is not None
    if need.changes_content and isinstance(session, AsyncSession):
        note_subscribers(session, row._mapping[ACCESS_PROJECT_ID], row._mapping[SUBSCRIBED])
    return row, role


@dataclass(frozen=True, slots=True)
class ProjectAccess:
    """A project and the caller's role in it (and `also`'s value, if asked)."""

    project: Project
    role: Role
    also: Any = None


_ALSO = "also"


@lru_cache(maxsize=64)
def _role_statement(need: Need, also: ColumnElement[Any] | ScalarSelect[Any] | None) -> AnySelect:
    """`require_role`'s statement for one need (and `also`), built once with the project and
    the caller bound as `project_id` and `user_id` at execution: building it and its cache
    key took a tenth of a task creation's CPU (docs/benchmarks.md)."""
    columns: list[Any] = [Project] if also is None else [Project, also.label(_ALSO)]
    project_id = bindparam("project_id", type_=BigIntId)
    user_id = bindparam("user_id", type_=BigIntId)
    return with_access(select(*columns), Project.id, user_id, need).where(Project.id == project_id)


async def require_role(
    session: Reader,
    project_id: int,
    user_id: int,
    need: Need = READ,
    *,
    also: ColumnElement[Any] | ScalarSelect[Any] | None = None,
) -> ProjectAccess:
    """The project and the caller's role, in one query; 404 for non-members, 403 if `need`
    is not met. `also`: a scalar the caller needs next (a task's append position), read by
    the same statement instead of one more round trip; an expression built once (the
    statement is cached for it), with the project bound as `project_id`."""
    statement = _role_statement(need, also)
    params = {"project_id": project_id, "user_id": user_id}
    row, role = await fetch_checked(
        session, statement, need, not_found="Project not found", params=params
    )
    extra = row._mapping[_ALSO] if also is not None else None
    return ProjectAccess(project=row[0], role=role, also=extra)
