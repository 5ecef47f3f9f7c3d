"""Who may do what with a TAXII collection, decided once per request and audited when refused.

Why a module of its own: every endpoint starts with the same three questions — does the collection exist for
this user, may they read it, may they write it — and the answers must not leak: a collection the user has
no right on at all is "not found" (404), exactly like an unknown one; a collection they may read but not
write refuses a POST with 403 (and vice versa). Every refusal is written to the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, bindparam, or_, select

from marsad.access import audit
from marsad.access.context import Viewer
from marsad.errors import AccessDenied, NotFound
from marsad.exchange.taxii.resources import collection_resource
from marsad.store.collections import Collection, collections, list_collections

__all__ = ["CollectionAccess", "visible_collections", "open_collection", "deny"]


@dataclass(frozen=True)
class CollectionAccess:
    """A collection as one user sees it: the stored collection and that user's rights on it."""

    collection: Collection
    can_read: bool
    can_write: bool

    @property
    def id(self) -> str:
        return self.collection.id

    def resource(self) -> dict:
        """The TAXII collection resource, with this user's ``can_read``/``can_write``."""
        c = self.collection
        return collection_resource(c.id, c.title, description=c.description, alias=c.alias,
                                   can_read=self.can_read, can_write=self.can_write)


def _rights(viewer: Viewer, collection: Collection) -> CollectionAccess:
    return CollectionAccess(collection, viewer.can_read_collection(collection.id),
                            viewer.can_write_collection(collection.id))


def visible_collections(engine: Engine, viewer: Viewer) -> list[CollectionAccess]:
    """The collections ``viewer`` may read or write, oldest first (others are not mentioned at all)."""
    with engine.connect() as conn:
        found = list_collections(conn)
    return [access for access in (_rights(viewer, c) for c in found) if access.can_read or access.can_write]


def deny(engine: Engine, viewer: Viewer, attempted: str, error: Exception, *, collection_id: str,
         object_ids=(), remote_addr: str | None = None) -> Exception:
    """Audit a refusal and give back ``error`` for the caller to raise."""
    audit.record_denial(engine, viewer, attempted, object_ids, reason=getattr(error, "message", str(error)),
                        remote_addr=remote_addr, collection=str(collection_id)[:100])
    return error


#: the collection by id or alias, as :func:`marsad.store.collections.get_collection` reads it, built once: every
#: TAXII request runs it, and building the statement cost several times more than running it
_BY_ID_OR_ALIAS = select(collections).where(or_(collections.c.id == bindparam("key"),
                                                collections.c.alias == bindparam("key")))


def open_collection(engine: Engine, viewer: Viewer, collection_id: str, *, need: str,
                    remote_addr: str | None = None) -> CollectionAccess:
    """The collection ``collection_id`` (id or alias) if ``viewer`` has the right ``need`` ("read", "write" or
    "any"); else :class:`NotFound` (no right at all, or unknown) or :class:`AccessDenied` (the other right only).
    """
    with engine.connect() as conn:
        row = conn.execute(_BY_ID_OR_ALIAS, {"key": collection_id}).first()
    collection = Collection(id=row.id, title=row.title, alias=row.alias, description=row.description,
                            created=row.created) if row is not None else None
    access = _rights(viewer, collection) if collection is not None else None
    if access is None or not (access.can_read or access.can_write):
        raise deny(engine, viewer, need, NotFound(f"no collection {collection_id[:80]!r}"),
                   collection_id=collection_id, remote_addr=remote_addr)
    if need == "read" and not access.can_read:
        raise deny(engine, viewer, need, AccessDenied(f"you may add objects to collection {collection_id!r} "
                                                       "but not read it"),
                   collection_id=collection_id, remote_addr=remote_addr)
    if need == "write" and not access.can_write:
        raise deny(engine, viewer, need, AccessDenied(f"you may read collection {collection_id!r} "
                                                       "but not add objects to it"),
                   collection_id=collection_id, remote_addr=remote_addr)
    return access
