"""Attachment jobs: thumbnails (made by the worker, never in a request) and the purge of
stored files whose rows are gone."""

from __future__ import annotations

import io
import logging
import tempfile

import anyio
from sqlalchemy import delete, select, update

from taskflow.attachments.models import Attachment, FilePurge
from taskflow.core.jobs.registry import JobContext, job, periodic
from taskflow.core.storage import new_key, storage_for

logger = logging.getLogger(__name__)

THUMBNAIL_SIZE = 400  # px, the longer side
# Decoding a 20000x20000 PNG of a few KiB would take 1.6 GB: images over this many pixels get
# no thumbnail (checked from the header, before any pixel is decoded).
MAX_THUMBNAIL_SOURCE_PIXELS = 40_000_000
PURGE_BATCH = 500
THUMBNAIL_TYPE = "image/webp"
_SPOOL_BYTES = 1024 * 1024


def make_thumbnail(source: io.IOBase | tempfile.SpooledTemporaryFile[bytes]) -> bytes | None:
    """A WebP at most 400 px on its longer side, or None if the image is too large in pixels
    or not one Pillow can read. CPU-bound: run it in a thread."""
    # Imported by the first thumbnail (made by the worker), not at start: Pillow is ~7 MB of
    # RSS every API worker would carry without ever decoding an image (issue 22).
    from PIL import Image, ImageOps

    # Pillow's own guard, for whatever opens an image without the check below.
    Image.MAX_IMAGE_PIXELS = MAX_THUMBNAIL_SOURCE_PIXELS
    try:
        with Image.open(source) as image:  # type: ignore[arg-type]
            width, height = image.size
            if width * height > MAX_THUMBNAIL_SOURCE_PIXELS:
                return None
            image.draft("RGB", (THUMBNAIL_SIZE, THUMBNAIL_SIZE))
            oriented = ImageOps.exif_transpose(image)
            oriented.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
            mode = "RGBA" if "A" in oriented.getbands() or "transparency" in image.info else "RGB"
            output = io.BytesIO()
            oriented.convert(mode).save(output, "WEBP", quality=80)
            return output.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        return None


async def _single(data: bytes) -> object:
    yield data


@job("attachments.thumbnail", retries=3, retry_delay=5.0, timeout=120)
async def thumbnail(context: JobContext, attachment_id: int) -> None:
    """Make and store the thumbnail of one image attachment (once)."""
    storage = storage_for(context.settings)
    async with context.uow.begin(read_only=True) as session:
        attachment = await session.get(Attachment, attachment_id)
        if attachment is None or attachment.thumbnail_key is not None:
            return
        source_key = attachment.storage_key
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as source:
        async for chunk in storage.read(source_key):
            source.write(chunk)
        source.seek(0)
        made = await anyio.to_thread.run_sync(make_thumbnail, source)
    if made is None:
        logger.info("attachment %s: no thumbnail (unreadable or too many pixels)", attachment_id)
        return
    key = new_key("thumbnails")
    await storage.write(key, _single(made))  # type: ignore[arg-type]
    async with context.uow.begin() as session:
        result = await session.execute(
            update(Attachment)
            .where(Attachment.id == attachment_id, Attachment.thumbnail_key.is_(None))
            .values(thumbnail_key=key)
        )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        await storage.delete([key])  # deleted meanwhile, or made twice


@job("attachments.purge", retries=5, retry_delay=30.0, timeout=600)
async def purge(context: JobContext) -> None:
    """Delete from storage the files whose attachments are gone (queued by the database
    trigger, whatever deleted them), then their queue entries."""
    storage = storage_for(context.settings)
    while True:
        async with context.uow.begin(read_only=True) as session:
            rows = (
                await session.execute(
                    select(FilePurge.id, FilePurge.storage_key)
                    .order_by(FilePurge.id)
                    .limit(PURGE_BATCH)
                )
            ).all()
        if not rows:
            return
        await storage.delete([key for _, key in rows])
        async with context.uow.begin() as session:
            await session.execute(
                delete(FilePurge).where(FilePurge.id.in_([id_ for id_, _ in rows]))
            )
        logger.info("purged %d stored files", len(rows))
        if len(rows) < PURGE_BATCH:
            return


periodic("attachments.purge", cron="* * * * *", every_seconds=60)
