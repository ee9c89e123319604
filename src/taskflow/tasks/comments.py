"""Comment rules: any member comments; the author edits; the author or an admin deletes;
nobody, while the project is archived."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.activity.service import record
from taskflow.core.errors import Forbidden
from taskflow.core.pagination import Page, Pagination
from taskflow.db import utcnow
from taskflow.db.reads import Reader
from taskflow.projects.permissions import PARTICIPATE, Role
from taskflow.tasks import notices
from taskflow.tasks.access import require_comment, require_task
from taskflow.tasks.models import Comment
from taskflow.tasks.schemas import AuthorPublic, CommentPublic
from taskflow.users.models import User

_EXCERPT = 200


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
        select(func.count()).select_from(Comment).where(Comment.task_id == task_id)
    )
    rows = (
        await session.execute(
            select(Comment, User.id, User.username)
            .join(User, User.id == Comment.author_id)
            .where(Comment.task_id == task_id)
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
    comment = Comment(
        task_id=task_id,
        author_id=user.id,
        body=body,
        created_at=now,
        updated_at=now,
        mentions=mentions or None,
    )
    session.add(comment)
    await session.flush()
    await notices.comment_written(
        session, user, task=task, comment_id=comment.id, body=body, mentions=mentions, new=True
    )
    record(
        session,
        verb="comment.created",
        project_id=task.project_id,
        actor_id=user.id,
        task_id=task_id,
        changes={"comment_id": comment.id, "body": body[:_EXCERPT]},
    )
    return _public(comment, user.id, user.username)


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
    access = await require_comment(session, comment_id, user.id, PARTICIPATE)
    comment = access.comment
    if comment.author_id != user.id and not access.role.at_least(Role.ADMIN):
        raise Forbidden("Only the author or a project admin deletes a comment")
    await session.delete(comment)
    await session.flush()
    record(
        session,
        verb="comment.deleted",
        project_id=access.project_id,
        actor_id=user.id,
        task_id=comment.task_id,
        changes={"comment_id": comment.id},
    )
