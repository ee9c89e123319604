"""Section rules: named groups of a project's tasks, managed by its editors; frozen while the
project is archived. Deleting a section moves its tasks to no section."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.activity.service import diff, record
from taskflow.core.errors import Unprocessable
from taskflow.core.pagination import Page, Pagination
from taskflow.db import utcnow
from taskflow.db.ids import insert_rows, reserve_ids
from taskflow.db.reads import Reader
from taskflow.projects.permissions import EDIT, require_role
from taskflow.tasks.access import require_section
from taskflow.tasks.models import Section, Task
from taskflow.tasks.schemas import SectionCreate, SectionPublic, SectionUpdate
from taskflow.users.models import User


async def list_sections(
    session: Reader, user: User, project_id: int, page: Pagination
) -> Page[SectionPublic]:
    """In their order (position, then id)."""
    await require_role(session, project_id, user.id)
    total = await session.scalar(
        select(func.count()).select_from(Section).where(Section.project_id == project_id)
    )
    sections = await session.scalars(
        select(Section)
        .where(Section.project_id == project_id)
        .order_by(Section.position, Section.id)
        .limit(page.limit)
        .offset(page.offset)
    )
    items = [SectionPublic.model_validate(section) for section in sections]
    return Page(items=items, total=total or 0, limit=page.limit, offset=page.offset)


async def next_section_position(session: AsyncSession, project_id: int) -> float:
    last = await session.scalar(
        select(func.max(Section.position)).where(Section.project_id == project_id)
    )
    return float(last or 0.0) + 1.0


async def create_section(
    session: AsyncSession, user: User, project_id: int, data: SectionCreate
) -> SectionPublic:
    await require_role(session, project_id, user.id, EDIT)
    position = data.position
    if position is None:
        position = await next_section_position(session, project_id)
    section = Section(project_id=project_id, name=data.name, position=position)
    session.add(section)
    await session.flush()
    record(
        session,
        verb="section.created",
        project_id=project_id,
        actor_id=user.id,
        changes={"section_id": section.id, "name": section.name},
    )
    return SectionPublic.model_validate(section)


async def update_section(
    session: AsyncSession, user: User, section_id: int, data: SectionUpdate
) -> SectionPublic:
    section = (await require_section(session, section_id, user.id, EDIT)).section
    given = data.model_dump(exclude_unset=True)
    before = {name: getattr(section, name) for name in given}
    changes = diff(before, given)
    if changes:
        for name, value in given.items():
            setattr(section, name, value)
        await session.flush()
        record(
            session,
            verb="section.updated",
            project_id=section.project_id,
            actor_id=user.id,
            changes={"section_id": section.id, **changes},
        )
    return SectionPublic.model_validate(section)


async def delete_section(session: AsyncSession, user: User, section_id: int) -> None:
    """Its tasks stay in the project, in no section (each a change to the task: its version
    increments and its activity says so)."""
    section = (await require_section(session, section_id, user.id, EDIT)).section
    emptied = (
        await session.scalars(
            update(Task)
            .where(Task.section_id == section_id)
            .values(section_id=None, version=Task.version + 1, updated_at=utcnow())
            .returning(Task.id)
            .execution_options(synchronize_session=False)
        )
    ).all()
    await session.delete(section)
    await session.flush()
    for task_id in sorted(emptied):
        record(
            session,
            verb="task.updated",
            project_id=section.project_id,
            actor_id=user.id,
            task_id=task_id,
            changes={"section_id": {"from": section_id, "to": None}},
        )
    record(
        session,
        verb="section.deleted",
        project_id=section.project_id,
        actor_id=user.id,
        changes={"section_id": section_id, "name": section.name, "tasks": len(emptied)},
    )


async def create_many(
    session: AsyncSession, sections: Sequence[tuple[int, str, float]]
) -> list[int]:
    """Sections (project_id, name, position) for an import, one statement; their ids in order.
    The caller has checked access."""
    ids = await reserve_ids(session, Section, len(sections))
    rows = [
        {"id": section_id, "project_id": project_id, "name": name, "position": position}
        for section_id, (project_id, name, position) in zip(ids, sections, strict=True)
    ]
    await insert_rows(session, Section, rows)
    return ids


async def check_section(session: AsyncSession, project_id: int, section_id: int | None) -> None:
    """A task's section must be one of its project's (422)."""
    if section_id is None:
        return
    found = await session.scalar(select(Section.project_id).where(Section.id == section_id))
    if found != project_id:
        raise Unprocessable("section_id: the section must belong to the task's project")
