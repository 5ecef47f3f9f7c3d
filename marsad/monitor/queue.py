"""The pipeline's queue: enqueue items with the transaction that saw them, claim batches under a lease.

Why leases and ``SKIP LOCKED``: several pipeline processes on PostgreSQL must share the queue without two of
them taking the same item, and without a killed process keeping its items forever. :func:`claim` picks pending
rows whose lease is absent or expired with ``SELECT … FOR UPDATE SKIP LOCKED`` (a row another claimer is taking
right now is skipped, not waited for), stamps owner + expiry and counts the attempt, in one short transaction.
Processing happens outside it; the pipeline marks the rows done inside the transaction that stores the results,
after checking (under the store's write lock) that this worker still holds them. On SQLite one process does all the work:
the same statement runs without row locks (SQLite serialises writers anyway).

An item claimed ``max_attempts`` times without being finished (it crashed or was killed every time) is marked
``failed`` at the next claim instead of being handed out again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, insert, select, update

from marsad.monitor.items import SourceItem
from marsad.store.pipeline_items import claim_rows, pipeline_items

__all__ = ["QueuedItem", "enqueue", "claim", "release", "fail", "item_payload", "item_from_payload",
           "queue_counts", "DEFAULT_LEASE_SECONDS", "DEFAULT_MAX_ATTEMPTS"]

DEFAULT_LEASE_SECONDS = 120.0
DEFAULT_MAX_ATTEMPTS = 3
_ERROR_SIZE = 480


@dataclass(frozen=True)
class QueuedItem:
    """A claimed queue row: its id, the item, when it arrived and how many times it has been claimed."""

    id: int
    item: SourceItem
    arrived_at: datetime
    attempts: int


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def item_payload(item: SourceItem) -> dict[str, Any]:
    """The item as JSON (datetimes ISO 8601), metadata included."""
    return {"source_id": item.source_id, "key": item.key, "url": item.url, "title": item.title, "text": item.text,
            "published": _iso(item.published), "language": item.language, "fetched_at": _iso(item.fetched_at),
            "content_hash": item.content_hash, "metadata": dict(item.metadata or {})}


def item_from_payload(payload: Mapping[str, Any]) -> SourceItem:
    """The :class:`SourceItem` a payload was made from."""
    return SourceItem(source_id=payload.get("source_id"), key=payload["key"], url=payload.get("url"),
                      title=payload.get("title") or "", text=payload.get("text") or "",
                      published=_time(payload.get("published")), language=payload.get("language"),
                      fetched_at=_time(payload.get("fetched_at")) or datetime.now(timezone.utc),
                      content_hash=payload["content_hash"], metadata=dict(payload.get("metadata") or {}))


def enqueue(conn: Connection, items: Sequence[SourceItem], *, now: datetime | None = None) -> int:
    """Queue ``items`` inside the caller's transaction (so they are queued exactly when recorded as seen)."""
    if not items:
        return 0
    now = now or datetime.now(timezone.utc)
    conn.execute(insert(pipeline_items), [
        {"source_id": i.source_id, "item_key": i.key[:1000], "content_hash": i.content_hash,
         "payload": item_payload(i), "status": "pending", "attempts": 0, "arrived_at": now} for i in items])
    return len(items)


def _give_up(conn: Connection, ids: list[int], now: datetime, max_attempts: int) -> None:
    """Fail items claimed again after every allowed attempt was claimed and never finished (each one crashed
    or was killed with its worker)."""
    if ids:
        conn.execute(update(pipeline_items).where(pipeline_items.c.id.in_(ids)).values(
            status="failed", lease_owner=None, lease_until=None, processed_at=now,
            error=f"gave up after {max_attempts} attempts that never finished (the worker crashed or was stopped)"))


def claim(engine: Engine, worker: str, n: int, *, lease_seconds: float = DEFAULT_LEASE_SECONDS,
          max_attempts: int = DEFAULT_MAX_ATTEMPTS, now: datetime | None = None) -> list[QueuedItem]:
    """Lease up to ``n`` pending items (oldest first) to ``worker``; none is leased to two workers at once.

    One UPDATE … RETURNING over a sub-select (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so on SQLite the write
    lock is taken by the first statement and never upgraded from a read
    (:func:`marsad.store.pipeline_items.claim_rows`).
    """
    now = now or datetime.now(timezone.utc)
    with engine.begin() as conn:
        rows = claim_rows(conn, worker, n, now, now + timedelta(seconds=lease_seconds))
        _give_up(conn, [item_id for item_id, _, _, attempts in rows if attempts > max_attempts], now, max_attempts)
    return sorted((QueuedItem(item_id, item_from_payload(payload), arrived_at, attempts)
                   for item_id, payload, arrived_at, attempts in rows if attempts <= max_attempts),
                  key=lambda q: q.id)


def _owned(worker: str, ids: Iterable[int]):
    c = pipeline_items.c
    return and_(c.id.in_(list(ids)), c.lease_owner == worker, c.status == "pending")


def release(conn: Connection, worker: str, ids: Iterable[int]) -> None:
    """Give items back to the queue at once (their attempt stays counted)."""
    conn.execute(update(pipeline_items).where(_owned(worker, ids)).values(lease_owner=None, lease_until=None))


def fail(conn: Connection, worker: str, item: QueuedItem, error: str, *, max_attempts: int,
         now: datetime | None = None) -> bool:
    """Record an item's failure: ``failed`` once its attempts are used up (True), else back to the queue."""
    final = item.attempts >= max_attempts
    values: dict[str, Any] = {"error": error[:_ERROR_SIZE], "lease_owner": None, "lease_until": None}
    if final:
        values.update(status="failed", processed_at=now or datetime.now(timezone.utc))
    conn.execute(update(pipeline_items).where(_owned(worker, [item.id])).values(**values))
    return final


def queue_counts(conn: Connection) -> dict[str, int]:
    """Items per status (``pending``, ``done``, ``duplicate``, ``failed``)."""
    c = pipeline_items.c
    counts = dict.fromkeys(("pending", "done", "duplicate", "failed"), 0)
    counts.update({r[0]: int(r[1]) for r in conn.execute(select(c.status, func.count()).group_by(c.status))})
    return counts
