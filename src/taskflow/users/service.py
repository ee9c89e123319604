"""User rules and queries: the users table only.

What a change to an account means elsewhere (an Inbox for a new user, sessions ended on
deactivation, emailed links expired) is `auth/accounts.py`'s, which calls this module: users
imports no other domain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.core.errors import Conflict, NotFound
from taskflow.core.security import hash_password
from taskflow.db import utcnow
from taskflow.db.reads import Reader
from taskflow.users.models import User

PROFILE_FIELDS = ("email", "username", "full_name", "timezone")
ADMIN_FIELDS = (*PROFILE_FIELDS, "is_active", "is_superuser", "is_verified")


async def find_conflict(
    session: AsyncSession,
    email: str | None,
    username: str | None,
    *,
    exclude_user_id: int | None = None,
) -> str | None:
    """Which of email/username is already taken (by someone else), if any."""
    conditions = []
    if email is not None:
        conditions.append(User.email == email.lower())
    if username is not None:
        conditions.append(User.username_key == username.lower())
    if not conditions:
        return None
    query = select(User.email, User.username_key).where(or_(*conditions))
    if exclude_user_id is not None:
        query = query.where(User.id != exclude_user_id)
    rows = (await session.execute(query)).all()
    for taken_email, _ in rows:
        if email is not None and taken_email == email.lower():
            return "email"
    return "username" if rows else None


def _taken(field: str | None) -> Conflict:
    return Conflict(f"{(field or 'email').capitalize()} already registered")


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
        raise _taken(taken)
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
        raise _taken(await find_conflict(session, email, username)) from None
    return user


async def get_user(session: Reader, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("User not found")
    return user


async def find_by_email(session: AsyncSession, email: str) -> User | None:
    result = await session.execute(select(User).where(User.email == email.lower()))
    return result.scalar_one_or_none()


async def find_by_login(session: AsyncSession, identifier: str) -> User | None:
    """The user a login names: an email (it has an @) or a username, case-insensitively."""
    key = identifier.strip().lower()
    if "\x00" in key:  # names nobody (and PostgreSQL text cannot even compare it)
        return None
    column = User.email if "@" in key else User.username_key
    result = await session.execute(select(User).where(column == key))
    return result.scalar_one_or_none()


async def list_users(
    session: Reader, *, search: str | None, limit: int, offset: int
) -> tuple[Sequence[User], int]:
    """A page of users (oldest first), filtered by a substring of email, username or name.

    Email and username_key are stored lower-cased; on PostgreSQL trigram indexes serve all three.
    """
    query = select(User)
    if search and search.strip():
        pattern = "%" + _escape_like(search.strip().lower()) + "%"
        query = query.where(
            or_(
                User.email.like(pattern, escape="\\"),
                User.username_key.like(pattern, escape="\\"),
                User.full_name.ilike(pattern, escape="\\"),
            )
        )
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    users = (
        (await session.execute(query.order_by(User.id).limit(limit).offset(offset))).scalars().all()
    )
    return users, total


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True, slots=True)
class UserChange:
    """What an update changed that other tables must follow (auth/accounts.py)."""

    user: User
    email_changed: bool
    deactivated: bool


async def update_user(session: AsyncSession, user: User, changes: Mapping[str, Any]) -> UserChange:
    """Apply profile (and, from a superuser, status) changes; None values mean "unchanged".

    A new email is unverified again and outstanding verification links stop working;
    deactivating ends every session; the last active superuser cannot lose that role.
    """
    given = {name: value for name, value in changes.items() if value is not None}
    email = given.get("email")
    username = given.get("username")
    new_email = email if email is not None and email.lower() != user.email else None
    new_username = username if username is not None and username != user.username else None
    taken = await find_conflict(session, new_email, new_username, exclude_user_id=user.id)
    if taken:
        raise _taken(taken)
    loses_superuser = user.is_superuser and (
        given.get("is_superuser") is False or given.get("is_active") is False
    )
    if loses_superuser:
        await ensure_another_superuser(session, user)
    deactivated = user.is_active and given.get("is_active") is False

    if new_email is not None:
        user.email = new_email.lower()
        user.is_verified = False
    if new_username is not None:
        user.username = new_username
        user.username_key = new_username.lower()
    for name in ("full_name", "timezone", "is_active", "is_superuser", "is_verified"):
        if name in given:
            setattr(user, name, given[name])
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise _taken(
            await find_conflict(session, new_email, new_username, exclude_user_id=user.id)
        ) from None
    return UserChange(user, email_changed=new_email is not None, deactivated=deactivated)


async def ensure_another_superuser(session: AsyncSession, user: User) -> None:
    """Conflict unless some other active superuser would remain."""
    others = (
        await session.execute(
            select(func.count())
            .select_from(User)
            .where(User.is_superuser.is_(True), User.is_active.is_(True), User.id != user.id)
        )
    ).scalar_one()
    if others == 0:
        raise Conflict("The last active superuser cannot be removed, demoted or deactivated")


async def delete_user(session: AsyncSession, user: User) -> None:
    """Remove the user; the database cascades to everything they own."""
    if user.is_superuser and user.is_active:
        await ensure_another_superuser(session, user)
    await session.delete(user)
    await session.flush()


async def store_password(session: AsyncSession, user: User, new_password: str) -> None:
    """Hash and keep a new password (auth/accounts.set_password ends what it must)."""
    user.hashed_password = await hash_password(new_password)
    user.password_changed_at = utcnow()
