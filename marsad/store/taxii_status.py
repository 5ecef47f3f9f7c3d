"""The table behind TAXII 2.1 status resources: what happened to each object of each Add Objects request.

Why stored: a TAXII client polls ``/status/{id}/`` after posting, possibly from another process or after a
restart, so the per-object outcome must outlive the request. Each row records who posted (only they may read
it back), the target collection, the counts and the per-object success/failure lists as JSON.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import Column, Connection, Index, Integer, String, Table, delete, insert, select

from marsad.errors import NotFound
from marsad.store.base import JSONType, UTCDateTime, metadata

__all__ = ["taxii_status", "StatusRecord", "save_status", "load_status", "prune_statuses"]

taxii_status = Table(
    "taxii_status",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("collection_id", String(64), nullable=False),
    Column("owner", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("total_count", Integer, nullable=False),
    Column("success_count", Integer, nullable=False),
    Column("failure_count", Integer, nullable=False),
    Column("pending_count", Integer, nullable=False),
    Column("successes", JSONType, nullable=False),
    Column("failures", JSONType, nullable=False),
    Column("pendings", JSONType, nullable=False),
    Column("request_timestamp", UTCDateTime(), nullable=False),
    Column("created", UTCDateTime(), nullable=False),
    Index(None, "created"),
)


@dataclass(frozen=True)
class StatusRecord:
    """One Add Objects outcome; ``successes``/``failures`` hold ``{"id", "version", "message"?}`` dicts."""

    collection_id: str
    owner: str
    request_timestamp: datetime
    successes: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    pendings: list = field(default_factory=list)
    id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def status(self) -> str:
        return "pending" if self.pendings else "complete"


#: built once: a statement whose values come at execution is compiled once and found in the cache by a cheap key
_INSERT = insert(taxii_status)


def save_status(conn: Connection, record: StatusRecord) -> StatusRecord:
    """Insert ``record`` inside the caller's transaction."""
    conn.execute(_INSERT, {
        "id": record.id, "collection_id": record.collection_id, "owner": record.owner, "status": record.status,
        "total_count": len(record.successes) + len(record.failures) + len(record.pendings),
        "success_count": len(record.successes), "failure_count": len(record.failures),
        "pending_count": len(record.pendings), "successes": list(record.successes),
        "failures": list(record.failures), "pendings": list(record.pendings),
        "request_timestamp": record.request_timestamp, "created": datetime.now(timezone.utc),
    })
    return record


def load_status(conn: Connection, status_id: str, *, owner: str) -> StatusRecord:
    """The status ``status_id`` posted by ``owner``; :class:`NotFound` for an unknown id or someone else's."""
    row = conn.execute(select(taxii_status).where(taxii_status.c.id == status_id)).first()
    if row is None or row.owner != owner:
        raise NotFound(f"no status {status_id[:40]!r}")
    return StatusRecord(collection_id=row.collection_id, owner=row.owner, request_timestamp=row.request_timestamp,
                        successes=list(row.successes), failures=list(row.failures), pendings=list(row.pendings),
                        id=row.id)


def prune_statuses(conn: Connection, *, older_than: timedelta) -> int:
    """Delete status rows older than ``older_than``; the number deleted."""
    cutoff = datetime.now(timezone.utc) - older_than
    return conn.execute(delete(taxii_status).where(taxii_status.c.created < cutoff)).rowcount or 0
