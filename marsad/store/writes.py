"""Storing a list of STIX objects in one transaction: new versions added, identical ones unchanged, conflicts.

Why this shape: a bundle is stored whole or not at all, and writing 1,000 objects must cost a handful of
round trips, not thousands. So existing versions are looked up in chunks, new rows go in with one
multi-row INSERT … RETURNING, release lists and collection memberships with executemany. Every write
transaction first locks the one-row ``store_clock`` (see :mod:`marsad.store.objects`), which serialises
writers and makes every transaction's ``date_added`` strictly later than the previous one's.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

from sqlalchemy import Connection, Engine, bindparam, insert, or_, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from marsad.errors import Conflict, MarsadError, StoreError
from marsad.model.markings import tlp_of_id
from marsad.store.collections import collection_objects, collections, get_collection
from marsad.store.incidents import project_incidents
from marsad.store.lookups import in_values, values_of
from marsad.store.objects import stix_objects, store_clock
from marsad.store.paging import version_of
from marsad.store.rows import MarkingReader, ObjectRow, build_row, driver_insert, sqlite_time
from marsad.store.search import insert_indexed, search_text_of

__all__ = ["ObjectOutcome", "PutResult", "put_objects", "lock_clock", "DefinitionSource", "write_transaction"]

log = logging.getLogger(__name__)

#: where marking-definitions not in the bundle or the store come from: a mapping or a function of the id
DefinitionSource = Mapping[str, Mapping] | Callable[[str], Mapping | None] | None

_CHUNK = 500


@dataclass(frozen=True)
class ObjectOutcome:
    """What happened to one object: ``added``, ``unchanged`` (already there, identical) or ``conflict``."""

    id: str
    version: str
    status: Literal["added", "unchanged", "conflict"]
    message: str | None = None


@dataclass
class PutResult:
    """Outcomes in input order, and the ``date_added`` given to everything added by this call."""

    outcomes: list[ObjectOutcome] = field(default_factory=list)
    date_added: datetime | None = None

    def _with(self, status: str) -> list[ObjectOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def added(self) -> list[ObjectOutcome]:
        return self._with("added")

    @property
    def unchanged(self) -> list[ObjectOutcome]:
        return self._with("unchanged")

    @property
    def conflicts(self) -> list[ObjectOutcome]:
        return self._with("conflict")


@contextmanager
def write_transaction(engine: Engine, action: str) -> Iterator[Connection]:
    """One write transaction whose database failures reach callers as :class:`StoreError` ("nothing was
    changed"), as :class:`marsad.store.Store` does, for callers that store objects together with other rows
    (a TAXII status resource and its audit entry) all or nothing."""
    try:
        with engine.begin() as conn:
            yield conn
    except MarsadError:
        raise
    except SQLAlchemyError as exc:
        log.warning("store failure while %s: %s", action, exc)
        busy = "locked" in str(exc) or "connect" in str(exc)
        reason = "the database is busy or unavailable" if busy else "the database refused the operation"
        raise StoreError(f"could not {action}: {reason}; nothing was changed") from None


#: the clock's statements, built once (see :data:`_LOOKUPS`)
_CLOCK_LOCK = update(store_clock).where(store_clock.c.id == 1).values(id=1).returning(store_clock.c.last_added)
_CLOCK_SET = update(store_clock).where(store_clock.c.id == 1).values(last_added=bindparam("stamp"))


def lock_clock(conn: Connection) -> datetime:
    """Lock the write clock (serialising writers) and return this transaction's strictly later date_added."""
    found = conn.execute(_CLOCK_LOCK).all()
    if not found:
        conn.execute(insert(store_clock).values(id=1, last_added=None))
    last = found[0].last_added if found else None
    now = datetime.now(timezone.utc)
    stamp = max(now, last + timedelta(microseconds=1)) if last else now
    conn.execute(_CLOCK_SET, {"stamp": stamp})
    return stamp


#: the statements run for every put, built once so each execution skips construction and cache-key work
_LOOKUPS = {
    dialect: {
        "versions": select(stix_objects.c.pk, stix_objects.c.stix_id, stix_objects.c.modified).where(stix_in),
        "hashes": select(stix_objects.c.pk, stix_objects.c.content_hash).where(hash_in),
        "present": select(collection_objects.c.object_pk).where(
            collection_objects.c.collection_id == bindparam("collection"), pk_in),
        "collection": select(collections.c.id).where(
            or_(collections.c.id == bindparam("key"), collections.c.alias == bindparam("key"))),
    }
    for dialect, stix_in, hash_in, pk_in in (
        (name, in_values(stix_objects.c.stix_id, "ids")[name], in_values(stix_objects.c.pk, "pks")[name],
         in_values(collection_objects.c.object_pk, "ids")[name]) for name in ("postgresql", "sqlite"))
}


def _lookup(conn: Connection, name: str):
    return _LOOKUPS["postgresql" if conn.dialect.name == "postgresql" else "sqlite"][name]


#: :func:`_existing`'s statements on SQLite: plain SQL run by the driver (SQLAlchemy's statement execution costs more
#: than SQLite's lookup), with the values as one JSON array (see :mod:`marsad.store.lookups`: an expanding IN list
#: of a batch's ~2,000 ids was planned as a scan of ``stix_objects`` whole)
_VERSIONS_SQLITE = "SELECT pk, stix_id, modified FROM stix_objects WHERE stix_id IN (SELECT value FROM json_each(?))"
_HASHES_SQLITE = "SELECT pk, content_hash FROM stix_objects WHERE pk IN (SELECT value FROM json_each(?))"


def _versions(conn: Connection, ids: list[str]) -> dict[tuple, int]:
    """(stix_id, modified) → pk of every stored version of ``ids``: read from the (stix_id, modified) key's index
    alone (its entries hold the pk), no table row read. The rows are fetched at once (``.all()``): iterating the
    result fetched them one by one through SQLAlchemy, ~0.7 µs a row (an incident updated n times has n)."""
    found: dict[tuple, int] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        if conn.dialect.name == "sqlite":  # modified comes back as the stored text (see sqlite_time)
            for pk, stix_id, modified in conn.exec_driver_sql(_VERSIONS_SQLITE, (values_of(conn, chunk),)).all():
                found[(stix_id, datetime.fromisoformat(modified).replace(tzinfo=timezone.utc))] = pk
        else:
            for pk, stix_id, modified in conn.execute(_lookup(conn, "versions"), {"ids": values_of(conn, chunk)}).all():
                found[(stix_id, modified)] = pk
    return found


def _hashes(conn: Connection, pks: list[int]) -> dict[int, str]:
    """pk → content_hash of stored versions."""
    found: dict[int, str] = {}
    for start in range(0, len(pks), _CHUNK):
        chunk = values_of(conn, pks[start : start + _CHUNK])
        if conn.dialect.name == "sqlite":
            found.update(conn.exec_driver_sql(_HASHES_SQLITE, (chunk,)).all())
        else:
            found.update(conn.execute(_lookup(conn, "hashes"), {"pks": chunk}).all())
    return found


def _existing(conn: Connection, rows: list[ObjectRow]) -> tuple[dict[tuple, tuple[int, str]], set[str]]:
    """(stix_id, modified) → (pk, content_hash) of the stored versions among ``rows``' keys, and the ids of
    ``rows`` of which some version is stored.

    Why in two reads: every stored version of an id is wanted only to tell whether the id exists (an incident
    updated n times has n), and the (stix_id, modified) index answers that alone; the content hash, which takes a
    read of the table row, only for the versions posted again (to tell ``unchanged`` from ``conflict``)."""
    versions = _versions(conn, sorted({row.key[0] for row in rows}))
    posted = {row.key for row in rows if row.key in versions}
    hashes = _hashes(conn, sorted({versions[key] for key in posted}))
    return {key: (versions[key], hashes[versions[key]]) for key in posted}, {stix_id for stix_id, _ in versions}


def _definitions(conn: Connection, objects: Sequence[Mapping], rows: list[ObjectRow], source: DefinitionSource) -> dict:
    wanted = {ref for row in rows for ref in row.values["marking_refs"] if tlp_of_id(ref) is None}
    found = {o["id"]: o for o in objects if o.get("type") == "marking-definition" and o.get("id") in wanted}
    missing = sorted(wanted - found.keys())
    for start in range(0, len(missing), _CHUNK):
        query = select(stix_objects.c.stix_id, stix_objects.c.object).where(
            stix_objects.c.stix_id.in_(missing[start : start + _CHUNK]), stix_objects.c.type == "marking-definition"
        )
        found.update({row.stix_id: row.object for row in conn.execute(query)})
    for ref in wanted - found.keys():
        definition = source.get(ref) if isinstance(source, Mapping) else source(ref) if source else None
        if definition is not None:
            found[ref] = definition
    return found


def _classify(rows: list[ObjectRow], existing: dict) -> tuple[list[str], list[int | None]]:
    """Per row: status and, for unchanged rows, the pk already stored (None for rows still to insert)."""
    statuses, pks, seen = [], [], {}
    for index, row in enumerate(rows):
        digest = row.values["content_hash"]
        if row.key in existing:
            pk, stored = existing[row.key]
            statuses.append("unchanged" if stored == digest else "conflict")
            pks.append(pk)
        elif row.key in seen:
            statuses.append("unchanged" if rows[seen[row.key]].values["content_hash"] == digest else "conflict")
            pks.append(None)
        else:
            seen[row.key] = index
            statuses.append("added")
            pks.append(None)
    return statuses, pks


def _conflict_message(row: ObjectRow) -> str:
    obj = row.values["object"]
    return f"{obj['id']} version {version_of(obj, row.key[1])} is already stored with different content"


def _new_pks(conn: Connection, count: int) -> list[int]:
    """``count`` fresh primary keys for ``stix_objects``, in increasing order.

    Writers are serialised by the clock lock. SQLite: after the highest ever used (AUTOINCREMENT's
    ``sqlite_sequence`` included). PostgreSQL: drawn from the column's sequence in one round trip. Explicit
    keys let the rows go in with a plain executemany (SQLite cannot order RETURNING rows, and PostgreSQL's
    batched INSERT … RETURNING costs more to build than the insert itself).
    """
    if conn.dialect.name == "sqlite":
        top = conn.execute(_TOP_PK).scalar_one()
        return list(range(top + 1, top + 1 + count))
    return sorted(conn.execute(_DRAW_PKS, {"n": count}).scalars())


#: the statements of :func:`_new_pks`, built once
_TOP_PK = text("SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'stix_objects'), 0), "
               "coalesce((SELECT max(pk) FROM stix_objects), 0))")
#: PostgreSQL: the column's own sequence looked up once per statement (a materialised CTE), not once per key:
#: ``nextval(pg_get_serial_sequence(…))`` per row resolved the name each time (2.9 µs of server CPU per key,
#: 0.5 by a regclass), and the sequence stays the one the column really owns whatever it is named
_DRAW_PKS = text("WITH owned AS MATERIALIZED (SELECT CAST(pg_get_serial_sequence('stix_objects', 'pk') AS regclass) "
                 "AS seq) SELECT nextval(owned.seq) FROM owned, generate_series(1, :n)")


#: ``stix_objects`` columns in the order of :func:`_version_params`
_COLUMNS = ("pk", "stix_id", "type", "spec_version", "created", "modified", "date_added", "created_by_ref", "tlp",
            "release_to", "marking_refs", "revoked", "content_hash", "search_text", "object")


def _time_to_db(conn: Connection) -> Callable[[datetime | None], Any]:
    """What SQLAlchemy itself binds for a :class:`~marsad.store.base.UTCDateTime` value on this connection."""
    if conn.dialect.name == "sqlite":
        return sqlite_time
    column_type = stix_objects.c.modified.type
    return column_type.dialect_impl(conn.dialect).bind_processor(conn.dialect) or (lambda value: value)


def _version_params(conn: Connection, rows: list[ObjectRow], pks: list[int], stamp: datetime, markings) -> list[tuple]:
    """Row tuples in database form: the object as its canonical JSON (already built for the hash), lists as
    JSON text, datetimes through the column type's own bind processing (SQLite keeps them as text)."""
    to_db = _time_to_db(conn)
    flag = int if conn.dialect.name == "sqlite" else bool
    added, created, lists = to_db(stamp), {}, {}

    def as_json(value: list) -> str:  # marking and release lists repeat across a bundle
        try:
            key = tuple(value)
            hash(key)
        except TypeError:
            return json.dumps(value)
        if key not in lists:
            lists[key] = json.dumps(value)
        return lists[key]

    params = []
    for row, pk, (tlp, release_to) in zip(rows, pks, markings):
        v = row.values
        if v["created"] not in created:
            created[v["created"]] = to_db(v["created"])
        if v["modified"] not in created:  # (a bundle's versions share a few times, and modified is often created)
            created[v["modified"]] = to_db(v["modified"])
        params.append((
            pk, v["stix_id"], v["type"], v["spec_version"], created[v["created"]], created[v["modified"]], added,
            v["created_by_ref"], tlp, None if release_to is None else as_json(release_to), as_json(v["marking_refs"]),
            flag(v["revoked"]), v["content_hash"], v["search_text"], row.json,
        ))
    return params


def _insert_rows(conn, objects, rows, statuses, pks, stamp, reader: MarkingReader, source) -> set[int]:
    """Insert the versions to add; fills ``pks`` and returns the new pks (none of them in any collection yet)."""
    new = [i for i, status in enumerate(statuses) if status == "added" and pks[i] is None]
    if not new:
        return set()
    definitions = _definitions(conn, objects, [rows[i] for i in new], source)
    markings = []
    for i in new:
        tlp, release_to = reader(rows[i].values["object"], definitions)
        rows[i].tlp, rows[i].release_to = tlp, release_to
        markings.append((tlp, release_to))
    for i in new:
        rows[i].values["search_text"] = search_text_of(rows[i].values["object"])
    new_pks = _new_pks(conn, len(new))
    params = _version_params(conn, [rows[i] for i in new], new_pks, stamp, markings)
    insert_indexed(conn, lambda: driver_insert(conn, "stix_objects", _COLUMNS, params, multirow=True),
                   [(p[0], p[13]) for p in params])
    for i, pk in zip(new, new_pks):
        pks[i] = pk
    releases = [(pks[i], e) for i in new for e in sorted(set(rows[i].release_to or []))]
    if releases:
        driver_insert(conn, "object_releases", ("object_pk", "entry"), releases)
    first_of = {rows[i].key: pks[i] for i in new}
    for i, status in enumerate(statuses):
        if pks[i] is None and status == "unchanged":
            pks[i] = first_of[rows[i].key]
    return set(new_pks)


def _add_to_collection(conn, collection_id: str, statuses: list[str], pks: list, stamp: datetime, fresh: set[int]) -> None:
    """Add the non-conflicting versions to the collection; only versions stored before (not ``fresh``) are looked up."""
    wanted = sorted({pk for pk, status in zip(pks, statuses) if status != "conflict" and pk not in fresh})
    present: set[int] = set()
    query = _lookup(conn, "present")
    for start in range(0, len(wanted), _CHUNK):
        chunk = {"collection": collection_id, "ids": values_of(conn, wanted[start : start + _CHUNK])}
        present.update(conn.execute(query, chunk).scalars().all())
    members, done = [], set()
    for i, (pk, status) in enumerate(zip(pks, statuses)):
        if status != "conflict" and pk not in present and pk not in done:
            members.append(pk)
            done.add(pk)
            statuses[i] = "added"
        elif status != "conflict":
            statuses[i] = "unchanged"
    if members:
        added = _time_to_db(conn)(stamp)
        driver_insert(conn, "collection_objects", ("collection_id", "object_pk", "date_added"),
                      [(collection_id, pk, added) for pk in members], multirow=True)


def _project(conn: Connection, added: list[tuple[int, ObjectRow]], stored: set[str], homes: list[str]) -> None:
    """Project the versions just inserted (``added``: (pk, row), already in their collections), telling the
    projection what this put already knows: the sharing facts it stored for each version (TLP, creator, release
    list, and ``homes``: the collections it is in, none other than this put's), and the ids of which no version
    was stored before (not in ``stored``): those have no projected row to look up."""
    sharing = {pk: (row.tlp, row.values["created_by_ref"]) for pk, row in added
               if row.values["created_by_ref"] is None or isinstance(row.values["created_by_ref"], str)}
    project_incidents(conn, [(pk, row.values["object"]) for pk, row in added], sharing=sharing,
                      unseen={row.key[0] for _, row in added} - stored,
                      homes={pk: (sorted(set(row.release_to or [])), homes) for pk, row in added})


def put_objects(
    conn: Connection,
    objects: Sequence[Mapping[str, Any]],
    *,
    collection_id: str | None,
    all_or_nothing: bool,
    reader: MarkingReader,
    source: DefinitionSource = None,
) -> PutResult:
    """Store ``objects`` inside the caller's transaction (see :meth:`marsad.store.Store.put_objects`)."""
    stamp = lock_clock(conn)
    if collection_id is not None:
        found = conn.execute(_lookup(conn, "collection"), {"key": collection_id}).first()
        collection_id = found.id if found is not None else get_collection(conn, collection_id).id  # NotFound
    rows = [build_row(obj, search=False) for obj in objects]  # (search text for the rows inserted only)
    existing, stored = _existing(conn, rows)
    statuses, pks = _classify(rows, existing)
    conflicts = [rows[i] for i, status in enumerate(statuses) if status == "conflict"]
    if conflicts and all_or_nothing:
        details = [{"id": row.key[0], "message": _conflict_message(row)} for row in conflicts]
        more = f" (and {len(conflicts) - 1} more)" if len(conflicts) > 1 else ""
        raise Conflict(_conflict_message(conflicts[0]) + more + "; nothing was stored", details=details)
    fresh = _insert_rows(conn, objects, rows, statuses, pks, stamp, reader, source)
    added = [(pk, row) for pk, row, status in zip(pks, rows, statuses) if status == "added"]  # (all in fresh)
    if collection_id is not None:
        _add_to_collection(conn, collection_id, statuses, pks, stamp, fresh)
    _project(conn, added, stored, [] if collection_id is None else [collection_id])
    outcomes = [
        ObjectOutcome(
            id=row.key[0],
            version=version_of(row.values["object"], stamp),
            status=status,
            message=_conflict_message(row) if status == "conflict" else None,
        )
        for row, status in zip(rows, statuses)
    ]
    return PutResult(outcomes=outcomes, date_added=stamp)
