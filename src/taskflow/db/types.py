"""Column types and the declarative Base: what every domain's models are built from."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer, MetaData
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no offset by itself)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# BIGINT on PostgreSQL; INTEGER on SQLite, where only INTEGER PRIMARY KEY autoincrements.
BigIntId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class json_rows(FunctionElement[Any]):  # noqa: N801  (a SQL function, named like one)
    """Aggregate: every row as a JSON object keyed by the columns' keys, all in one JSON
    array (`[{"id": 1, "name": "x"}, ...]`); NULL or `[]` over no rows. It lets a list's one
    query carry a small one-to-many relation (the labels of each task) instead of a second
    query. The order of the rows is not defined: sort them in Python.

    PostgreSQL: `json_agg(json_build_object(...))`; SQLite: `json_group_array(json_object(...))`.
    """

    type = JSON()
    inherit_cache = True
    name = "json_rows"


def _json_object_arguments(element: json_rows, compiler: SQLCompiler, **kw: Any) -> str:
    arguments = []
    for column in element.clauses:
        key = str(getattr(column, "key", "")).replace("'", "''")
        arguments += [f"'{key}'", compiler.process(column, **kw)]
    return ", ".join(arguments)


@compiles(json_rows, "postgresql")
def _json_rows_postgresql(element: json_rows, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_agg(json_build_object({_json_object_arguments(element, compiler, **kw)}))"


@compiles(json_rows, "sqlite")
def _json_rows_sqlite(element: json_rows, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_group_array(json_object({_json_object_arguments(element, compiler, **kw)}))"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class IdMixin:
    """An integer primary key `id`, never handed out twice: on SQLite the table gets
    AUTOINCREMENT (without it SQLite reuses the highest id after a delete, and a deleted
    account's token named the next account); PostgreSQL's sequences never go back."""

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)  # declarative mapping: builds cls.__table__
        table = cls.__dict__.get("__table__")
        if table is not None:
            table.dialect_kwargs["sqlite_autoincrement"] = True
