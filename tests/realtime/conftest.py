"""A real uvicorn server around the test's app, for WebSocket clients."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import uvicorn
from fastapi import FastAPI

from tests.servers import free_port


@pytest.fixture
async def ws_url(app: FastAPI) -> AsyncIterator[str]:
    """`ws://127.0.0.1:<port>/api/v1/ws` served by uvicorn in this process.

    The app's lifespan already ran (the `app` fixture), so uvicorn must not run it again.
    """
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_config=None)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(10):
        while not server.started:
            await asyncio.sleep(0.01)
    yield f"ws://127.0.0.1:{port}/api/v1/ws"
    server.should_exit = True
    await task
