"""Monitoring sources as records: adding, listing, removing, and when each is due again (with backoff).

Why here and not in the CLI: the CLI, the web form and the poller all add sources and read their health,
and all must apply the same rules: a name is unique, a feed or page is an http(s) URL, a folder is an
existing directory stored as an absolute path, an interval is at least :data:`MIN_INTERVAL` seconds.
Scheduling lives here too: after a success the next poll is one interval away; after ``n`` failures in a
row it is ``interval × 2ⁿ`` away (capped at :data:`MAX_BACKOFF`), with ±10 % jitter so that many sources
added together do not all poll in the same second, and a failing source does not hammer its server.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from marsad.errors import Conflict, InputError, NotFound, StoreError
from marsad.store import sources as table

__all__ = ["Source", "add_source", "get_source", "list_sources", "remove_source", "due_sources", "next_poll",
           "record_success", "record_failure", "MIN_INTERVAL", "MAX_BACKOFF", "DEFAULT_INTERVAL"]

MIN_INTERVAL = 10
DEFAULT_INTERVAL = 300
MAX_BACKOFF = 24 * 3600


@dataclass(frozen=True)
class Source:
    """A source and its health, as stored."""

    id: int
    name: str
    kind: str
    location: str
    interval_seconds: int
    allow_private: bool
    enabled: bool
    etag: str | None
    last_modified: str | None
    last_success: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    items_seen: int
    consecutive_failures: int
    next_poll_at: datetime | None
    created: datetime

    @classmethod
    def from_row(cls, row) -> "Source":
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})

    @property
    def healthy(self) -> bool:
        """True when the last poll succeeded (or none failed yet)."""
        return self.consecutive_failures == 0


def _validated(name: str, kind: str, location: str, interval: int) -> tuple[str, str]:
    name = name.strip()
    if not name or len(name) > 100:
        raise InputError("a source name must have 1 to 100 characters")
    if kind not in table.SOURCE_KINDS:
        raise InputError(f"source {name!r}: kind must be one of {', '.join(table.SOURCE_KINDS)}")
    if interval < MIN_INTERVAL:
        raise InputError(f"source {name!r}: the interval must be at least {MIN_INTERVAL} seconds")
    if kind == "folder":
        folder = Path(location).expanduser()
        if not folder.is_dir():
            raise InputError(f"source {name!r}: {location} is not an existing folder")
        return name, str(folder.resolve())
    parts = urlsplit(location.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"source {name!r}: {location!r} is not an http(s) URL")
    if parts.username or parts.password:
        raise InputError(f"source {name!r}: URLs with credentials are not accepted")
    return name, location.strip()


def add_source(engine: Engine, name: str, kind: str, location: str, *, interval_seconds: int = DEFAULT_INTERVAL,
               allow_private: bool = False) -> Source:
    """Store a new source, due at once; :class:`Conflict` if the name is taken, :class:`InputError` if invalid."""
    name, location = _validated(name, kind, location, interval_seconds)
    try:
        with engine.begin() as conn:
            table.insert_source(conn, name=name, kind=kind, location=location, interval_seconds=interval_seconds,
                                allow_private=allow_private)
            return Source.from_row(table.source_row(conn, name))
    except IntegrityError:
        raise Conflict(f"a source called {name!r} already exists") from None
    except SQLAlchemyError as exc:
        raise StoreError(f"could not add source {name!r}: {exc.__class__.__name__}") from None


def get_source(conn: Connection, name: str) -> Source:
    """The source called ``name``; :class:`NotFound` if there is none."""
    row = table.source_row(conn, name.strip())
    if row is None:
        raise NotFound(f"no source called {name!r}")
    return Source.from_row(row)


def list_sources(conn: Connection) -> list[Source]:
    """Every source, by name."""
    return [Source.from_row(row) for row in table.source_rows(conn)]


def remove_source(engine: Engine, name: str) -> None:
    """Delete a source and what was seen from it; :class:`NotFound` if there is none."""
    with engine.begin() as conn:
        if not table.delete_source(conn, name.strip()):
            raise NotFound(f"no source called {name!r}")


def due_sources(conn: Connection, now: datetime | None = None) -> list[Source]:
    """Enabled sources whose next poll time has come (or was never set)."""
    return [Source.from_row(row) for row in table.source_rows(conn, due_before=now or datetime.now(timezone.utc))]


def next_poll(now: datetime, interval_seconds: int, failures: int, *, rng: random.Random | None = None) -> datetime:
    """When to poll again: one interval after a success, ``interval × 2^failures`` (capped) after failures."""
    delay = min(interval_seconds * (2 ** min(failures, 20)), max(MAX_BACKOFF, interval_seconds))
    jitter = (rng or random).uniform(0.9, 1.1)
    return now + timedelta(seconds=delay * jitter)


def record_success(conn: Connection, source: Source, now: datetime, *, new_items: int, etag: str | None = None,
                   last_modified: str | None = None, problem: str | None = None, reschedule: bool = True) -> None:
    """Health after a good poll: failures reset, validators saved for the next conditional GET; ``problem``
    (e.g. unreadable files in a folder) is kept as ``last_error`` without counting as a failure. A test
    read (``reschedule=False``) changes neither the schedule nor the validators."""
    values = {"last_success": now, "consecutive_failures": 0, "items_seen": source.items_seen + new_items}
    if reschedule:
        values.update(etag=etag, last_modified=last_modified,
                      next_poll_at=next_poll(now, source.interval_seconds, 0))
    if problem:
        values.update(last_error=problem[:2_000], last_error_at=now)
    table.update_source(conn, source.id, values)


def record_failure(conn: Connection, source: Source, now: datetime, error: str, *, reschedule: bool = True) -> None:
    """Health after a failed poll: the message, one more failure in a row, and (backed off) the next poll."""
    failures = source.consecutive_failures + 1
    values = {"last_error": error[:2_000], "last_error_at": now, "consecutive_failures": failures}
    if reschedule:
        values["next_poll_at"] = next_poll(now, source.interval_seconds, failures)
    table.update_source(conn, source.id, values)
