"""The read-only session type: what GET routes and query functions read through.

Routes that only read take a `ReadSession` (core.dependencies.ReadSessionDep), which has no
add, flush or commit, and whose underlying session refuses to flush: a write attempted
through it fails loudly. Query functions take a `Reader`: either session type. The reads that
skip SQLAlchemy's execution layer are `db.driver`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias, TypeVar, TypeVarTuple, overload

from sqlalchemy import Executable, Result, ScalarResult, event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.sql.selectable import TypedReturnsRows
from sqlalchemy.util.typing import TupleAny

_T = TypeVar("_T")
_Ts = TypeVarTuple("_Ts")
_Params = Mapping[str, Any] | None


class ReadOnlySessionError(RuntimeError):
    """Something tried to write through a read-only session: a bug, never a user's error."""


_READ_ONLY_KEY = "taskflow_read_only"


# One listener for every session, registered once: listening on each read session itself
# cost SQLAlchemy a per-instance event registry on every GET.
@event.listens_for(Session, "before_flush")
def _refuse_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    if session.info.get(_READ_ONLY_KEY):
        raise ReadOnlySessionError("a write was attempted through a read-only session")


class ReadSession:
    """A session that can only read: what GET routes and query modules get.

    It wraps the request's `AsyncSession` and offers its reading methods only. Marking the
    session read-only also makes any flush of it raise (an ORM object loaded here and then
    changed), so a write cannot slip through by another path either.
    """

    __slots__ = ("_session",)

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        session.info[_READ_ONLY_KEY] = True

    @overload
    async def execute(
        self, statement: TypedReturnsRows[*_Ts], params: _Params = None
    ) -> Result[*_Ts]: ...
    @overload
    async def execute(self, statement: Executable, params: _Params = None) -> Result[*TupleAny]: ...
    async def execute(self, statement: Executable, params: _Params = None) -> Result[*TupleAny]:
        return await self._session.execute(statement, params)

    @overload
    async def scalar(
        self, statement: TypedReturnsRows[_T], params: _Params = None
    ) -> _T | None: ...
    @overload
    async def scalar(self, statement: Executable, params: _Params = None) -> Any: ...
    async def scalar(self, statement: Executable, params: _Params = None) -> Any:
        return await self._session.scalar(statement, params)

    @overload
    async def scalars(
        self, statement: TypedReturnsRows[_T], params: _Params = None
    ) -> ScalarResult[_T]: ...
    @overload
    async def scalars(self, statement: Executable, params: _Params = None) -> ScalarResult[Any]: ...
    async def scalars(self, statement: Executable, params: _Params = None) -> ScalarResult[Any]:
        return await self._session.scalars(statement, params)

    async def get(self, entity: type[_T], ident: Any) -> _T | None:
        return await self._session.get(entity, ident)

    def unwrap_for_reading(self) -> AsyncSession:
        """The underlying session, for code that reads through an `AsyncSession` API (it still
        cannot flush)."""
        return self._session


# What a query function reads through: a write's session or a read-only one.
Reader: TypeAlias = AsyncSession | ReadSession


def session_of(reader: Reader) -> AsyncSession:
    return reader.unwrap_for_reading() if isinstance(reader, ReadSession) else reader


def has_pending_changes(session: AsyncSession) -> bool:
    """Objects added, changed or deleted in the session and not flushed yet."""
    return bool(session.new or session.dirty or session.deleted)
