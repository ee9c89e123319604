"""Uploading in tests, images made with Pillow, and what storage holds."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import obstore
from fastapi import FastAPI
from httpx import AsyncClient, Response
from PIL import Image

from taskflow.config import Settings
from taskflow.core.jobs.registry import JobContext
from taskflow.core.storage import DirectoryStorage, S3Storage, storage_for
from tests.factories import UserWithTokens
from tests.factories_domain import API


def png(width: int = 800, height: int = 600, color: str = "red") -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (width, height), color).save(output, "PNG")
    return output.getvalue()


async def upload(
    client: AsyncClient,
    user: UserWithTokens,
    task_id: int,
    content: bytes,
    filename: str = "file.bin",
    content_type: str = "application/octet-stream",
) -> Response:
    return await client.post(
        f"{API}/tasks/{task_id}/attachments",
        files={"file": (filename, content, content_type)},
        headers=user.headers,
    )


async def uploaded(
    client: AsyncClient, user: UserWithTokens, task_id: int, content: bytes, **kwargs: Any
) -> dict[str, Any]:
    response = await upload(client, user, task_id, content, **kwargs)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def stored_keys(settings: Settings) -> set[str]:
    """Every key in the configured storage."""
    storage = storage_for(settings)
    if isinstance(storage, DirectoryStorage):
        root = storage.root

        def walk() -> set[str]:
            return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}

        return await asyncio.to_thread(walk)
    assert isinstance(storage, S3Storage)
    keys: set[str] = set()
    async for batch in obstore.list(storage.store):
        keys.update(item["path"] for item in batch)
    return keys


async def run_purge(app: FastAPI) -> None:
    from taskflow.attachments.jobs import purge

    await purge(JobContext(app.state.settings, app.state.uow))


async def wait_for(predicate: Any, timeout: float = 10.0) -> None:
    """Poll an async predicate until true (in-process jobs run after the commit)."""
    async with asyncio.timeout(timeout):
        while not await predicate():
            await asyncio.sleep(0.05)
