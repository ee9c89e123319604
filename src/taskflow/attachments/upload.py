"""Receiving an upload: the multipart body parsed as it streams in, the `file` part written
straight to storage, its size limited, its sha256 and first bytes taken on the way.

FastAPI's `UploadFile` would spool the whole body first (to memory, then a temporary file);
here at most one network chunk and one parser event are held, so a 25 MiB upload costs the
process about what a small one does (bench/attachments.py measures it).
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field

from fastapi import HTTPException, Request, status
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect

from taskflow.attachments.safety import SNIFF_BYTES, clean_filename, sniff_content_type
from taskflow.core.storage import Storage, new_key

FIELD = "file"
MAX_OTHER_PART_BYTES = 64 * 1024
# What the request body may carry beyond the file (boundaries, part headers, small fields).
UPLOAD_ENVELOPE_BYTES = 1024 * 1024  # a form field beside the file: a few bytes, not a second file


@dataclass(frozen=True, slots=True)
class StoredUpload:
    key: str
    filename: str
    content_type: str
    size: int
    sha256: str


class _Incomplete(Exception):
    pass


class _TooLarge(Exception):
    pass


@dataclass(slots=True)
class _Events:
    """The parser's callbacks, queued: ("part", headers), ("data", bytes), ("end", None)."""

    queue: list[tuple[str, object]] = field(default_factory=list)
    header_field: bytearray = field(default_factory=bytearray)
    header_value: bytearray = field(default_factory=bytearray)
    headers: dict[bytes, bytes] = field(default_factory=dict)

    def on_part_begin(self) -> None:
        self.headers = {}

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.headers[bytes(self.header_field).lower()] = bytes(self.header_value)
        self.header_field.clear()
        self.header_value.clear()

    def on_headers_finished(self) -> None:
        self.queue.append(("part", self.headers))

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        self.queue.append(("data", data[start:end]))

    def on_part_end(self) -> None:
        self.queue.append(("end", None))


def _boundary(request: Request) -> bytes:
    kind, params = parse_options_header(request.headers.get("content-type", ""))
    if kind != b"multipart/form-data":
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            "Send the file as multipart/form-data, in a part named `file`",
        )
    boundary = params.get(b"boundary")
    if not boundary or len(boundary) > 200:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "Invalid multipart boundary")
    return boundary


async def _events(request: Request, boundary: bytes) -> AsyncGenerator[tuple[str, object]]:
    events = _Events()
    callbacks = {
        "on_part_begin": events.on_part_begin,
        "on_header_field": events.on_header_field,
        "on_header_value": events.on_header_value,
        "on_header_end": events.on_header_end,
        "on_headers_finished": events.on_headers_finished,
        "on_part_data": events.on_part_data,
        "on_part_end": events.on_part_end,
    }
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    async for chunk in request.stream():
        if chunk:
            parser.write(chunk)
            queued, events.queue = events.queue, []
            for event in queued:
                yield event
    parser.finalize()
    for event in events.queue:
        yield event


# Browsers escape these three in a multipart filename (WHATWG's multipart/form-data encoding).
_BROWSER_ESCAPES = ((b"%22", b'"'), (b"%0D", b"\r"), (b"%0A", b"\n"))


def _part_names(headers: dict[bytes, bytes]) -> tuple[str | None, str | None]:
    _, params = parse_options_header(headers.get(b"content-disposition", b""))
    name = params.get(b"name")
    filename = params.get(b"filename")
    if filename is not None:
        for escaped, raw in _BROWSER_ESCAPES:
            filename = filename.replace(escaped, raw)
    return (
        name.decode("utf-8", "replace") if name is not None else None,
        filename.decode("utf-8", "replace") if filename is not None else None,
    )


async def receive_upload(request: Request, storage: Storage, max_bytes: int) -> StoredUpload:
    """Stream the `file` part of the request into storage under a new key: 413 past
    `max_bytes` (nothing kept), 422 if there is no `file` part or the body is malformed."""
    boundary = _boundary(request)
    events = _events(request, boundary)
    digest = hashlib.sha256()
    head = bytearray()
    size = 0
    filename: str | None = None

    async def file_chunks() -> AsyncIterator[bytes]:
        nonlocal size
        async for kind, value in events:
            if kind == "end":
                return
            if kind == "data":
                assert isinstance(value, bytes)
                size += len(value)
                if size > max_bytes:
                    raise _TooLarge
                digest.update(value)
                if len(head) < SNIFF_BYTES:
                    head.extend(value[: SNIFF_BYTES - len(head)])
                yield value
        raise _Incomplete

    key = new_key("attachments")
    try:
        other_bytes = 0
        async for kind, value in events:
            if kind == "part":
                assert isinstance(value, dict)
                name, given = _part_names(value)
                if name == FIELD and given is not None:
                    filename = clean_filename(given)
                    await storage.write(key, file_chunks())
                    break
            elif kind == "data":
                assert isinstance(value, bytes)
                other_bytes += len(value)
                if other_bytes > MAX_OTHER_PART_BYTES:
                    break
    except _TooLarge:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"The file is larger than the limit of {max_bytes} bytes",
        ) from None
    except (_Incomplete, MultipartParseError, ClientDisconnect):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "The multipart body ended before the file did"
        ) from None
    finally:
        await events.aclose()
    if filename is None:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "No file: send it in a part named `file`"
        )
    return StoredUpload(
        key=key,
        filename=filename,
        content_type=sniff_content_type(bytes(head)),
        size=size,
        sha256=digest.hexdigest(),
    )
