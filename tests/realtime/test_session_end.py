"""An open WebSocket ends with its session, at once (issue 23.2), in one process.

The same ways across two processes with Redis: tests/multiprocess/test_realtime_cluster.py.
"""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from taskflow.auth.sessions import start_session
from taskflow.db import Database
from taskflow.users.models import User
from tests.factories_domain import quick_user
from tests.realtime.sockets import (
    EVERY_SESSION,
    ONE_SESSION,
    SESSION_ENDS,
    Account,
    Context,
    close_code,
    open_socket,
    still_open,
)

# Well under the 30 s periodic re-check that used to be the only way out.
WITHIN_SECONDS = 1.0


async def _account(app: FastAPI, **fields: object) -> Account:
    made = await quick_user(app, **fields)
    return Account(
        made.id,
        made.password,
        made.tokens.access_token,
        made.tokens.refresh_token,
        made.tokens.session_id,
    )


async def _another_login(app: FastAPI, account: Account) -> Account:
    database: Database = app.state.database
    async with database.sessionmaker() as session, session.begin():
        user = await session.get(User, account.user_id)
        assert user is not None
        tokens = await start_session(session, app.state.settings, user)
    return Account(
        account.user_id,
        account.password,
        tokens.access_token,
        tokens.refresh_token,
        tokens.session_id,
    )


@pytest.mark.parametrize("way", list(SESSION_ENDS))
async def test_an_open_socket_closes_with_4401_as_soon_as_its_session_ends(
    app: FastAPI, client: AsyncClient, ws_url: str, way: str
) -> None:
    admin = await _account(app, is_superuser=True)
    user = await _account(app)
    other_login = await _another_login(app, user)
    bystander = await _account(app)
    ending = await open_socket(ws_url, user.access_token)
    other_socket = await open_socket(ws_url, other_login.access_token)
    bystander_socket = await open_socket(ws_url, bystander.access_token)
    database: Database = app.state.database
    context = Context(client, "/api/v1", admin.headers, database.engine)

    await SESSION_ENDS[way](context, user)

    assert await close_code(ending, within=WITHIN_SECONDS) == 4401
    if way in EVERY_SESSION:
        assert await close_code(other_socket, within=WITHIN_SECONDS) == 4401
    else:
        assert way in ONE_SESSION
        assert await still_open(other_socket)  # the user's other login lives on
        await other_socket.close()
    assert await still_open(bystander_socket)
    await bystander_socket.close()
