"""Which database errors are an outage (503) and which are a bug (500): found by fault tests."""

from __future__ import annotations

import asyncpg
import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy.exc import DBAPIError

from taskflow.core.errors import _is_connection_problem, install_error_handlers


class AdapterError(Exception):
    """Stands for SQLAlchemy's asyncpg adapter error, which wraps the driver's exception."""


def _wrapped(driver_error: Exception) -> DBAPIError:
    adapter = AdapterError(str(driver_error))
    adapter.__cause__ = driver_error
    return DBAPIError("SELECT 1", None, adapter)


def test_database_in_crash_recovery_is_an_outage() -> None:
    # PostgreSQL replaying its WAL after a crash: "the database system is not yet accepting
    # connections" (57P03), under the adapter's generic Error. Was a 500.
    error = asyncpg.exceptions.CannotConnectNowError("not yet accepting connections")
    assert _is_connection_problem(_wrapped(error))


def test_admin_shutdown_and_connection_failures_are_an_outage() -> None:
    assert _is_connection_problem(_wrapped(asyncpg.exceptions.AdminShutdownError("bye")))
    assert _is_connection_problem(_wrapped(ConnectionRefusedError("refused")))
    assert _is_connection_problem(_wrapped(asyncpg.exceptions.TooManyConnectionsError("full")))


def test_a_query_error_is_not_an_outage() -> None:
    assert not _is_connection_problem(_wrapped(asyncpg.exceptions.UndefinedColumnError("no")))


@pytest.mark.parametrize(
    "error",
    [
        ConnectionResetError(104, "reset by peer"),
        ConnectionRefusedError(111, "refused"),
        TimeoutError(),
    ],
)
async def test_bare_connection_errors_from_the_driver_are_503(error: Exception) -> None:
    # Seen in the PostgreSQL crash test: asyncpg's SSL negotiation with a server going down
    # raised a bare ConnectionResetError through SQLAlchemy's connect: was a 500.
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    async def boom() -> None:
        raise error

    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/boom")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
