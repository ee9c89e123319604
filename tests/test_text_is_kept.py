"""What text is stored as (docs/reliability.md, "Hostile input"): one-line names lose their
leading and trailing whitespace, as users expect; long text is kept exactly as sent."""

from __future__ import annotations

from fastapi import FastAPI
from httpx import AsyncClient

from tests.factories_domain import API, make_label, make_project, make_task, quick_user

PADDED = "  padded \t"
EXACT = "  <b>kept</b>\n\n  exactly \t\n"


async def test_names_are_trimmed_and_long_text_is_kept_exactly(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await quick_user(app)
    project = await make_project(client, user, name=PADDED, description=EXACT)
    assert (project["name"], project["description"]) == ("padded", EXACT)
    label = await make_label(client, user, project["id"], name=PADDED)
    assert label["name"] == "padded"
    task = await make_task(client, user, title=PADDED, description=EXACT)
    assert (task["title"], task["description"]) == ("padded", EXACT)
    patched = await client.patch(
        f"{API}/tasks/{task['id']}", json={"title": " renamed  "}, headers=user.headers
    )
    assert patched.json()["title"] == "renamed"
    comment = await client.post(
        f"{API}/tasks/{task['id']}/comments", json={"body": EXACT}, headers=user.headers
    )
    assert comment.json()["body"] == EXACT
    me = await client.patch(f"{API}/users/me", json={"full_name": PADDED}, headers=user.headers)
    assert me.json()["full_name"] == "padded"
    read = await client.get(f"{API}/tasks/{task['id']}", headers=user.headers)
    assert (read.json()["title"], read.json()["description"]) == ("renamed", EXACT)


async def test_a_name_of_only_whitespace_is_422(app: FastAPI, client: AsyncClient) -> None:
    user = await quick_user(app)
    for path, body in (
        ("/tasks", {"title": " \t "}),
        ("/projects", {"name": "   "}),
    ):
        response = await client.post(f"{API}{path}", json=body, headers=user.headers)
        assert response.status_code == 422, (path, response.text)
