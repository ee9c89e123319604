"""Attachment rules: editors and up attach (not while the project is archived); members read;
the uploader or a project admin deletes. The file itself is in storage; its row here.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.activity.service import record
from taskflow.attachments import queries
from taskflow.attachments.models import Attachment
from taskflow.attachments.safety import (
    SNIFF_BYTES,
    THUMBNAILED,
    clean_filename,
    sniff_content_type,
)
from taskflow.attachments.schemas import AttachmentPublic, UploaderPublic
from taskflow.attachments.upload import StoredUpload
from taskflow.core.errors import Forbidden, NotFound, Unprocessable
from taskflow.core.pagination import Page, Pagination
from taskflow.core.storage import Storage, new_key
from taskflow.core.unit_of_work import defer_job
from taskflow.db import utcnow
from taskflow.db.reads import Reader
from taskflow.projects.permissions import EDIT, PARTICIPATE, Role
from taskflow.tasks.access import require_task
from taskflow.tasks.counters import add_attachments
from taskflow.users.models import User

API = "/api/v1"


@dataclass(frozen=True, slots=True)
class ImportedAttachment:
    task_id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    storage_key: str
    created_at: datetime | None


PURGE_JOB = "attachments.purge"
THUMBNAIL_JOB = "attachments.thumbnail"


def public(attachment: Attachment, uploader_name: str | None) -> AttachmentPublic:
    uploader = (
        UploaderPublic(id=attachment.created_by, username=uploader_name)
        if attachment.created_by is not None and uploader_name is not None
        else None
    )
    base = f"{API}/attachments/{attachment.id}"
    return AttachmentPublic(
        id=attachment.id,
        task_id=attachment.task_id,
        filename=attachment.filename,
        content_type=attachment.content_type,
        size=attachment.size,
        sha256=attachment.sha256,
        created_by=attachment.created_by,
        uploader=uploader,
        created_at=attachment.created_at,
        url=f"{base}/content",
        thumbnail_url=f"{base}/thumbnail" if attachment.thumbnail_key else None,
    )


async def require_upload(session: AsyncSession, user: User, task_id: int) -> None:
    """Before the body is read: 404 for a task the caller cannot see, 403 below editor or
    while the project is archived. Nothing reaches storage for a refused upload."""
    await require_task(session, task_id, user.id, EDIT)


async def create_attachment(
    session: AsyncSession, storage: Storage, user: User, task_id: int, stored: StoredUpload
) -> AttachmentPublic:
    """The row for a file already in storage (removed again if this fails)."""
    try:
        # Checked again: the membership may have changed while the file streamed in.
        task = (await require_task(session, task_id, user.id, EDIT)).task
        attachment = Attachment(
            task_id=task_id,
            filename=stored.filename,
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
            storage_key=stored.key,
            created_by=user.id,
        )
        session.add(attachment)
        await session.flush()
        await add_attachments(session, task_id, 1)
    except BaseException:
        await storage.delete([stored.key])
        raise
    record(
        session,
        verb="attachment.added",
        project_id=task.project_id,
        actor_id=user.id,
        task_id=task_id,
        changes={"attachment_id": attachment.id, "filename": attachment.filename},
    )
    if attachment.content_type in THUMBNAILED:
        defer_job(session, THUMBNAIL_JOB, attachment_id=attachment.id)
    return public(attachment, user.username)


async def list_attachments(
    session: Reader, user: User, task_id: int, page: Pagination
) -> Page[AttachmentPublic]:
    await require_task(session, task_id, user.id)
    total = await queries.count_for_task(session, task_id)
    rows = await queries.page_for_task(session, task_id, page.limit, page.offset)
    return Page(
        items=[public(attachment, username) for attachment, username in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def get_attachment(session: Reader, user: User, attachment_id: int) -> Attachment:
    """The attachment, for its download: members of its task's project only."""
    return (await queries.require_attachment(session, attachment_id, user.id)).attachment


async def get_thumbnail_key(session: Reader, user: User, attachment_id: int) -> str:
    attachment = await get_attachment(session, user, attachment_id)
    if attachment.thumbnail_key is None:
        raise NotFound("This attachment has no thumbnail (not a raster image, or not made yet)")
    return attachment.thumbnail_key


async def delete_attachment(session: AsyncSession, user: User, attachment_id: int) -> None:
    """The uploader or a project admin; not while the project is archived. The row goes now;
    its files leave storage after the commit (the purge queue, models.py)."""
    access = await queries.require_attachment(session, attachment_id, user.id, PARTICIPATE)
    attachment = access.attachment
    if attachment.created_by != user.id and not access.role.at_least(Role.ADMIN):
        raise Forbidden("Only the uploader or a project admin deletes an attachment")
    await session.delete(attachment)
    await session.flush()
    await add_attachments(session, attachment.task_id, -1)
    record(
        session,
        verb="attachment.deleted",
        project_id=access.project_id,
        actor_id=user.id,
        task_id=attachment.task_id,
        changes={"attachment_id": attachment.id, "filename": attachment.filename},
    )
    defer_job(session, PURGE_JOB)


async def store_verified(
    storage: Storage, chunks: AsyncIterator[bytes], *, size: int, sha256: str, max_bytes: int
) -> tuple[str, str]:
    """Store a file whose size and sha256 are known (an import): its key and its sniffed
    content type (the document's is not trusted), or 422 (nothing kept) if the bytes are not
    what was announced or exceed the attachment limit."""
    if size > max_bytes:
        raise Unprocessable(f"A file of {size} bytes is over the limit of {max_bytes}")
    digest = hashlib.sha256()
    head = bytearray()
    received = 0

    async def counted() -> AsyncIterator[bytes]:
        nonlocal received
        async for chunk in chunks:
            received += len(chunk)
            digest.update(chunk)
            if len(head) < SNIFF_BYTES:
                head.extend(chunk[: SNIFF_BYTES - len(head)])
            yield chunk

    key = new_key("attachments")
    await storage.write(key, counted())
    if received != size or digest.hexdigest() != sha256:
        await storage.delete([key])
        raise Unprocessable(f"A file's bytes do not match its size and sha256 ({sha256})")
    return key, sniff_content_type(bytes(head))


async def add_imported(
    session: AsyncSession, drafts: Sequence[ImportedAttachment], creator_id: int
) -> None:
    """Rows for imported files already in storage, on tasks the importer just created (their
    projects are the importer's own: no access check). Thumbnails are made again."""
    attachments = [
        Attachment(
            task_id=draft.task_id,
            filename=clean_filename(draft.filename),
            content_type=draft.content_type,
            size=draft.size,
            sha256=draft.sha256,
            storage_key=draft.storage_key,
            created_by=creator_id,
            created_at=draft.created_at or utcnow(),
        )
        for draft in drafts
    ]
    session.add_all(attachments)
    await session.flush()
    per_task: dict[int, int] = {}
    for attachment in attachments:
        per_task[attachment.task_id] = per_task.get(attachment.task_id, 0) + 1
        if attachment.content_type in THUMBNAILED:
            defer_job(session, THUMBNAIL_JOB, attachment_id=attachment.id)
    for task_id, count in per_task.items():
        await add_attachments(session, task_id, count)
