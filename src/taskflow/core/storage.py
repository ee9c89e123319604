"""File storage for attachments: one small interface, a directory or an S3-compatible bucket.

A key is a relative name made by the caller (`attachments/<random>`), never by a client.
Writes take an async iterable of chunks and hold at most one chunk (directory) or one
multipart part (S3) in memory; a write that fails, or whose iterable raises, leaves nothing
behind. Deleting a key that is not there is not an error.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

import anyio

from taskflow.config import Settings

if TYPE_CHECKING:
    from obstore.store import S3Store

READ_CHUNK = 64 * 1024
# S3 multipart parts: its minimum part size; one part in flight at a time keeps an upload's
# memory at about one part.
S3_PART_BYTES = 5 * 1024 * 1024
_KEY = re.compile(r"[a-z0-9]+(/[a-z0-9][a-z0-9._-]*)+")


class StoredFileMissing(Exception):
    """The key names no stored file."""


def new_key(kind: str) -> str:
    """A fresh random key under `kind` (`attachments`, `thumbnails`)."""
    return f"{kind}/{uuid.uuid4().hex}"


def _checked(key: str) -> str:
    if not _KEY.fullmatch(key) or ".." in key:
        raise ValueError(f"invalid storage key {key!r}")
    return key


class Storage(Protocol):
    async def write(self, key: str, chunks: AsyncIterable[bytes]) -> None: ...

    def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """Bytes `start` up to `end` (exclusive; None: to the end). Raises StoredFileMissing
        on first iteration if there is no such key."""
        ...

    async def delete(self, keys: Sequence[str]) -> None: ...

    async def exists(self, key: str) -> bool: ...


class DirectoryStorage:
    """Files under one directory (TASKFLOW_STORAGE_DIR, default <data dir>/files)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / _checked(key)

    async def write(self, key: str, chunks: AsyncIterable[bytes]) -> None:
        path = self._path(key)
        await anyio.Path(path.parent).mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.partial")
        try:
            async with await anyio.open_file(partial, "wb") as file:
                async for chunk in chunks:
                    await file.write(chunk)
            await anyio.to_thread.run_sync(os.replace, partial, path)
        except BaseException:
            with anyio.CancelScope(shield=True):
                await anyio.Path(partial).unlink(missing_ok=True)
            raise

    async def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        try:
            file = await anyio.open_file(self._path(key), "rb")
        except FileNotFoundError:
            raise StoredFileMissing(key) from None
        async with file:
            await file.seek(start)
            remaining = None if end is None else end - start
            while remaining is None or remaining > 0:
                size = READ_CHUNK if remaining is None else min(READ_CHUNK, remaining)
                chunk = await file.read(size)
                if not chunk:
                    return
                if remaining is not None:
                    remaining -= len(chunk)
                yield chunk

    async def delete(self, keys: Sequence[str]) -> None:
        for key in keys:
            await anyio.Path(self._path(key)).unlink(missing_ok=True)

    async def exists(self, key: str) -> bool:
        return await anyio.Path(self._path(key)).is_file()


class S3Storage:
    """Objects in an S3-compatible bucket (TASKFLOW_STORAGE_URL=s3://bucket/prefix), through
    obstore (Rust's object_store): streamed multipart uploads, ranged reads.

    obstore is imported in the methods: an install that keeps its files in a directory never
    needs it, and it is ~5 MB of every API worker's RSS from start (issue 22).
    """

    def __init__(self, store: S3Store) -> None:
        self.store = store

    async def write(self, key: str, chunks: AsyncIterable[bytes]) -> None:
        # An exception raised by the iterable inside obstore's upload can abort the process
        # at exit (its runtime is left with the failed task), so the upload never sees one:
        # the iterable ends early instead, and the partial object is deleted here.
        import obstore  # deferred: see the class's docstring

        failures: list[Exception] = []

        async def guarded() -> AsyncIterator[bytes]:
            try:
                async for chunk in chunks:
                    yield chunk
            except Exception as error:
                failures.append(error)

        await obstore.put_async(
            self.store,
            _checked(key),
            guarded(),
            use_multipart=True,
            chunk_size=S3_PART_BYTES,
            max_concurrency=1,
        )
        if failures:
            await self.delete([key])
            raise failures[0]

    async def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        import obstore  # deferred: see the class's docstring
        from obstore.exceptions import NotFoundError

        options: obstore.GetOptions = {}
        if start or end is not None:
            if end is not None and end <= start:
                return
            options["range"] = (start, end) if end is not None else {"offset": start}
        try:
            result = await obstore.get_async(self.store, _checked(key), options=options)
        except (NotFoundError, FileNotFoundError):
            raise StoredFileMissing(key) from None
        async for chunk in result.stream(min_chunk_size=READ_CHUNK):
            yield bytes(chunk)

    async def delete(self, keys: Sequence[str]) -> None:
        import obstore  # deferred: see the class's docstring
        from obstore.exceptions import NotFoundError

        for key in keys:
            with contextlib.suppress(NotFoundError, FileNotFoundError):
                await obstore.delete_async(self.store, _checked(key))

    async def exists(self, key: str) -> bool:
        import obstore  # deferred: see the class's docstring
        from obstore.exceptions import NotFoundError

        try:
            await obstore.head_async(self.store, _checked(key))
        except (NotFoundError, FileNotFoundError):
            return False
        return True


def _s3_store(settings: Settings) -> S3Store:
    from obstore.store import S3Store  # deferred: see S3Storage's docstring

    assert settings.storage_url is not None
    parts = urlsplit(settings.storage_url)
    config: dict[str, str] = {}
    if settings.s3_endpoint_url:
        config["endpoint"] = settings.s3_endpoint_url
    if settings.aws_access_key_id:
        config["access_key_id"] = settings.aws_access_key_id
    if settings.aws_secret_access_key:
        config["secret_access_key"] = settings.aws_secret_access_key.get_secret_value()
    if settings.aws_session_token:
        config["token"] = settings.aws_session_token.get_secret_value()
    config["region"] = settings.aws_region or "us-east-1"
    allow_http = bool(settings.s3_endpoint_url and settings.s3_endpoint_url.startswith("http:"))
    return S3Store(
        parts.netloc,
        prefix=parts.path.strip("/") or None,
        config=config,  # type: ignore[arg-type]
        client_options={"allow_http": allow_http, "timeout": "120s"},
    )


_cache: dict[tuple[object, ...], Storage] = {}


def storage_for(settings: Settings) -> Storage:
    """The process's storage for these settings (one client per configuration)."""
    cache_key = (
        settings.storage_url,
        settings.resolved_storage_dir,
        settings.s3_endpoint_url,
        settings.aws_access_key_id,
        settings.aws_region,
    )
    storage = _cache.get(cache_key)
    if storage is None:
        if settings.storage_url:
            storage = S3Storage(_s3_store(settings))
        else:
            storage = DirectoryStorage(settings.resolved_storage_dir)
        _cache[cache_key] = storage
    return storage
