"""The projects revision gives accounts that existed before it their Inbox."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from taskflow.migrations import runner
from tests.migrations.test_migrations import empty_database, engine  # noqa: F401  (fixtures)

BEFORE_PROJECTS = "6a5c335843f1"


async def test_existing_users_get_an_inbox(engine: AsyncEngine) -> None:  # noqa: F811
    await runner.upgrade(engine, BEFORE_PROJECTS)
    async with engine.begin() as connection:
        for number in (1, 2):
            await connection.execute(
                text(
                    "INSERT INTO users (email, username, username_key, full_name, "
                    "hashed_password, is_active, is_verified, is_superuser, created_at, "
                    "updated_at, password_changed_at) VALUES (:email, :name, :name, '', 'x', "
                    "true, true, false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"email": f"u{number}@example.com", "name": f"u{number}"},
            )
    await runner.upgrade(engine)
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                text(
                    "SELECT p.owner_id, p.name, p.is_inbox, m.user_id, m.role FROM projects p "
                    "JOIN project_members m ON m.project_id = p.id ORDER BY p.owner_id"
                )
            )
        ).all()
    assert [(row[1], bool(row[2]), row[0] == row[3], row[4]) for row in rows] == [
        ("Inbox", True, True, "owner"),
        ("Inbox", True, True, "owner"),
    ]
