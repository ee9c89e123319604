"""Export as zip (the JSON document and the files) and import of that zip, on both storages."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from fastapi import FastAPI
from httpx import AsyncClient

from taskflow.config import Settings
from tests.attachments.helpers import png, stored_keys, uploaded
from tests.factories_domain import API, make_project, make_task, quick_user


async def test_zip_export_carries_the_files_and_imports_them_back(
    app: FastAPI, client: AsyncClient, settings: Settings
) -> None:
    owner = await quick_user(app)
    project = await make_project(client, owner, "Designs")
    task = await make_task(client, owner, "Logo", project_id=project["id"])
    image = png(300, 200)
    await uploaded(client, owner, task["id"], image, filename="logo.png")
    await uploaded(client, owner, task["id"], b"notes", filename="notes.txt")

    plain = await client.get(f"{API}/export", headers=owner.headers)
    exported = plain.json()["projects"][1]["tasks"][0]["attachments"]
    assert [item["filename"] for item in exported] == ["logo.png", "notes.txt"]
    assert exported[0]["url"].startswith(f"{API}/attachments/")
    assert exported[0]["file"] is None  # the JSON export links the files, it does not carry them

    response = await client.get(f"{API}/export?format=zip", headers=owner.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith('attachment; filename="taskflow-')
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    document = json.loads(archive.read("export.json"))
    carried = document["projects"][1]["tasks"][0]["attachments"]
    assert carried[0]["file"] == f"files/{hashlib.sha256(image).hexdigest()}"
    assert archive.read(carried[0]["file"]) == image
    assert archive.read(carried[1]["file"]) == b"notes"

    newcomer = await quick_user(app)
    imported = await client.post(
        f"{API}/import",
        content=response.content,
        headers={**newcomer.headers, "Content-Type": "application/zip"},
    )
    assert imported.status_code == 201, imported.text
    assert imported.json() == {"projects": 2, "tasks": 1, "attachments": 2}
    tasks = (await client.get(f"{API}/tasks?search=Logo", headers=newcomer.headers)).json()
    new_task = tasks["items"][0]
    assert new_task["attachment_count"] == 2
    listed = await client.get(f"{API}/tasks/{new_task['id']}/attachments", headers=newcomer.headers)
    items = {item["filename"]: item for item in listed.json()["items"]}
    assert items["logo.png"]["content_type"] == "image/png"
    assert items["logo.png"]["created_by"] == newcomer.user.id
    copy = await client.get(items["logo.png"]["url"], headers=newcomer.headers)
    assert copy.content == image
    assert len(await stored_keys(settings)) >= 4  # the copies are files of their own


async def test_a_zip_whose_files_do_not_match_is_refused_whole(
    app: FastAPI, client: AsyncClient, settings: Settings
) -> None:
    owner = await quick_user(app)
    task = await make_task(client, owner, "Invoice")
    await uploaded(client, owner, task["id"], b"the real bytes", filename="invoice.txt")
    response = await client.get(f"{API}/export?format=zip", headers=owner.headers)
    original = zipfile.ZipFile(io.BytesIO(response.content))
    document = json.loads(original.read("export.json"))
    path = document["projects"][0]["tasks"][0]["attachments"][0]["file"]
    keys_before = await stored_keys(settings)
    newcomer = await quick_user(app)

    async def send(files: dict[str, bytes]) -> int:
        body = io.BytesIO()
        with zipfile.ZipFile(body, "w") as archive:
            for name, data in files.items():
                archive.writestr(name, data)
        answer = await client.post(
            f"{API}/import",
            content=body.getvalue(),
            headers={**newcomer.headers, "Content-Type": "application/zip"},
        )
        return answer.status_code

    as_json = json.dumps(document).encode()
    assert await send({"export.json": as_json, path: b"tampered bytes"}) == 422
    assert await send({"export.json": as_json}) == 422  # the file is missing
    assert await send({path: b"the real bytes"}) == 422  # no document
    not_zip = await client.post(
        f"{API}/import",
        content=b"PK\x03\x04 not really",
        headers={**newcomer.headers, "Content-Type": "application/zip"},
    )
    assert not_zip.status_code == 422
    assert await stored_keys(settings) == keys_before
    tasks = await client.get(f"{API}/tasks", headers=newcomer.headers)
    assert tasks.json()["total"] == 0
