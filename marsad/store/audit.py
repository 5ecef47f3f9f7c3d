"""The audit trail's tables and its serialised, hash-chained append.

Why a chain: an oversight body must be able to tell whether anyone with database access edited, inserted or
removed an entry. Each entry's ``hash`` is ``sha256(prev_hash + canonical JSON of its fields)``; ``audit_head``
keeps the last sequence number and hash so that cutting entries off the end is noticed too (and exports carry
the head so an outside copy can anchor it). Appends take a lock first (PostgreSQL: a transaction-scoped advisory
lock; SQLite: the database write lock, by writing ``audit_head`` before reading anything) so concurrent writers
never fork the chain.

Data minimisation: entries hold usernames, organisation names and object ids, never object content.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Index,
    Integer,
    String,
    Table,
    insert,
    select,
    text,
    update,
)

from marsad.store.base import JSONType, UTCDateTime, metadata

__all__ = [
    "GENESIS_HASH",
    "audit_log",
    "audit_head",
    "AUDIT_TABLES",
    "ChainHead",
    "StoredEntry",
    "canonical_json",
    "format_time",
    "entry_fields",
    "entry_hash",
    "storable_detail",
    "append_entry",
    "read_head",
    "iter_entries",
]

#: the ``prev_hash`` of the first entry
GENESIS_HASH = "0" * 64
#: key of PostgreSQL's transaction-scoped advisory lock that serialises appends ("MARSADAU")
_PG_LOCK_KEY = 0x4D41525341444155 & 0x7FFFFFFFFFFFFFFF

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(64), nullable=False, comment="username, or 'system'"),
    Column("org", String(200), nullable=True, comment="the actor's organisation name"),
    Column("action", String(16), nullable=False),
    Column("object_ids", JSONType, nullable=False),
    Column("detail", JSONType, nullable=False),
    Column("remote_addr", String(64), nullable=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index(None, "at"),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False, comment="always 1"),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("updated", UTCDateTime, nullable=False),
)

AUDIT_TABLES = (audit_log, audit_head)


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last entry's sequence number and hash (0 and :data:`GENESIS_HASH` for an empty trail)."""

    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """One audit entry as stored."""

    seq: int
    at: datetime
    actor: str
    org: str | None
    action: str
    object_ids: list[str]
    detail: dict[str, Any]
    remote_addr: str | None
    prev_hash: str
    hash: str

    def fields(self) -> dict[str, Any]:
        """The hashed fields of this entry (see :func:`entry_fields`)."""
        return entry_fields(self.seq, self.at, self.actor, self.org, self.action, self.object_ids, self.detail,
                            self.remote_addr)

    def as_json(self) -> dict[str, Any]:
        """The entry as exported: the hashed fields plus ``prev_hash`` and ``hash``."""
        return {**self.fields(), "prev_hash": self.prev_hash, "hash": self.hash}


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text kept as is: the one serialisation that is hashed."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def format_time(at: datetime) -> str:
    """UTC with microseconds, e.g. ``2026-11-23T16:05:09.123456Z``."""
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_fields(seq: int, at: datetime, actor: str, org: str | None, action: str, object_ids: Sequence[str],
                 detail: dict[str, Any], remote_addr: str | None) -> dict[str, Any]:
    """The fields covered by an entry's hash, in their exported form."""
    return {
        "seq": int(seq),
        "at": format_time(at),
        "actor": actor,
        "org": org,
        "action": action,
        "object_ids": list(object_ids),
        "detail": detail,
        "remote_addr": remote_addr,
    }


def storable_detail(detail: dict[str, Any]) -> dict[str, Any]:
    """``detail`` as it will come back from either database: JSON, with non-integer numbers kept as text.

    Why text: PostgreSQL's JSONB rewrites numbers (``1e+20`` comes back as ``100000000000000000000``), which would
    change the canonical JSON and break the hash; integers, strings, booleans and null round-trip exactly.
    ``ValueError`` if ``detail`` is not JSON (NaN, sets, objects…).
    """
    try:
        return json.loads(canonical_json(dict(detail)), parse_float=str)
    except TypeError as exc:
        raise ValueError(str(exc)) from None


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """``sha256(prev_hash + canonical_json(fields))`` as lowercase hex."""
    return hashlib.sha256((prev_hash + canonical_json(fields)).encode("utf-8")).hexdigest()


#: the statements of every append, built once (building one costs several times more than running it)
_TOUCH_HEAD = update(audit_head).where(audit_head.c.id == 1).values(seq=audit_head.c.seq)
_READ_HEAD = select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)
_INSERT_ENTRY = insert(audit_log)
_MOVE_HEAD = update(audit_head).where(audit_head.c.id == 1)
_PG_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


def _lock_chain(conn: Connection) -> None:
    """Serialise appends: nobody else can append until this transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(_PG_LOCK, {"key": _PG_LOCK_KEY})
    else:
        # a write as the first statement takes SQLite's write lock (waiting out busy_timeout) before we read
        conn.execute(_TOUCH_HEAD)


def read_head(conn: Connection) -> ChainHead | None:
    """The recorded head of the chain, or None if nothing was ever appended."""
    row = conn.execute(_READ_HEAD).first()
    return ChainHead(int(row.seq), row.hash) if row else None


def append_entry(conn: Connection, *, at: datetime, actor: str, org: str | None, action: str,
                 object_ids: Sequence[str], detail: dict[str, Any], remote_addr: str | None) -> StoredEntry:
    """Append one entry in ``conn``'s transaction, after taking the chain lock; returns it as stored.

    ``detail`` must be JSON (it is normalised through :func:`canonical_json` so that what is hashed is exactly
    what the database gives back). On SQLite call this before reading anything else in the transaction, or in a
    transaction that already wrote, so taking the write lock cannot fail on a stale snapshot.
    """
    _lock_chain(conn)
    head = read_head(conn)
    seq = (head.seq if head else 0) + 1
    prev = head.hash if head else GENESIS_HASH
    detail = storable_detail(detail)
    at = at.astimezone(timezone.utc)
    fields = entry_fields(seq, at, actor, org, action, list(object_ids), detail, remote_addr)
    digest = entry_hash(prev, fields)
    conn.execute(_INSERT_ENTRY, dict(
        seq=seq, at=at, actor=actor, org=org, action=action, object_ids=list(object_ids), detail=detail,
        remote_addr=remote_addr, prev_hash=prev, hash=digest,
    ))
    if head is None:
        conn.execute(insert(audit_head).values(id=1, seq=seq, hash=digest, updated=at))
    else:
        conn.execute(_MOVE_HEAD, dict(seq=seq, hash=digest, updated=at))
    return StoredEntry(seq, at, actor, org, action, list(object_ids), detail, remote_addr, prev, digest)


def iter_entries(conn: Connection, *, since: datetime | None = None, after_seq: int = 0,
                 batch: int = 1000) -> Iterator[StoredEntry]:
    """Entries in sequence order (from ``after_seq`` on; at or after ``since`` if given), read in batches."""
    last = after_seq
    while True:
        query = select(audit_log).where(audit_log.c.seq > last).order_by(audit_log.c.seq).limit(batch)
        if since is not None:
            query = query.where(audit_log.c.at >= since)
        rows = conn.execute(query).all()
        for row in rows:
            yield StoredEntry(int(row.seq), row.at, row.actor, row.org, row.action, list(row.object_ids or []),
                              dict(row.detail or {}), row.remote_addr, row.prev_hash, row.hash)
        if len(rows) < batch:
            return
        last = int(rows[-1].seq)
