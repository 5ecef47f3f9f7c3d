"""The tables holding STIX objects: one row per version, plus its release list and the write clock.

Why these shapes: TAXII reads filter on type, id, version and date added, and the access layer filters on
TLP, creator and release list, so each of those is a real indexed column next to the full JSON. Release
lists get their own table (``object_releases``) so "released to my organisation, state or user" is a plain
indexed join in SQL. ``store_clock`` is a one-row table every write transaction locks first: it serialises
writers and hands out strictly increasing ``date_added`` values, so keyset paging never skips a row that
commits late.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from sqlalchemy.dialects.postgresql import JSONB

from marsad.store.base import BigIntPK, JSONType, UTCDateTime, metadata

__all__ = ["stix_objects", "object_releases", "store_clock", "TLP_LEVELS"]

#: TLP 2.0 levels from least to most restrictive
TLP_LEVELS = ("clear", "green", "amber", "amber+strict", "red")

#: JSON where Python None is SQL NULL (so ``release_to IS NULL`` means "no releasability restriction")
_NULLABLE_JSON = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")

stix_objects = Table(
    "stix_objects",
    metadata,
    Column("pk", BigIntPK, primary_key=True, autoincrement=True),
    Column("stix_id", String(300), nullable=False),
    Column("type", String(100), nullable=False),
    Column("spec_version", String(10), nullable=False),
    Column("created", UTCDateTime(), nullable=True),
    # the version key: ``modified``, else ``created``, else the epoch (SCOs); the exact string stays in ``object``
    Column("modified", UTCDateTime(), nullable=False),
    # when this version was first stored (anywhere); paging without a collection uses (date_added, pk)
    Column("date_added", UTCDateTime(), nullable=False),
    Column("created_by_ref", String(300), nullable=True),
    Column("tlp", String(20), nullable=True),
    Column("release_to", _NULLABLE_JSON, nullable=True),
    Column("marking_refs", JSONType, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("content_hash", String(64), nullable=False),
    # folded text for full-text search (FTS5 external content on SQLite, generated tsvector on PostgreSQL)
    Column("search_text", Text, nullable=False, default=""),
    Column("object", JSONType, nullable=False),
    UniqueConstraint("stix_id", "modified"),
    CheckConstraint("tlp IS NULL OR tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')", name="tlp"),
    Index(None, "type", "date_added", "pk"),
    Index(None, "date_added", "pk"),
    Index(None, "created_by_ref"),
    sqlite_autoincrement=True,
)

object_releases = Table(
    "object_releases",
    metadata,
    Column("object_pk", BigIntPK, ForeignKey("stix_objects.pk", ondelete="CASCADE"), primary_key=True),
    Column("entry", String(300), primary_key=True),
    Index(None, "entry"),
)

store_clock = Table(
    "store_clock",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_added", UTCDateTime(), nullable=True),
)
