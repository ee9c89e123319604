"""Comment rules: any member comments; the author edits; the author or an admin deletes;
nobody, while the project is archived."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.activity.service import record
from taskflow.core.errors import Conflict, Forbidden
from taskflow.core.pagination import Page, Pagination
from taskflow.db import utcnow
from taskflow.db.reads import Reader
from taskflow.db.trash import live
from taskflow.projects.permissions import PARTICIPATE, Role, fetch_checked, with_access
from taskflow.tasks import notices
from taskflow.tasks.access import require_comment, require_task
from taskflow.tasks.models import Comment, Task
from taskflow.tasks.schemas import AuthorPublic, CommentPublic
from taskflow.tasks.trash import check_container
from taskflow.users.models import User

_EXCERPT = 200
_COMMENTS = cast(Table, Comment.__table__)
# A new comment: Core on the table, built once, its values bound at execution; not an ORM
# flush, whose unit-of-work machinery cost as much as the rest of the request's statements
# (docs/benchmarks.md, round 7).
_INSERT = insert(_COMMENTS).returning(_COMMENTS.c.id)


def _public(comment: Comment, author_id: int, username: str) -> CommentPublic:
    return CommentPublic(
        id=comment.id,
        task_id=comment.task_id,
        author=AuthorPublic(id=author_id, username=username),
        body=comment.body,
        created_at=comment.created_at,
        updated_at=comment.updated_at,
        mentions=comment.mentions or [],
    )


async def list_comments(
    session: Reader, user: User, task_id: int, page: Pagination
) -> Page[CommentPublic]:
    """Oldest first, as a conversation reads."""
    await require_task(session, task_id, user.id)
    total = await session.scalar(
        select(func.count()).select_from(Comment).where(Comment.task_id == task_id, live(Comment))
    )
    rows = (
        await session.execute(
            select(Comment, User.id, User.username)
            .join(User, User.id == Comment.author_id)
            .where(Comment.task_id == task_id, live(Comment))
            .order_by(Comment.id)
            .limit(page.limit)
            .offset(page.offset)
        )
    ).all()
    items = [_public(comment, author_id, username) for comment, author_id, username in rows]
    return Page(items=items, total=total or 0, limit=page.limit, offset=page.offset)


async def create_comment(
    session: AsyncSession, user: User, task_id: int, body: str
) -> CommentPublic:
    task = (await require_task(session, task_id, user.id, PARTICIPATE)).task
    now = utcnow()
    mentions = await notices.resolve_mentions(session, task.project_id, body)
    values = {"task_id": task_id, "author_id": user.id, "body": body, "created_at": now,
              "updated_at": now, "mentions": mentions or None}  # fmt: skip
    comment_id: int = (await session.execute(_INSERT, values)).scalar_one()
    await notices.comment_written(
        session, user, task=task, comment_id=comment_id, body=body, mentions=mentions, new=True
    )
    record(
        session,
        verb="comment.created",
        project_id=task.project_id,
        actor_id=user.id,
        task_id=task_id,
        changes={"comment_id": comment_id, "body": body[:_EXCERPT]},
    )
    return _public(Comment(id=comment_id, **values), user.id, user.username)  # not added


async def update_comment(
    session: AsyncSession, user: User, comment_id: int, body: str
) -> CommentPublic:
    access = await require_comment(session, comment_id, user.id, PARTICIPATE)
    comment = access.comment
    if comment.author_id != user.id:
        raise Forbidden("Only the author edits a comment")
    if comment.body != body:
        mentions = await notices.resolve_mentions(session, access.project_id, body)
        old_mentions = comment.mentions
        comment.body = body
        comment.updated_at = utcnow()
        comment.mentions = mentions or None
        await session.flush()
        task = (await require_task(session, comment.task_id, user.id, PARTICIPATE)).task
        await notices.comment_written(
            session,
            user,
            task=task,
            comment_id=comment.id,
            body=body,
            mentions=mentions,
            old_mentions=old_mentions,
            new=False,
        )
        record(
            session,
            verb="comment.updated",
            project_id=access.project_id,
            actor_id=user.id,
            task_id=comment.task_id,
            changes={"comment_id": comment.id, "body": body[:_EXCERPT]},
        )
    return _public(comment, user.id, user.username)


async def delete_comment(session: AsyncSession, user: User, comment_id: int) -> None:
    """To the trash (SPEC §10): the author or an admin."""
    comment, project_id = await _comment(session, user, comment_id, trashed=False)
    comment.deleted_at = utcnow()
    comment.deleted_by = user.id
    await session.flush()
    record(
        session,
        verb="comment.deleted",
        project_id=project_id,
        actor_id=user.id,
        task_id=comment.task_id,
        changes={"comment_id": comment.id},
    )


async def _comment(
    session: AsyncSession, user: User, comment_id: int, *, trashed: bool, purge: bool = False
) -> tuple[Comment, int]:
    """A live comment (or, `trashed`, one deleted on its own: one a task's deletion took comes
    back with its task) and its project, if the caller is its author or an admin."""
    statement = select(Comment, Task.project_id).join(Task, Task.id == Comment.task_id)
    if trashed:
        statement = statement.where(Comment.deleted_at.is_not(None), Comment.trashed_with.is_(None))
    statement = with_access(statement, Task.project_id, user.id, PARTICIPATE, trashed=trashed)
    row, role = await fetch_checked(
        session,
        statement.where(Comment.id == comment_id),
        PARTICIPATE,
        not_found="Comment not found",
    )
    if purge and not role.at_least(Role.ADMIN):
        raise Forbidden("Only a project admin purges a comment for good")
    if row[0].author_id != user.id and not role.at_least(Role.ADMIN):
        raise Forbidden("Only the author or a project admin deletes a comment")
    return row[0], row[1]


async def restore_comment(session: AsyncSession, user: User, comment_id: int) -> CommentPublic:
    """Who may delete may restore; 409 while its task or project is in the trash."""
    comment, project_id = await _comment(session, user, comment_id, trashed=True)
    task = (await session.execute(select(Task.deleted_at).where(Task.id == comment.task_id))).one()
    await check_container(session, project_id, None)
    if task.deleted_at is not None:
        raise Conflict("Its task is in the trash; restore the task first")
    comment.deleted_at = None
    comment.deleted_by = None
    await session.flush()
    record(
        session,
        verb="comment.restored",
        project_id=project_id,
        actor_id=user.id,
        task_id=comment.task_id,
        changes={"comment_id": comment.id},
    )
    author = await session.get_one(User, comment.author_id)
    return _public(comment, author.id, author.username)


async def purge_comment(session: AsyncSession, user: User, comment_id: int) -> None:
    """Gone for good: project admins."""
    comment, _ = await _comment(session, user, comment_id, trashed=True, purge=True)
    await session.execute(delete(Comment).where(Comment.id == comment.id))
    session.expunge(comment)
