"""Where each federation sync stopped: one row per (remote, remote collection, local collection, direction).

Why a table: ``marsad sync`` must resume after an interruption without skipping or re-sending much, so the
position is saved in the same database as the objects, right after each page is stored (pull) or accepted
(push). ``last_added`` is kept as the exact timestamp *string* the remote sent (``X-TAXII-Date-Added-Last``)
or, for push, the local ``date_added`` formatted with microseconds — never re-parsed and re-formatted with
less precision. ``next_token`` is the paging token of an unfinished run and ``resume_after`` the
``added_after`` that run asked with (a token is only valid with the query it came from): the next run
continues exactly there, and falls back to ``last_added`` if the token is refused (tokens may expire).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone

from sqlalchemy import CheckConstraint, Column, Connection, Integer, String, Table, Text, delete, insert, select, update

from marsad.store.base import UTCDateTime, metadata

__all__ = ["sync_state", "SyncKey", "SyncState", "DIRECTIONS", "load_state", "save_state", "list_states", "reset_state"]

DIRECTIONS = ("pull", "push")

sync_state = Table(
    "sync_state",
    metadata,
    Column("remote_url", String(500), primary_key=True),
    Column("remote_collection", String(300), primary_key=True),
    Column("local_collection", String(36), primary_key=True),
    Column("direction", String(4), primary_key=True),
    Column("last_added", String(40), nullable=True, comment="exact timestamp string; None = from the start"),
    Column("next_token", Text, nullable=True),
    Column("resume_after", String(40), nullable=True, comment="added_after of the run next_token continues"),
    Column("objects_total", Integer, nullable=False, default=0),
    Column("runs", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    Column("updated", UTCDateTime(), nullable=False),
    CheckConstraint("direction IN ('pull', 'push')", name="direction"),
)


@dataclass(frozen=True)
class SyncKey:
    """What a sync position belongs to; ``remote_url`` is the remote API root (normalised with a final /)."""

    remote_url: str
    remote_collection: str
    local_collection: str
    direction: str

    def as_where(self):
        c = sync_state.c
        return (c.remote_url == self.remote_url, c.remote_collection == self.remote_collection,
                c.local_collection == self.local_collection, c.direction == self.direction)


@dataclass(frozen=True)
class SyncState:
    """A saved position; ``last_added`` None means nothing was synced yet."""

    key: SyncKey
    last_added: str | None = None
    next_token: str | None = None
    resume_after: str | None = None
    objects_total: int = 0
    runs: int = 0
    last_error: str | None = None
    updated: datetime | None = None

    def advanced(self, last_added: str | None, next_token: str | None, objects: int,
                 resume_after: str | None = None) -> "SyncState":
        """This state after one more page: ``last_added`` only moves when a new value is given; ``next_token``
        (None when the run reached the end) continues the query made with ``added_after=resume_after``."""
        return replace(self, last_added=last_added or self.last_added, next_token=next_token,
                       resume_after=resume_after if next_token else None,
                       objects_total=self.objects_total + objects)


def _row_to_state(key: SyncKey, row) -> SyncState:
    return SyncState(key=key, last_added=row.last_added, next_token=row.next_token, resume_after=row.resume_after,
                     objects_total=row.objects_total, runs=row.runs, last_error=row.last_error, updated=row.updated)


def load_state(conn: Connection, key: SyncKey) -> SyncState:
    """The saved position for ``key``, or a fresh one (from the start)."""
    row = conn.execute(select(sync_state).where(*key.as_where())).first()
    return _row_to_state(key, row) if row is not None else SyncState(key=key)


def save_state(conn: Connection, state: SyncState) -> SyncState:
    """Insert or update the row of ``state.key``; returns the state as saved (with ``updated``)."""
    now = datetime.now(timezone.utc)
    values = {"last_added": state.last_added, "next_token": state.next_token, "resume_after": state.resume_after,
              "objects_total": state.objects_total,
              "runs": state.runs, "last_error": state.last_error, "updated": now}
    changed = conn.execute(update(sync_state).where(*state.key.as_where()).values(**values))
    if changed.rowcount == 0:
        key = state.key
        conn.execute(insert(sync_state).values(remote_url=key.remote_url, remote_collection=key.remote_collection,
                                               local_collection=key.local_collection, direction=key.direction,
                                               **values))
    return replace(state, updated=now)


def list_states(conn: Connection) -> list[SyncState]:
    """Every saved position, by remote, collection and direction."""
    c = sync_state.c
    rows = conn.execute(select(sync_state).order_by(c.remote_url, c.remote_collection, c.local_collection, c.direction))
    return [_row_to_state(SyncKey(r.remote_url, r.remote_collection, r.local_collection, r.direction), r) for r in rows]


def reset_state(conn: Connection, key: SyncKey) -> bool:
    """Forget the position of ``key`` (the next run starts from the beginning); True if there was one."""
    return conn.execute(delete(sync_state).where(*key.as_where())).rowcount > 0
