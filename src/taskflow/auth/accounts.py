"""An account's life across domains: what creating, changing, deleting a user or setting a
password means for the other tables (an Inbox, sessions, emailed links).

`users` keeps the users table and imports no other domain; this module is the one place that
adds the rest, so every caller (registration, the profile, a superuser, the CLI) gets it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.auth.one_time_tokens import VERIFY, expire_one_time_tokens
from taskflow.auth.sessions import revoke_all_sessions
from taskflow.projects.service import create_inbox
from taskflow.users import service as users_service
from taskflow.users.models import User


async def create_account(
    session: AsyncSession,
    *,
    email: str,
    username: str,
    password: str,
    full_name: str = "",
    is_superuser: bool = False,
    is_verified: bool = False,
) -> User:
    """A new user with their Inbox (every user has one from the start)."""
    user = await users_service.create_user(
        session,
        email=email,
        username=username,
        password=password,
        full_name=full_name,
        is_superuser=is_superuser,
        is_verified=is_verified,
    )
    await create_inbox(session, user.id)
    return user


async def update_account(session: AsyncSession, user: User, changes: Mapping[str, Any]) -> User:
    """Profile (and, from a superuser, status) changes: a new email makes outstanding
    verification links stop working; deactivating ends every session."""
    change = await users_service.update_user(session, user, changes)
    if change.email_changed:
        await expire_one_time_tokens(session, user.id, purpose=VERIFY)
    if change.deactivated:
        await revoke_all_sessions(session, user.id)
    return change.user


async def update_account_by_id(
    session: AsyncSession, user_id: int, changes: Mapping[str, Any]
) -> User:
    return await update_account(session, await users_service.get_user(session, user_id), changes)


async def delete_account(session: AsyncSession, user: User) -> None:
    """Remove the user and, by cascade, everything they own; their sessions end with them."""
    await revoke_all_sessions(session, user.id)
    await users_service.delete_user(session, user)


async def delete_account_by_id(session: AsyncSession, user_id: int) -> None:
    await delete_account(session, await users_service.get_user(session, user_id))


async def set_password(session: AsyncSession, user: User, new_password: str) -> None:
    """A new password: every session ends and every emailed link stops working."""
    await users_service.store_password(session, user, new_password)
    await expire_one_time_tokens(session, user.id)
    await revoke_all_sessions(session, user.id)
