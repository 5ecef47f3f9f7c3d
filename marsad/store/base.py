"""The shared SQLAlchemy metadata and column types every store module declares its tables on.

Why one metadata: Alembic and ``create_all`` see the whole schema, and foreign keys between modules
(objects ↔ collections ↔ accounts ↔ audit) resolve. Each store module declares only its own tables.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, BigInteger, DateTime, Integer, MetaData
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

__all__ = ["metadata", "JSONType", "BigIntPK", "UTCDateTime", "array_quoted"]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

#: JSON on SQLite, JSONB on PostgreSQL
JSONType = JSON().with_variant(JSONB(), "postgresql")

#: BIGINT on PostgreSQL, INTEGER on SQLite (so it is the rowid alias and autoincrements)
BigIntPK = BigInteger().with_variant(Integer, "sqlite")


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime with microseconds on both backends.

    PostgreSQL stores ``timestamptz``; SQLite stores SQLAlchemy's fixed-width text form of the UTC time, which
    sorts and compares correctly. Naive datetimes are refused on the way in; values come back aware (UTC).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):  # pragma: no cover - raw SQLite text from a textual query
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def array_quoted(text: str) -> str:
    """``text`` as one element of PostgreSQL's text form of an array: double-quoted, backslash and double quote
    escaped — what the array input syntax reads back as the same text, whatever characters it holds.

    Why here: the store sends its bulk lookups and inserts as one array literal per column instead of a list
    psycopg dumps element by element (:func:`marsad.store.rows.listed`, ``pipeline_items``' arrays); one
    quoting rule for both."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
