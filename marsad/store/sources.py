"""Monitoring sources and the items already seen from them: the ``sources`` and ``source_seen`` tables.

Why in the store: a source's schedule and health (ETag, last success, last error, failures in a row, next
poll) must survive restarts and be visible to `marsad source list`, the web pages and the pipeline alike; and
"have we seen this item?" must be answered by the database the pipeline writes to, in the same transaction
that records it, so a crash never forgets or repeats a batch. ``source_seen`` keeps one row per item key (a
feed entry id or URL, a page URL with its content, a file record) and the item's content hash, indexed, so
both a known URL and an identical text under a new URL are recognised. Rows go with their source (cascade).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (Boolean, CheckConstraint, Column, Connection, ForeignKey, Index, Integer, String, Table, Text,
                        delete, insert, select, update)

from marsad.store.base import BigIntPK, UTCDateTime, metadata

__all__ = ["sources", "source_seen", "SOURCE_KINDS", "insert_source", "source_row", "source_rows", "delete_source",
           "update_source", "seen_among", "add_seen", "seen_keys",
           "prune_seen"]

SOURCE_KINDS = ("feed", "page", "folder")

sources = Table(
    "sources",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("kind", String(10), nullable=False),
    Column("location", Text, nullable=False, comment="feed or page URL, or an absolute folder path"),
    Column("interval_seconds", Integer, nullable=False),
    Column("allow_private", Boolean, nullable=False, default=False),
    Column("enabled", Boolean, nullable=False, default=True),
    Column("etag", Text, nullable=True),
    Column("last_modified", Text, nullable=True, comment="Last-Modified header exactly as sent"),
    Column("last_success", UTCDateTime(), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("last_error_at", UTCDateTime(), nullable=True),
    Column("items_seen", Integer, nullable=False, default=0),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("next_poll_at", UTCDateTime(), nullable=True, comment="None = due now"),
    Column("created", UTCDateTime(), nullable=False),
    CheckConstraint("kind IN ('feed', 'page', 'folder')", name="kind"),
    CheckConstraint("interval_seconds > 0", name="interval_seconds"),
)
Index("ix_sources_enabled_next_poll_at", sources.c.enabled, sources.c.next_poll_at)

source_seen = Table(
    "source_seen",
    metadata,
    Column("source_id", BigIntPK, ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("item_key", String(1000), primary_key=True),
    Column("content_hash", String(64), nullable=False),
    Column("first_seen", UTCDateTime(), nullable=False),
)
Index("ix_source_seen_source_id_content_hash", source_seen.c.source_id, source_seen.c.content_hash)


def insert_source(conn: Connection, *, name: str, kind: str, location: str, interval_seconds: int,
                  allow_private: bool) -> int:
    """Insert a source (due at once); returns its id. A duplicate name raises SQLAlchemy's IntegrityError."""
    result = conn.execute(insert(sources).values(
        name=name, kind=kind, location=location, interval_seconds=interval_seconds, allow_private=allow_private,
        enabled=True, items_seen=0, consecutive_failures=0, created=datetime.now(timezone.utc)))
    return int(result.inserted_primary_key[0])


def source_row(conn: Connection, name: str):
    """The row of the source called ``name``, or None."""
    return conn.execute(select(sources).where(sources.c.name == name)).first()


def source_rows(conn: Connection, *, due_before: datetime | None = None) -> list:
    """All sources by name; with ``due_before``, only enabled ones whose next poll is not later than it."""
    query = select(sources).order_by(sources.c.name)
    if due_before is not None:
        query = query.where(sources.c.enabled.is_(True),
                            (sources.c.next_poll_at.is_(None)) | (sources.c.next_poll_at <= due_before))
    return list(conn.execute(query))


def delete_source(conn: Connection, name: str) -> bool:
    """Delete a source and its seen items; True if it existed."""
    row = source_row(conn, name)
    if row is None:
        return False
    conn.execute(delete(source_seen).where(source_seen.c.source_id == row.id))
    conn.execute(delete(sources).where(sources.c.id == row.id))
    return True


def update_source(conn: Connection, source_id: int, values: Mapping[str, Any]) -> None:
    """Set columns of one source (health and schedule after a poll)."""
    conn.execute(update(sources).where(sources.c.id == source_id).values(**values))


def seen_among(conn: Connection, source_id: int, keys: Iterable[str], hashes: Iterable[str]) -> tuple[set, set]:
    """Which of ``keys`` and which of ``hashes`` this source has seen before (queried in chunks)."""
    c = source_seen.c
    known_keys: set[str] = set()
    known_hashes: set[str] = set()
    keys, hashes = list(dict.fromkeys(keys)), list(dict.fromkeys(hashes))
    for start in range(0, max(len(keys), len(hashes)), 500):
        part_k, part_h = keys[start:start + 500], hashes[start:start + 500]
        if part_k:
            known_keys.update(conn.execute(select(c.item_key).where(c.source_id == source_id,
                                                                    c.item_key.in_(part_k))).scalars())
        if part_h:
            known_hashes.update(conn.execute(select(c.content_hash).where(c.source_id == source_id,
                                                                          c.content_hash.in_(part_h))).scalars())
    return known_keys, known_hashes


def add_seen(conn: Connection, source_id: int, entries: Iterable[tuple[str, str]], when: datetime) -> int:
    """Record ``(item_key, content_hash)`` pairs not already recorded; returns how many were new."""
    entries = list(dict(entries).items())
    known, _ = seen_among(conn, source_id, [k for k, _ in entries], [])
    rows = [{"source_id": source_id, "item_key": k, "content_hash": h, "first_seen": when}
            for k, h in entries if k not in known]
    if rows:
        conn.execute(insert(source_seen), rows)
    return len(rows)


def seen_keys(conn: Connection, source_id: int, prefix: str) -> set[str]:
    """The seen keys of one source that start with ``prefix`` (a folder's file fingerprints: ``file:``)."""
    c = source_seen.c
    return set(conn.execute(select(c.item_key).where(c.source_id == source_id,
                                                     c.item_key.startswith(prefix, autoescape=True))).scalars())


def prune_seen(conn: Connection, before: datetime) -> int:
    """Forget items first seen before ``before`` (the table would otherwise grow forever); folder file
    fingerprints (``file:``) are kept, or every old file would be read again. Returns the rows removed."""
    c = source_seen.c
    return conn.execute(delete(source_seen).where(c.first_seen < before,
                                                  ~c.item_key.startswith("file:", autoescape=True))).rowcount
