"""Which organisations reach which collections: membership, open collections and administrators' read grants.

Why separate from the policy: these are the administrator's decisions (audited, one transaction each); the
policy only reads their result through the :class:`~marsad.access.context.Viewer`. A member organisation
with ``read`` forms the collection's community (GREEN, AMBER without a list, unmarked); with ``write`` it may
add objects. An *open* collection lets every user read its CLEAR objects. A *read grant* is the one way the
secretariat (or any organisation) reads a collection's non-CLEAR objects without being named on them: an
administrator grants it, up to a TLP level, with a reason, and the grant is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, update

from marsad.access.audit import SYSTEM, record_admin
from marsad.access.db import Db, connected, in_transaction
from marsad.errors import InputError, NotFound
from marsad.store.accounts import (
    GRANT_LEVELS,
    collection_members,
    collection_policy,
    organisations,
    read_grants,
    utcnow,
)
from marsad.store.collections import get_collection

__all__ = [
    "Membership",
    "set_membership",
    "remove_membership",
    "list_memberships",
    "set_open_read",
    "open_collections",
    "grant_read",
    "revoke_read_grant",
]


@dataclass(frozen=True, slots=True)
class Membership:
    """An organisation's rights on a collection."""

    collection_id: str
    org: str
    can_read: bool
    can_write: bool


def _org(conn: Connection, ref: str):
    row = conn.execute(select(organisations.c.id, organisations.c.name).where(
        (organisations.c.name == ref) | (organisations.c.id == ref) | (organisations.c.identity_id == ref))).first()
    if row is None:
        raise NotFound(f"no organisation {ref!r}")
    return row


def _upsert(conn: Connection, table, keys: dict, values: dict) -> None:
    where = [table.c[k] == v for k, v in keys.items()]
    if conn.execute(update(table).where(*where).values(**values)).rowcount == 0:
        conn.execute(insert(table).values(**keys, **values))


def set_membership(db: Db, collection: str, org: str, *, read: bool = True, write: bool = False,
                   actor: str = SYSTEM) -> Membership:
    """Make ``org`` a member of ``collection`` (id or alias) with these rights (replacing earlier ones)."""
    if not (read or write):
        raise InputError("a membership needs read or write; use remove_membership to end it")
    with in_transaction(db, "the membership") as conn:
        found, org_row = get_collection(conn, collection), _org(conn, org)
        _upsert(conn, collection_members, {"collection_id": found.id, "org_id": org_row.id},
                {"can_read": read, "can_write": write})
        record_admin(conn, actor, "collection.member", collection=found.id, org=org_row.name, read=read,
                     write=write)
    return Membership(found.id, org_row.name, read, write)


def _delete_org_row(db: Db, table, collection: str, org: str, actor: str, *, what: str, change: str,
                    missing: str) -> None:
    """Delete ``org``'s row for ``collection`` from ``table`` (audited); :class:`NotFound` if there was none."""
    with in_transaction(db, what) as conn:
        found, org_row = get_collection(conn, collection), _org(conn, org)
        done = conn.execute(delete(table).where(table.c.collection_id == found.id, table.c.org_id == org_row.id))
        if done.rowcount == 0:
            raise NotFound(f"{org_row.name!r} {missing} {collection!r}")
        record_admin(conn, actor, change, collection=found.id, org=org_row.name)


def remove_membership(db: Db, collection: str, org: str, *, actor: str = SYSTEM) -> None:
    """End ``org``'s membership of ``collection``; :class:`NotFound` if it was not a member."""
    _delete_org_row(db, collection_members, collection, org, actor, what="the membership",
                    change="collection.unmember", missing="is not a member of collection")


def list_memberships(db: Db, collection: str | None = None) -> list[Membership]:
    """Memberships (of ``collection`` if given), by collection then organisation name."""
    query = (select(collection_members, organisations.c.name)
             .join(organisations, organisations.c.id == collection_members.c.org_id)
             .order_by(collection_members.c.collection_id, organisations.c.name))
    with connected(db) as conn:
        if collection is not None:
            query = query.where(collection_members.c.collection_id == get_collection(conn, collection).id)
        return [Membership(r.collection_id, r.name, bool(r.can_read), bool(r.can_write)) for r in conn.execute(query)]


def open_collections(db: Db) -> set[str]:
    """Ids of the collections open to every user (CLEAR objects)."""
    with connected(db) as conn:
        return set(conn.execute(select(collection_policy.c.collection_id)
                                .where(collection_policy.c.open_read.is_(True))).scalars())


def set_open_read(db: Db, collection: str, open_read: bool, *, actor: str = SYSTEM) -> None:
    """Open (or close) a collection's CLEAR objects to every signed-in user."""
    with in_transaction(db, "the collection policy") as conn:
        found = get_collection(conn, collection)
        _upsert(conn, collection_policy, {"collection_id": found.id}, {"open_read": open_read})
        record_admin(conn, actor, "collection.open" if open_read else "collection.close", collection=found.id)


def grant_read(db: Db, collection: str, org: str, *, max_tlp: str = "amber", reason: str | None = None,
               actor: str = SYSTEM) -> None:
    """Let ``org`` read ``collection``'s objects up to ``max_tlp`` (green, amber, amber+strict, red)."""
    if max_tlp not in GRANT_LEVELS:
        raise InputError(f"unknown grant level {max_tlp!r}; expected one of {', '.join(GRANT_LEVELS)}")
    with in_transaction(db, "the read grant") as conn:
        found, org_row = get_collection(conn, collection), _org(conn, org)
        _upsert(conn, read_grants, {"collection_id": found.id, "org_id": org_row.id},
                {"max_tlp": max_tlp, "granted_by": actor, "granted_at": utcnow(), "reason": reason})
        record_admin(conn, actor, "collection.grant_read", collection=found.id, org=org_row.name, max_tlp=max_tlp,
                     reason=reason)


def revoke_read_grant(db: Db, collection: str, org: str, *, actor: str = SYSTEM) -> None:
    """Withdraw ``org``'s read grant on ``collection``; :class:`NotFound` if there was none."""
    _delete_org_row(db, read_grants, collection, org, actor, what="the read grant",
                    change="collection.revoke_read", missing="has no read grant on collection")
