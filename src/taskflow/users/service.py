"""User rules and queries."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.core.errors import Conflict
from taskflow.core.security import hash_password
from taskflow.projects.service import create_inbox
from taskflow.users.models import User


async def find_conflict(session: AsyncSession, email: str, username: str) -> str | None:
    """Which of email/username is already taken, if any."""
    rows = (
        await session.execute(
            select(User.email, User.username_key).where(
                or_(User.email == email.lower(), User.username_key == username.lower())
            )
        )
    ).all()
    for taken_email, _ in rows:
        if taken_email == email.lower():
            return "email"
    return "username" if rows else None


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    username: str,
    password: str,
    full_name: str = "",
    is_superuser: bool = False,
    is_verified: bool = False,
) -> User:
    """Insert a user; a taken email or username is a Conflict naming the field.

    The unique indexes decide, so two simultaneous registrations give one user and one 409.
    """
    taken = await find_conflict(session, email, username)
    if taken:
        raise Conflict(f"{taken.capitalize()} already registered")
    user = User(
        email=email.lower(),
        username=username,
        username_key=username.lower(),
        full_name=full_name,
        hashed_password=await hash_password(password),
        is_superuser=is_superuser,
        is_verified=is_verified,
    )
    try:
        async with session.begin_nested():
            session.add(user)
    except IntegrityError:
        taken = await find_conflict(session, email, username)
        raise Conflict(f"{(taken or 'email').capitalize()} already registered") from None
    await create_inbox(session, user.id)  # every user has an Inbox from the start
    return user
