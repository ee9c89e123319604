"""The attachments table, and the queue of stored files to delete (`file_purges`).

Every way an attachment row goes (its own DELETE, its task's, its project's, its owner's
account: database cascades all) writes its storage keys into `file_purges` by a trigger in
the same transaction, so no code path can forget its files; the `attachments.purge` job
deletes them from storage after the commit (docs/attachments.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Table, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from taskflow.db import Base, BigIntId, IdMixin, utcnow


class Attachment(IdMixin, Base):
    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_task_id_id", "task_id", "id"),)

    task_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("tasks.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    # Sniffed from the bytes at upload, never taken from the client.
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    # Set by the thumbnail job once the thumbnail is stored (raster images only).
    thumbnail_key: Mapped[str | None] = mapped_column(String(200), default=None)
    created_by: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("users.id", ondelete="SET NULL"), index=True, default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FilePurge(IdMixin, Base):
    """A stored file whose row is gone: deleted from storage by the `attachments.purge` job."""

    __tablename__ = "file_purges"

    storage_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# The trigger, per backend. The migration creates the same (migrations/versions/..._attachments).
SQLITE_TRIGGER = """
CREATE TRIGGER attachments_purge_files AFTER DELETE ON attachments
BEGIN
    INSERT INTO file_purges (storage_key, created_at)
    VALUES (OLD.storage_key, CURRENT_TIMESTAMP);
    INSERT INTO file_purges (storage_key, created_at)
    SELECT OLD.thumbnail_key, CURRENT_TIMESTAMP WHERE OLD.thumbnail_key IS NOT NULL;
END
"""
POSTGRESQL_FUNCTION = """
CREATE FUNCTION attachments_purge_files() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO file_purges (storage_key, created_at) VALUES (OLD.storage_key, now());
    IF OLD.thumbnail_key IS NOT NULL THEN
        INSERT INTO file_purges (storage_key, created_at) VALUES (OLD.thumbnail_key, now());
    END IF;
    RETURN OLD;
END
$$
"""
POSTGRESQL_TRIGGER = """
CREATE TRIGGER attachments_purge_files AFTER DELETE ON attachments
FOR EACH ROW EXECUTE FUNCTION attachments_purge_files()
"""


@event.listens_for(Attachment.__table__, "after_create")
def _create_trigger(_: Table, connection: Connection, **__: Any) -> None:
    """The trigger beside the table when the schema is built from the models (the tests)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(POSTGRESQL_FUNCTION))
        connection.execute(text(POSTGRESQL_TRIGGER))
    else:
        connection.execute(text(SQLITE_TRIGGER))


@event.listens_for(Attachment.__table__, "after_drop")
def _drop_trigger_function(_: Table, connection: Connection, **__: Any) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("DROP FUNCTION IF EXISTS attachments_purge_files()"))
