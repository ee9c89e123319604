"""Thumbnails made by the job, and stored files leaving storage with whatever deleted them."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

from fastapi import FastAPI
from httpx import AsyncClient
from PIL import Image

from taskflow.attachments.jobs import make_thumbnail, thumbnail
from taskflow.config import Settings
from taskflow.core.jobs.registry import JobContext
from tests.attachments.helpers import png, run_purge, stored_keys, uploaded, wait_for
from tests.factories import DEFAULT_PASSWORD
from tests.factories_domain import API, make_project, make_task, quick_user


def bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A PNG header claiming 900 megapixels (one pixel row of data): decoding it for real would
    take gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\x00" * 3 * width)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


async def test_image_gets_a_thumbnail_at_most_400px(
    app: FastAPI, client: AsyncClient, settings: Settings
) -> None:
    user = await quick_user(app)
    task = await make_task(client, user)
    attachment = await uploaded(client, user, task["id"], png(1600, 900), filename="wide.png")
    url = f"{API}/tasks/{task['id']}/attachments"
    listed: dict[str, Any] = {}

    async def thumbnail_ready() -> bool:
        nonlocal listed
        listed = (await client.get(url, headers=user.headers)).json()["items"][0]
        return listed["thumbnail_url"] is not None

    await wait_for(thumbnail_ready)  # made by the in-process job after the upload committed
    response = await client.get(listed["thumbnail_url"], headers=user.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/webp"
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.format == "WEBP"
        assert image.size == (400, 225)
    assert len(await stored_keys(settings)) == 2
    outsider = await quick_user(app)
    hidden = await client.get(listed["thumbnail_url"], headers=outsider.headers)
    assert hidden.status_code == 404
    deleted = await client.delete(f"{API}/attachments/{attachment['id']}", headers=user.headers)
    assert deleted.status_code == 204

    async def both_gone() -> bool:
        return await stored_keys(settings) == set()

    await wait_for(both_gone)


async def test_decompression_bomb_gets_no_thumbnail(
    app: FastAPI, client: AsyncClient, settings: Settings
) -> None:
    assert make_thumbnail(io.BytesIO(bomb_png())) is None  # refused from its header
    user = await quick_user(app)
    task = await make_task(client, user)
    attachment = await uploaded(client, user, task["id"], bomb_png(), filename="bomb.png")
    assert attachment["content_type"] == "image/png"
    await thumbnail(JobContext(settings, app.state.uow), attachment_id=attachment["id"])
    listed = await client.get(f"{API}/tasks/{task['id']}/attachments", headers=user.headers)
    assert listed.json()["items"][0]["thumbnail_url"] is None
    missing = await client.get(
        f"{API}/attachments/{attachment['id']}/thumbnail", headers=user.headers
    )
    assert missing.status_code == 404
    assert len(await stored_keys(settings)) == 1


async def test_non_images_get_no_thumbnail(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    task = await make_task(client, user)
    attachment = await uploaded(client, user, task["id"], b"plain text", filename="a.png")
    assert attachment["content_type"] == "text/plain"
    missing = await client.get(
        f"{API}/attachments/{attachment['id']}/thumbnail", headers=user.headers
    )
    assert missing.status_code == 404


async def test_deleting_a_task_keeps_its_files_until_it_is_purged(
    app: FastAPI, client: AsyncClient, settings: Settings
) -> None:
    """The trash keeps attachments whole (SPEC §10): the files go only with the purge."""
    user = await quick_user(app)
    task = await make_task(client, user)
    kept = await make_task(client, user, "Kept")
    await uploaded(client, user, task["id"], b"one")
    await uploaded(client, user, task["id"], b"two")
    await uploaded(client, user, kept["id"], b"three")
    assert len(await stored_keys(settings)) == 3
    deleted = await client.delete(f"{API}/tasks/{task['id']}", headers=user.headers)
    assert deleted.status_code == 204
    await run_purge(app)
    assert len(await stored_keys(settings)) == 3
    purged = await client.delete(f"{API}/trash/task/{task['id']}", headers=user.headers)
    assert purged.status_code == 204
    await run_purge(app)
    assert len(await stored_keys(settings)) == 1
    remaining = await client.get(f"{API}/tasks/{kept['id']}/attachments", headers=user.headers)
    only = remaining.json()["items"][0]
    assert (await client.get(only["url"], headers=user.headers)).content == b"three"


async def test_deleting_an_account_removes_the_files_of_its_projects(
    app: FastAPI, client: AsyncClient, settings: Settings
) -> None:
    leaving = await quick_user(app)
    staying = await quick_user(app)
    project = await make_project(client, leaving, "Mine")
    task = await make_task(client, leaving, project_id=project["id"])
    await uploaded(client, leaving, task["id"], b"in my project")
    shared = await make_project(client, staying, "Shared")
    await client.post(
        f"{API}/projects/{shared['id']}/members",
        json={"user": leaving.user.username, "role": "editor"},
        headers=staying.headers,
    )
    shared_task = await make_task(client, staying, project_id=shared["id"])
    contributed = await uploaded(client, leaving, shared_task["id"], b"left for the team")
    assert len(await stored_keys(settings)) == 2
    gone = await client.request(
        "DELETE", f"{API}/users/me", json={"password": DEFAULT_PASSWORD}, headers=leaving.headers
    )
    assert gone.status_code == 204, gone.text
    await run_purge(app)
    # The file in their own project went with it; the one in the team's project stays,
    # with no uploader.
    assert len(await stored_keys(settings)) == 1
    listed = await client.get(
        f"{API}/tasks/{shared_task['id']}/attachments", headers=staying.headers
    )
    item = listed.json()["items"][0]
    assert item["id"] == contributed["id"]
    assert item["created_by"] is None
    assert item["uploader"] is None
