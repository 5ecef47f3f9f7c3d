"""Sharing audiences: the incident projection's rows grouped by everything the sharing policy reads of them.

Why: a member's dashboard counts hundreds of thousands of incidents, and the policy clause (``visible_clause``)
decides each row with correlated subqueries over its releasability list and collections — 0.7 s (SQLite) to
1.2 s (PostgreSQL) per dashboard at 1,000,000 incidents. But what the policy reads of an incident — TLP,
``created_by_ref``, releasability entries, collections — takes few distinct values: a few dozen combinations
even at a million rows. Each combination is an *audience* (``sharing_audiences`` with its entries in
``audience_releases`` and ``audience_collections``); ``incident_facts.audience`` points at the row's one.
The same policy clause, re-pointed onto the audiences (:func:`on_audiences`), picks the visible audiences in
one small query, and counting becomes ``audience IN (those)``: an index-only test per row. The policy is
still written once, in :mod:`marsad.access.policy`; nothing here restates it.

Staying exact: TLP, originator and releasability list of a stored version never change, its collections may.
Triggers on ``collection_objects`` (migration 0011) set ``audience`` back to NULL whenever one of the row's
memberships is added or removed (a deleted collection cascades there too), and a NULL audience is decided by
the full per-row clause (see :func:`marsad.store.incidents.on_facts`). :func:`marsad.store.writes.put_objects`
writes its new rows settled (it adds the versions to their collection first, and knows every fact an audience
holds: :func:`audiences_of`); :func:`settle_audiences` assigns audiences to the rows left unsettled (by the triggers,
or written by other paths); it runs on each write to the projection, on
:func:`~marsad.store.incidents.analyze_incident_facts` and on a rebuild.
Audience rows are never deleted (a few stale ones cost nothing and keep ids stable).
"""

from __future__ import annotations

import hashlib
import json
import weakref
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Integer,
    String,
    Table,
    bindparam,
    insert,
    inspect,
    select,
    update,
)

from marsad.store.base import metadata
from marsad.store.collections import collection_objects
from marsad.store.lookups import in_values, values_of
from marsad.store.objects import object_releases

__all__ = [
    "sharing_audiences",
    "audience_releases",
    "audience_collections",
    "audience_key",
    "settle_audiences",
    "audiences_of",
    "has_audiences",
    "TRIGGER_DDL",
    "DROP_TRIGGER_DDL",
    "UNSETTLE_FUNCTION",
    "UNSETTLE_FUNCTION_0011",
]

sharing_audiences = Table(
    "sharing_audiences",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("tlp", String(20), nullable=True),
    Column("created_by_ref", String(300), nullable=True),
)

audience_releases = Table(
    "audience_releases",
    metadata,
    Column("audience_id", Integer, ForeignKey("sharing_audiences.id", ondelete="CASCADE"), primary_key=True),
    Column("entry", String(300), primary_key=True),
)

audience_collections = Table(
    "audience_collections",
    metadata,
    Column("audience_id", Integer, ForeignKey("sharing_audiences.id", ondelete="CASCADE"), primary_key=True),
    Column("collection_id", String(36), primary_key=True),
)

_CHUNK = 2000

#: PostgreSQL's trigger function (statement level, over the transition table ``changed_rows``). Why
#: ``= ANY(ARRAY(…))`` and not a join: a transition table has no statistics and a batch adds hundreds of
#: memberships, so the planner hashed them and read ``incident_facts`` whole once per write — a cost growing with
#: the store (1.5 ms per pipeline batch at 5,600 incidents, ~25 ms at 85,000); an array of keys probes the primary
#: key once per changed row (revision 0014; 0011 created the join form, :data:`UNSETTLE_FUNCTION_0011`)
UNSETTLE_FUNCTION = """CREATE OR REPLACE FUNCTION audience_unsettle() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             UPDATE incident_facts f SET audience = NULL
              WHERE f.object_pk = ANY (ARRAY(SELECT c.object_pk FROM changed_rows c)) AND f.audience IS NOT NULL;
             RETURN NULL;
           END $$"""
UNSETTLE_FUNCTION_0011 = """CREATE OR REPLACE FUNCTION audience_unsettle() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             UPDATE incident_facts f SET audience = NULL FROM changed_rows c
              WHERE f.object_pk = c.object_pk AND f.audience IS NOT NULL;
             RETURN NULL;
           END $$"""

#: dialect → statements creating the triggers that unsettle a row whose memberships change
TRIGGER_DDL = {
    "sqlite": [
        """CREATE TRIGGER IF NOT EXISTS audience_unsettle_added AFTER INSERT ON collection_objects BEGIN
             UPDATE incident_facts SET audience = NULL WHERE object_pk = NEW.object_pk AND audience IS NOT NULL;
           END""",
        """CREATE TRIGGER IF NOT EXISTS audience_unsettle_removed AFTER DELETE ON collection_objects BEGIN
             UPDATE incident_facts SET audience = NULL WHERE object_pk = OLD.object_pk AND audience IS NOT NULL;
           END""",
    ],
    "postgresql": [
        UNSETTLE_FUNCTION,
        """CREATE TRIGGER audience_unsettle_added AFTER INSERT ON collection_objects
           REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION audience_unsettle()""",
        """CREATE TRIGGER audience_unsettle_removed AFTER DELETE ON collection_objects
           REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION audience_unsettle()""",
    ],
}
DROP_TRIGGER_DDL = {
    "sqlite": ["DROP TRIGGER IF EXISTS audience_unsettle_added", "DROP TRIGGER IF EXISTS audience_unsettle_removed"],
    "postgresql": ["DROP TRIGGER IF EXISTS audience_unsettle_added ON collection_objects",
                   "DROP TRIGGER IF EXISTS audience_unsettle_removed ON collection_objects",
                   "DROP FUNCTION IF EXISTS audience_unsettle()"],
}

#: engines whose schema has the audiences (revision 0011 or later); only positive answers are remembered
_READY: weakref.WeakSet = weakref.WeakSet()


def has_audiences(conn: Connection, *, cached: bool = True) -> bool:
    """True when the database has the audience tables (a database being migrated may not yet); ``cached=False``
    looks again (a migration may be rebuilding the schema under an engine that had them)."""
    if cached and conn.engine in _READY:
        return True
    if not inspect(conn).has_table("sharing_audiences"):
        return False
    _READY.add(conn.engine)
    return True


def audience_key(tlp: str | None, created_by_ref: str | None, releases: Sequence[str],
                 collections: Sequence[str]) -> str:
    """The key of an audience: a digest of its sorted facts (entries and collection ids de-duplicated)."""
    text = json.dumps([tlp, created_by_ref, sorted(set(releases)), sorted(set(collections))], separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: the lookups of :func:`_settle_chunk`, built once per dialect (no construction and cache-key work per write;
#: on PostgreSQL one SQL text whatever the count, planned once)
_LOOKUPS = {
    dialect: {
        "releases": select(object_releases.c.object_pk, object_releases.c.entry).where(releases_in),
        "homes": select(collection_objects.c.object_pk, collection_objects.c.collection_id).where(homes_in),
        "audiences": select(sharing_audiences.c.key, sharing_audiences.c.id).where(keys_in),
    }
    for dialect, releases_in, homes_in, keys_in in (
        (name, in_values(object_releases.c.object_pk, "pks")[name],
         in_values(collection_objects.c.object_pk, "pks")[name], in_values(sharing_audiences.c.key, "keys")[name])
        for name in ("postgresql", "sqlite"))
}
#: (dialect, facts table) → the UPDATE giving rows their audience
_SETTLE_UPDATES: dict[tuple[str, str], Any] = {}


def _lookup(conn: Connection, name: str):
    return _LOOKUPS["postgresql" if conn.dialect.name == "postgresql" else "sqlite"][name]


def _settle_update(conn: Connection, facts: Table):
    dialect = "postgresql" if conn.dialect.name == "postgresql" else "sqlite"
    key = (dialect, facts.fullname)
    if key not in _SETTLE_UPDATES or _SETTLE_UPDATES[key][0] is not facts:
        statement = update(facts).where(in_values(facts.c.object_pk, "pks")[dialect]).values(
            audience=bindparam("settled"))
        _SETTLE_UPDATES[key] = (facts, statement)
    return _SETTLE_UPDATES[key][1]


def _audience_ids(conn: Connection, wanted: dict[str, tuple]) -> dict[str, int]:
    """Ids of the audiences with these keys (key → (tlp, creator, releases, collections)), made when missing."""
    keys = sorted(wanted)
    found = dict(conn.execute(_lookup(conn, "audiences"), {"keys": values_of(conn, keys)}).all())
    for key in keys:
        if key in found:
            continue
        tlp, creator, releases, homes = wanted[key]
        new_id = conn.execute(insert(sharing_audiences).values(key=key, tlp=tlp, created_by_ref=creator)
                              .returning(sharing_audiences.c.id)).scalar_one()
        if releases:
            conn.execute(insert(audience_releases), [{"audience_id": new_id, "entry": e} for e in sorted(set(releases))])
        if homes:
            conn.execute(insert(audience_collections),
                         [{"audience_id": new_id, "collection_id": c} for c in sorted(set(homes))])
        found[key] = new_id
    return found


def _assign(conn: Connection, facts: dict[int, tuple]) -> dict[int, int]:
    """pk → audience id, from each row's sharing facts (tlp, creator, releases, collections); audiences made when
    missing, in the order of their keys."""
    wanted, of_row, keys = {}, {}, {}
    for pk, facts_of in facts.items():
        if facts_of not in keys:  # (a write's rows share a few audiences)
            keys[facts_of] = audience_key(*facts_of)
        key = keys[facts_of]
        wanted[key], of_row[pk] = facts_of, key
    ids = _audience_ids(conn, wanted)
    return {pk: ids[key] for pk, key in of_row.items()}


def _settle_chunk(conn: Connection, facts: Table, rows: list) -> None:
    pks = [row.object_pk for row in rows]
    releases: dict[int, list[str]] = {}
    for pk, entry in conn.execute(_lookup(conn, "releases"), {"pks": values_of(conn, pks)}):
        releases.setdefault(pk, []).append(entry)
    homes: dict[int, list[str]] = {}
    for pk, cid in conn.execute(_lookup(conn, "homes"), {"pks": values_of(conn, pks)}):
        homes.setdefault(pk, []).append(cid)
    assigned = _assign(conn, {row.object_pk: (row.tlp, row.created_by_ref, tuple(releases.get(row.object_pk, ())),
                                              tuple(homes.get(row.object_pk, ()))) for row in rows})
    by_audience: dict[int, list[int]] = {}
    for pk, audience in assigned.items():
        by_audience.setdefault(audience, []).append(pk)
    for audience, members in by_audience.items():
        conn.execute(_settle_update(conn, facts), {"pks": values_of(conn, members), "settled": audience})


def audiences_of(conn: Connection, facts: dict[int, tuple[str | None, str | None, Sequence[str], Sequence[str]]]
                 ) -> dict[int, int]:
    """pk → the audience :func:`settle_audiences` would give a projection row, for rows about to be written whose
    sharing facts the writer knows ((tlp, created_by_ref, release entries, collection ids) by pk): so a new row is
    written settled, not inserted unsettled and updated by the next write (on PostgreSQL an update of a row with
    ten indexes and a dead row each: put_objects' server CPU per pipeline item 0.38-0.41 -> 0.36-0.37 ms, 10k-item
    store). Rows are taken in pk order and
    in chunks as :func:`settle_audiences` takes them, so missing audiences are made in the same order. Empty before
    revision 0011."""
    if not has_audiences(conn):
        return {}
    found: dict[int, int] = {}
    ordered = sorted(facts)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start:start + _CHUNK]
        found.update(_assign(conn, {pk: (facts[pk][0], facts[pk][1], tuple(facts[pk][2]), tuple(facts[pk][3]))
                                    for pk in chunk}))
    return found


def settle_audiences(conn: Connection, facts: Table, *, limit: int | None = None, cached: bool = True) -> int:
    """Give every unsettled row of ``facts`` (``incident_facts``) its audience, in the caller's transaction;
    ``limit`` caps how many rows are settled now. Returns how many were settled (0 before revision 0011)."""
    if not has_audiences(conn, cached=cached):
        return 0
    done, last_pk = 0, None
    while limit is None or done < limit:
        size = _CHUNK if limit is None else min(_CHUNK, limit - done)
        query = (select(facts.c.object_pk, facts.c.tlp, facts.c.created_by_ref).where(facts.c.audience.is_(None))
                 .order_by(facts.c.object_pk).limit(size))
        if last_pk is not None:
            query = query.where(facts.c.object_pk > last_pk)
        rows = conn.execute(query).all()
        if not rows:
            break
        _settle_chunk(conn, facts, rows)
        done, last_pk = done + len(rows), rows[-1].object_pk
    return done
