"""TAXII-style collections and which object versions each holds, with when each was added.

Why a membership table: the same version can sit in several collections, each with its own ``date_added``;
``seq`` is a strictly increasing insertion number so paging is keyset on (date_added, seq), never OFFSET.
The functions here create, read, list and delete collections inside a caller's connection.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Column, Connection, ForeignKey, Index, String, Table, Text, UniqueConstraint, delete, insert, or_, select

from marsad.errors import Conflict, InvalidFilter, NotFound
from marsad.store.base import BigIntPK, UTCDateTime, metadata

__all__ = [
    "collections",
    "collection_objects",
    "Collection",
    "create_collection",
    "get_collection",
    "list_collections",
    "delete_collection",
]

collections = Table(
    "collections",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("alias", String(100), nullable=True, unique=True),
    Column("title", String(300), nullable=False),
    Column("description", Text, nullable=True),
    Column("created", UTCDateTime(), nullable=False),
)

collection_objects = Table(
    "collection_objects",
    metadata,
    Column("seq", BigIntPK, primary_key=True, autoincrement=True),
    Column("collection_id", String(36), ForeignKey("collections.id", ondelete="CASCADE"), nullable=False),
    Column("object_pk", BigIntPK, ForeignKey("stix_objects.pk", ondelete="CASCADE"), nullable=False),
    Column("date_added", UTCDateTime(), nullable=False),
    UniqueConstraint("collection_id", "object_pk"),
    Index(None, "collection_id", "date_added", "seq"),
    Index(None, "object_pk"),
    sqlite_autoincrement=True,
)


@dataclass(frozen=True)
class Collection:
    """A collection as stored: ``id`` is a UUID string, ``alias`` an optional unique short name."""

    id: str
    title: str
    alias: str | None = None
    description: str | None = None
    created: datetime | None = None


def _row_to_collection(row) -> Collection:
    return Collection(id=row.id, title=row.title, alias=row.alias, description=row.description, created=row.created)


def create_collection(
    conn: Connection, title: str, *, alias: str | None = None, description: str | None = None, id: str | None = None
) -> Collection:
    """Insert a collection; :class:`Conflict` if the id or alias is taken, :class:`InvalidFilter` on a bad id."""
    if not title or not title.strip():
        raise InvalidFilter("a collection needs a title")
    if id is not None:
        try:
            id = str(uuid.UUID(id))
        except ValueError:
            raise InvalidFilter(f"collection id {id!r} is not a UUID") from None
    new_id = id or str(uuid.uuid4())
    clash = select(collections.c.id).where(or_(collections.c.id == new_id, collections.c.alias == alias) if alias else collections.c.id == new_id)
    if conn.execute(clash).first() is not None:
        raise Conflict(f"a collection with id {new_id!r} or alias {alias!r} already exists")
    created = datetime.now(timezone.utc)
    conn.execute(
        insert(collections).values(id=new_id, alias=alias, title=title.strip(), description=description, created=created)
    )
    return Collection(id=new_id, title=title.strip(), alias=alias, description=description, created=created)


def get_collection(conn: Connection, id_or_alias: str) -> Collection:
    """The collection with this id or alias; :class:`NotFound` otherwise."""
    row = conn.execute(
        select(collections).where(or_(collections.c.id == id_or_alias, collections.c.alias == id_or_alias))
    ).first()
    if row is None:
        raise NotFound(f"no collection {id_or_alias!r}")
    return _row_to_collection(row)


def list_collections(conn: Connection) -> list[Collection]:
    """Every collection, oldest first."""
    rows = conn.execute(select(collections).order_by(collections.c.created, collections.c.id))
    return [_row_to_collection(row) for row in rows]


def delete_collection(conn: Connection, id_or_alias: str) -> None:
    """Delete a collection and its memberships (object versions stay stored); :class:`NotFound` if absent."""
    found = get_collection(conn, id_or_alias)
    conn.execute(delete(collection_objects).where(collection_objects.c.collection_id == found.id))
    conn.execute(delete(collections).where(collections.c.id == found.id))
