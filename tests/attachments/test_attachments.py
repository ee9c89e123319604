"""Attachments end to end, on both storages (directory and S3) and both databases."""

from __future__ import annotations

import hashlib

from fastapi import FastAPI
from httpx import AsyncClient

from taskflow.config import Settings
from tests.attachments.helpers import png, stored_keys, upload, uploaded, wait_for
from tests.factories_domain import API, make_task, make_team, quick_user


async def test_upload_is_stored_listed_counted_and_downloaded(
    app: FastAPI, client: AsyncClient, settings: Settings
) -> None:
    user = await quick_user(app)
    task = await make_task(client, user)
    content = b"%PDF-1.4 invoice " + bytes(range(256)) * 40
    response = await upload(client, user, task["id"], content, "invoice.pdf", "text/html")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["task_id"] == task["id"]
    assert body["filename"] == "invoice.pdf"
    assert body["content_type"] == "application/pdf"  # from the bytes, not the client
    assert body["size"] == len(content)
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["created_by"] == user.user.id
    assert body["uploader"] == {"id": user.user.id, "username": user.user.username}
    assert body["url"] == f"{API}/attachments/{body['id']}/content"
    assert body["thumbnail_url"] is None
    assert response.headers["Location"] == body["url"]
    assert len(await stored_keys(settings)) == 1

    listed = await client.get(f"{API}/tasks/{task['id']}/attachments", headers=user.headers)
    assert listed.status_code == 200
    assert listed.json()["total"] == 1
    assert listed.json()["items"] == [body]
    fetched = await client.get(f"{API}/tasks/{task['id']}", headers=user.headers)
    assert fetched.json()["attachment_count"] == 1
    page = await client.get(f"{API}/tasks", headers=user.headers)
    assert [item["attachment_count"] for item in page.json()["items"]] == [1]

    download = await client.get(body["url"], headers=user.headers)
    assert download.status_code == 200
    assert download.content == content
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in download.headers["content-security-policy"]
    assert download.headers["accept-ranges"] == "bytes"
    etag = download.headers["etag"]
    again = await client.get(body["url"], headers={**user.headers, "If-None-Match": etag})
    assert again.status_code == 304


async def test_raster_image_is_inline_html_and_svg_never_are(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    task = await make_task(client, user)
    image = await uploaded(client, user, task["id"], png(), filename="shot.png")
    assert image["content_type"] == "image/png"
    shown = await client.get(image["url"], headers=user.headers)
    assert shown.headers["content-type"] == "image/png"
    assert shown.headers["content-disposition"].startswith("inline;")

    html = b"<!doctype html><script>alert(document.cookie)</script>"
    page = await uploaded(
        client, user, task["id"], html, filename="evil.html", content_type="text/html"
    )
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
    drawing = await uploaded(
        client, user, task["id"], svg, filename="logo.svg", content_type="image/svg+xml"
    )
    for attachment in (page, drawing):
        assert attachment["content_type"] == "text/plain"
        served = await client.get(attachment["url"], headers=user.headers)
        assert served.headers["content-type"] == "text/plain; charset=utf-8"
        assert served.headers["content-disposition"].startswith("attachment;")
        assert served.headers["x-content-type-options"] == "nosniff"


async def test_filenames_are_sanitised_and_encoded(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    task = await make_task(client, user)
    cases = {
        "../../etc/passwd": "passwd",
        "..\\..\\boot.ini": "boot.ini",
        "a\x01b\u202ec\t.txt": "abc.txt",
        "..": "file",
        "x" * 300 + ".txt": "x" * 251 + ".txt",
    }
    for given, expected in cases.items():
        # Sent as raw bytes: httpx (like browsers) would percent-escape the control characters.
        response = await client.post(
            f"{API}/tasks/{task['id']}/attachments",
            content=b'--B0\r\nContent-Disposition: form-data; name="file"; filename="'
            + given.encode()
            + b'"\r\n\r\nhello\r\n--B0--\r\n',
            headers={**user.headers, "Content-Type": "multipart/form-data; boundary=B0"},
        )
        assert response.status_code == 201, response.text
        assert response.json()["filename"] == expected
    name = 'résumé "final" 📄.txt'
    attachment = await uploaded(client, user, task["id"], b"hello", filename=name)
    assert attachment["filename"] == name
    served = await client.get(attachment["url"], headers=user.headers)
    disposition = served.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="resume _final_ .txt"; ')
    assert "filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22%20%F0%9F%93%84.txt" in disposition


async def test_range_requests(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    task = await make_task(client, user)
    content = bytes(range(256)) * 1000  # 256 000 bytes, several read chunks
    attachment = await uploaded(client, user, task["id"], content)
    url = attachment["url"]
    cases = {
        "bytes=0-99": (0, 100),
        "bytes=100000-200000": (100_000, 200_001),
        "bytes=250000-": (250_000, 256_000),
        "bytes=-10": (255_990, 256_000),
        "bytes=255999-999999": (255_999, 256_000),
    }
    for header, (start, end) in cases.items():
        partial = await client.get(url, headers={**user.headers, "Range": header})
        assert partial.status_code == 206, header
        assert partial.content == content[start:end], header
        assert partial.headers["content-range"] == f"bytes {start}-{end - 1}/256000"
        assert partial.headers["content-length"] == str(end - start)
    outside = await client.get(url, headers={**user.headers, "Range": "bytes=256000-"})
    assert outside.status_code == 416
    assert outside.headers["content-range"] == "bytes */256000"
    for ignored in ("bytes=0-1,5-6", "items=0-5", "bytes=9-2"):
        whole = await client.get(url, headers={**user.headers, "Range": ignored})
        assert whole.status_code == 200
        assert whole.content == content


async def test_bad_uploads_are_refused_and_store_nothing(
    app: FastAPI, client: AsyncClient, settings: Settings
) -> None:
    user = await quick_user(app)
    task = await make_task(client, user)
    url = f"{API}/tasks/{task['id']}/attachments"
    as_json = await client.post(url, json={"file": "x"}, headers=user.headers)
    assert as_json.status_code == 415
    no_file = await client.post(url, data={"note": "hi"}, files={}, headers=user.headers)
    assert no_file.status_code in (415, 422)
    other_field = await client.post(
        url, files={"picture": ("a.txt", b"abc", "text/plain")}, headers=user.headers
    )
    assert other_field.status_code == 422
    truncated = await client.post(
        url,
        content=b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc',
        headers={**user.headers, "Content-Type": "multipart/form-data; boundary=XyZ"},
    )
    assert truncated.status_code == 422
    missing = await upload(client, user, 999_999, b"abc")
    assert missing.status_code == 404
    assert await stored_keys(settings) == set()
    listed = await client.get(url, headers=user.headers)
    assert listed.json()["total"] == 0


async def test_over_the_limit_is_413_while_streaming(
    app: FastAPI, client: AsyncClient, settings: Settings
) -> None:
    settings.max_attachment_bytes = 100_000  # the app reads its settings per request
    user = await quick_user(app)
    task = await make_task(client, user)
    exact = await upload(client, user, task["id"], b"a" * 100_000)
    assert exact.status_code == 201
    over = await upload(client, user, task["id"], b"a" * 100_001)
    assert over.status_code == 413
    assert "100000" in over.json()["detail"]
    assert len(await stored_keys(settings)) == 1  # the refused one left nothing
    fetched = await client.get(f"{API}/tasks/{task['id']}", headers=user.headers)
    assert fetched.json()["attachment_count"] == 1


async def test_who_may_upload_read_and_delete(
    app: FastAPI, client: AsyncClient, settings: Settings
) -> None:
    team = await make_team(app, client)
    task = await make_task(client, team.owner, project_id=team.project_id)
    for role, expected in {"viewer": 403, "outsider": 404}.items():
        response = await upload(client, team.by_role(role), task["id"], b"x")
        assert response.status_code == expected, role
    mine = await uploaded(client, team.editor, task["id"], b"editor's")
    theirs = await uploaded(client, team.owner, task["id"], b"owner's")
    for role in ("owner", "admin", "editor", "viewer"):
        response = await client.get(mine["url"], headers=team.by_role(role).headers)
        assert response.status_code == 200, role
    outsider = team.outsider.headers
    assert (await client.get(mine["url"], headers=outsider)).status_code == 404
    listing = f"{API}/tasks/{task['id']}/attachments"
    assert (await client.get(listing, headers=outsider)).status_code == 404
    denied = await client.delete(f"{API}/attachments/{theirs['id']}", headers=team.editor.headers)
    assert denied.status_code == 403
    by_viewer = await client.delete(f"{API}/attachments/{mine['id']}", headers=team.viewer.headers)
    assert by_viewer.status_code == 403
    own = await client.delete(f"{API}/attachments/{mine['id']}", headers=team.editor.headers)
    assert own.status_code == 204
    by_admin = await client.delete(f"{API}/attachments/{theirs['id']}", headers=team.admin.headers)
    assert by_admin.status_code == 204
    assert (await client.get(mine["url"], headers=team.owner.headers)).status_code == 404
    fetched = await client.get(f"{API}/tasks/{task['id']}", headers=team.owner.headers)
    assert fetched.json()["attachment_count"] == 0

    async def files_gone() -> bool:
        return await stored_keys(settings) == set()

    await wait_for(files_gone)


async def test_a_removed_member_loses_access_at_once(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    task = await make_task(client, team.owner, project_id=team.project_id)
    attachment = await uploaded(client, team.editor, task["id"], b"secret plans")
    assert (await client.get(attachment["url"], headers=team.viewer.headers)).status_code == 200
    removed = await client.delete(
        f"{API}/projects/{team.project_id}/members/{team.viewer.user.id}",
        headers=team.owner.headers,
    )
    assert removed.status_code == 204
    assert (await client.get(attachment["url"], headers=team.viewer.headers)).status_code == 404


async def test_archived_project_takes_no_uploads(app: FastAPI, client: AsyncClient) -> None:
    team = await make_team(app, client)
    task = await make_task(client, team.owner, project_id=team.project_id)
    attachment = await uploaded(client, team.editor, task["id"], b"kept")
    archived = await client.patch(
        f"{API}/projects/{team.project_id}", json={"archived": True}, headers=team.owner.headers
    )
    assert archived.status_code == 200, archived.text
    assert (await upload(client, team.editor, task["id"], b"new")).status_code == 403
    deleting = await client.delete(
        f"{API}/attachments/{attachment['id']}", headers=team.editor.headers
    )
    assert deleting.status_code == 403
    assert (await client.get(attachment["url"], headers=team.viewer.headers)).status_code == 200
