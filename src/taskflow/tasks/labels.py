"""Label rules: per project, managed by admins, names unique within a project; frozen while
the project is archived."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.activity.service import diff, record
from taskflow.core.errors import Conflict
from taskflow.core.pagination import Page, Pagination
from taskflow.db.reads import Reader
from taskflow.projects.permissions import CURATE, require_role
from taskflow.tasks.access import require_label
from taskflow.tasks.models import Label
from taskflow.tasks.schemas import LabelCreate, LabelPublic, LabelUpdate
from taskflow.users.models import User

_TAKEN = "A label with that name already exists in this project"


async def list_labels(
    session: Reader, user: User, project_id: int, page: Pagination
) -> Page[LabelPublic]:
    await require_role(session, project_id, user.id)
    total = await session.scalar(
        select(func.count()).select_from(Label).where(Label.project_id == project_id)
    )
    labels = await session.scalars(
        select(Label)
        .where(Label.project_id == project_id)
        .order_by(Label.name, Label.id)
        .limit(page.limit)
        .offset(page.offset)
    )
    items = [LabelPublic.model_validate(label) for label in labels]
    return Page(items=items, total=total or 0, limit=page.limit, offset=page.offset)


async def create_label(
    session: AsyncSession, user: User, project_id: int, data: LabelCreate
) -> LabelPublic:
    await require_role(session, project_id, user.id, CURATE)
    label = Label(project_id=project_id, name=data.name, color=data.color)
    try:
        # The unique constraint decides, so two simultaneous creates give one label and one 409.
        async with session.begin_nested():
            session.add(label)
    except IntegrityError:
        raise Conflict(_TAKEN) from None
    record(
        session,
        verb="label.created",
        project_id=project_id,
        actor_id=user.id,
        changes={"label_id": label.id, "name": label.name},
    )
    return LabelPublic.model_validate(label)


async def update_label(
    session: AsyncSession, user: User, label_id: int, data: LabelUpdate
) -> LabelPublic:
    label = (await require_label(session, label_id, user.id, CURATE)).label
    given = {name: value for name, value in data.model_dump(exclude_unset=True).items() if value}
    before = {name: getattr(label, name) for name in given}
    changes = diff(before, given)
    if changes:
        try:
            async with session.begin_nested():
                for name, value in given.items():
                    setattr(label, name, value)
        except IntegrityError:
            raise Conflict(_TAKEN) from None
        record(
            session,
            verb="label.updated",
            project_id=label.project_id,
            actor_id=user.id,
            changes={"label_id": label.id, **changes},
        )
    return LabelPublic.model_validate(label)


async def delete_label(session: AsyncSession, user: User, label_id: int) -> None:
    """The label comes off every task that had it (database cascade)."""
    label = (await require_label(session, label_id, user.id, CURATE)).label
    await session.delete(label)
    await session.flush()
    record(
        session,
        verb="label.deleted",
        project_id=label.project_id,
        actor_id=user.id,
        changes={"label_id": label.id, "name": label.name},
    )
