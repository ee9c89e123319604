"""The database layer, which knows no domain: column types and Base (`types`), the engine per
backend (`engine`), and the read path (`reads`). Sessions are opened and committed by the unit
of work (`taskflow.core.unit_of_work`), nowhere else.

What models are built from is re-exported here; Alembic revisions refer to `taskflow.db.*`.
"""

from taskflow.db.engine import Database, async_database_url, create_engine
from taskflow.db.types import (
    NAMING_CONVENTION,
    Base,
    BigIntId,
    IdMixin,
    UTCDateTime,
    json_rows,
    utcnow,
)

__all__ = [
    "NAMING_CONVENTION",
    "Base",
    "BigIntId",
    "Database",
    "IdMixin",
    "UTCDateTime",
    "async_database_url",
    "create_engine",
    "json_rows",
    "utcnow",
]
