"""Attachment schemas: what the API shows of a stored file."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class UploaderPublic(BaseModel):
    id: int
    username: str


class AttachmentPublic(BaseModel):
    id: int
    task_id: int
    filename: str
    content_type: str  # sniffed from the bytes at upload
    size: int  # bytes
    sha256: str  # hex, computed while the upload streamed in
    created_by: int | None  # null once the uploader's account is deleted
    uploader: UploaderPublic | None
    created_at: datetime
    url: str  # GET: the content (authorised per request)
    thumbnail_url: str | None  # raster images, once the worker has made the thumbnail
