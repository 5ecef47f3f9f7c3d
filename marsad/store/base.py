"""The shared SQLAlchemy metadata and column types every store module declares its tables on.

Why one metadata: Alembic and ``create_all`` see the whole schema, and foreign keys between modules
(objects ↔ collections ↔ accounts ↔ audit) resolve. Each store module declares only its own tables.
"""

from __future__ import annotations

from sqlalchemy import JSON, MetaData
from sqlalchemy.dialects.postgresql import JSONB

__all__ = ["metadata", "JSONType"]

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
