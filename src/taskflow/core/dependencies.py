"""The request's unit of work as FastAPI dependencies: `SessionDep` for routes that write,
`ReadSessionDep` for routes that only read, `GetThatWritesSessionDep` for a GET that writes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from taskflow.core.unit_of_work import UnitOfWork
from taskflow.db.reads import ReadSession

_READ_METHODS = frozenset({"GET", "HEAD"})


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session and one transaction per request, committed by the unit of work when the
    handler returns, before the response is sent; its events and jobs are released then."""
    uow: UnitOfWork = request.app.state.uow
    async with uow.begin(read_only=request.method in _READ_METHODS) as session:
        yield session


async def _write_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A writing transaction whatever the method: for the rare GET that must write (the
    OpenID Connect callback, which a provider's redirect can only reach by GET)."""
    uow: UnitOfWork = request.app.state.uow
    async with uow.begin(read_only=False) as session:
        yield session


# scope="function": the commit happens before the response is sent, so a 2xx means "saved".
SessionDep = Annotated[AsyncSession, Depends(_request_session, scope="function")]
GetThatWritesSessionDep = Annotated[AsyncSession, Depends(_write_session, scope="function")]


async def _read_session(session: SessionDep) -> ReadSession:
    return ReadSession(session)


ReadSessionDep = Annotated[ReadSession, Depends(_read_session)]
