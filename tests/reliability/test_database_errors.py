"""Which database errors are an outage (503) and which are a bug (500): found by fault tests."""

from __future__ import annotations

import asyncpg
from sqlalchemy.exc import DBAPIError

from taskflow.core.errors import _is_connection_problem


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
