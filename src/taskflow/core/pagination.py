"""Limit/offset pagination: the query parameters and the `{items, total, limit, offset}` page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

T = TypeVar("T")

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
# Beyond this an offset is certainly past the end; bounded so no driver sees an overflowing int.
MAX_OFFSET = 2**31 - 1


@dataclass(frozen=True, slots=True)
class Pagination:
    limit: int = DEFAULT_LIMIT
    offset: int = 0


# `async def` although nothing is awaited: FastAPI runs a plain `def` dependency in its thread
# pool, a thread hop per request that cost every list ~10% of its throughput under load.
async def pagination(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Pagination:
    return Pagination(limit=limit, offset=offset)


PaginationDep = Annotated[Pagination, Depends(pagination)]


class Page(BaseModel, Generic[T]):
    """Every collection GET answers with one of these."""

    items: list[T]
    total: int
    limit: int
    offset: int
