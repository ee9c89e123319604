"""Routes: /tasks/{id}/attachments, /attachments/{id} (content, thumbnail, delete)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response, status
from fastapi.responses import StreamingResponse

from taskflow.attachments import service
from taskflow.attachments.jobs import THUMBNAIL_TYPE
from taskflow.attachments.ranges import Unsatisfiable, parse_range
from taskflow.attachments.safety import content_disposition, is_inline, served_type
from taskflow.attachments.schemas import AttachmentPublic
from taskflow.attachments.upload import receive_upload
from taskflow.auth.dependencies import CurrentUser, app_settings
from taskflow.config import Settings
from taskflow.core.dependencies import ReadSessionDep, SessionDep
from taskflow.core.errors import NotFound, error_responses
from taskflow.core.pagination import Page, PaginationDep
from taskflow.core.storage import Storage, StoredFileMissing, storage_for
from taskflow.core.validation import PathId

router = APIRouter(responses=error_responses(401))

AppSettings = Annotated[Settings, Depends(app_settings)]
# Any value; a long one is simply not a match.
IfNoneMatch = Annotated[str | None, Header(max_length=1000)]

_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}
# Downloads: sandboxed and never sniffed, whatever the bytes are.
_DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox",
    "Cache-Control": "private, no-cache",
    "Accept-Ranges": "bytes",
}
_CONTENT: dict[int | str, dict[str, Any]] = {
    # Any type: the one sniffed at upload (text as text/plain).
    200: {"content": {"*/*": {}}, "description": "The file"},
    206: {"content": {"*/*": {}}, "description": "The requested range"},
    304: {"description": "Not modified (If-None-Match)"},
    416: {"description": "Range not satisfiable"},
}


@router.post(
    "/tasks/{task_id}/attachments",
    tags=["attachments"],
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(403, 404, 413, 415, 422),
    openapi_extra=_UPLOAD_BODY,
)
async def upload_attachment(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    settings: AppSettings,
    task_id: PathId,
    response: Response,
) -> AttachmentPublic:
    """Attach a file (multipart, part `file`): editors and up, at most
    TASKFLOW_MAX_ATTACHMENT_BYTES (413 past it). Its type is sniffed from its bytes."""
    await service.require_upload(session, user, task_id)
    storage = storage_for(settings)
    stored = await receive_upload(request, storage, settings.max_attachment_bytes)
    attachment = await service.create_attachment(session, storage, user, task_id, stored)
    response.headers["Location"] = attachment.url
    return attachment


@router.get("/tasks/{task_id}/attachments", tags=["attachments"], responses=error_responses(404))
async def list_attachments(
    session: ReadSessionDep, user: CurrentUser, task_id: PathId, page: PaginationDep
) -> Page[AttachmentPublic]:
    """Newest first; members of the task's project."""
    return await service.list_attachments(session, user, task_id, page)


_THUMBNAIL: dict[int | str, dict[str, Any]] = {
    200: {"content": {THUMBNAIL_TYPE: {}}, "description": "WebP, at most 400 px"}
}


async def _stream(storage: Storage, key: str, start: int, end: int | None) -> AsyncIterator[bytes]:
    async for chunk in storage.read(key, start, end):
        yield chunk


@router.get(
    "/attachments/{attachment_id}/content",
    tags=["attachments"],
    response_class=Response,
    responses=_CONTENT | error_responses(404),
)
async def download_attachment(
    session: ReadSessionDep,
    user: CurrentUser,
    settings: AppSettings,
    attachment_id: PathId,
    range_: Annotated[str | None, Header(alias="range", max_length=1000)] = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The file (members only, checked on every request). Raster images are shown inline;
    everything else is a download (`Content-Disposition: attachment`). `Range` supported."""
    attachment = await service.get_attachment(session, user, attachment_id)
    etag = f'"{attachment.sha256}"'
    headers = dict(_DOWNLOAD_HEADERS)
    headers["ETag"] = etag
    headers["Content-Disposition"] = content_disposition(
        attachment.filename, inline=is_inline(attachment.content_type)
    )
    if if_none_match is not None and etag in {tag.strip() for tag in if_none_match.split(",")}:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    size = attachment.size
    try:
        byte_range = parse_range(range_, size)
    except Unsatisfiable:
        headers["Content-Range"] = f"bytes */{size}"
        return Response(status_code=416, headers=headers)
    storage = storage_for(settings)
    start, end, code = 0, size, status.HTTP_200_OK
    if byte_range is not None:
        start, end, code = byte_range.start, byte_range.end, status.HTTP_206_PARTIAL_CONTENT
        headers["Content-Range"] = byte_range.content_range(size)
    headers["Content-Length"] = str(end - start)
    media_type = served_type(attachment.content_type)
    return await _streaming(storage, attachment.storage_key, start, end, code, headers, media_type)


async def _streaming(
    storage: Storage,
    key: str,
    start: int,
    end: int | None,
    code: int,
    headers: dict[str, str],
    media_type: str,
) -> Response:
    """The response, once the first chunk is read: a file missing from storage is a 404
    here, not a broken 200."""
    chunks = _stream(storage, key, start, end)
    try:
        first = b"" if end is not None and end <= start else await anext(chunks)
    except StoredFileMissing:
        raise NotFound("The attachment's file is missing from storage") from None
    except StopAsyncIteration:
        first = b""

    async def body() -> AsyncIterator[bytes]:
        if first:
            yield first
        async for chunk in chunks:
            yield chunk

    return StreamingResponse(body(), status_code=code, headers=headers, media_type=media_type)


@router.get(
    "/attachments/{attachment_id}/thumbnail",
    tags=["attachments"],
    response_class=Response,
    responses=_THUMBNAIL | error_responses(404),
)
async def attachment_thumbnail(
    session: ReadSessionDep, user: CurrentUser, settings: AppSettings, attachment_id: PathId
) -> Response:
    """A raster image's thumbnail (≤ 400 px), once the worker has made it; 404 until then."""
    key = await service.get_thumbnail_key(session, user, attachment_id)
    headers = dict(_DOWNLOAD_HEADERS)
    headers["Content-Disposition"] = "inline"
    storage = storage_for(settings)
    return await _streaming(storage, key, 0, None, 200, headers, THUMBNAIL_TYPE)


@router.delete(
    "/attachments/{attachment_id}",
    tags=["attachments"],
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(403, 404),
)
async def delete_attachment(session: SessionDep, user: CurrentUser, attachment_id: PathId) -> None:
    """The uploader or a project admin; the file leaves storage after the commit."""
    await service.delete_attachment(session, user, attachment_id)
