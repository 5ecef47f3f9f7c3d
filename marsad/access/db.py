"""How the access layer's functions take a database: an Engine (own transaction) or a caller's Connection.

Why: the web and TAXII layers call access functions inside their own transaction (so an audit entry commits with
the write it records), while the CLI and tests simply pass an Engine. These two context managers make both work
the same way and turn a database failure into :class:`~marsad.errors.StoreError` with nothing half-written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from marsad.errors import StoreError

__all__ = ["Db", "in_transaction", "connected"]

#: what access functions accept as their database
Db = Engine | Connection


@contextmanager
def in_transaction(db: Db, what: str = "the change") -> Iterator[Connection]:
    """A connection in a transaction: the Engine's own (committed on success, rolled back on error) or the
    caller's Connection (committed or rolled back by the caller)."""
    if isinstance(db, Connection):
        yield db
        return
    try:
        with db.begin() as conn:
            yield conn
    except SQLAlchemyError as exc:
        raise StoreError(f"{what} could not be saved: the database failed ({exc.__class__.__name__})") from exc


@contextmanager
def connected(db: Db) -> Iterator[Connection]:
    """A connection for reading: a fresh one from an Engine (closed afterwards) or the caller's."""
    if isinstance(db, Connection):
        yield db
        return
    try:
        with db.connect() as conn:
            yield conn
    except SQLAlchemyError as exc:
        raise StoreError(f"the database could not be read ({exc.__class__.__name__})") from exc
