"""The TAXII 2.1 write endpoints: Add Objects (with its status resource), Delete an Object, Get Status.

Why here: an envelope is checked whole before anything is stored (bad JSON, non-STIX objects, a wrong
spec_version, too many objects: 400/413 and nothing stored), then stored in one transaction where each object
gets its own outcome — re-sending a stored object is a success, the same id and version with other content
is a failure of that object only. The outcome is kept as a status resource only its sender may read back.
The objects, the status resource and the audit entry are written in one transaction: a write is never
stored without its audit entry and status, nor the other way round.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timezone

from sqlalchemy import Engine, select

from marsad.access import audit
from marsad.access.context import Viewer
from marsad.access.policy import visible_clause
from marsad.config import Settings
from marsad.errors import AccessDenied, InvalidJSON, InvalidSTIX, NotFound, TooLarge
from marsad.exchange.taxii.access import CollectionAccess, deny, open_collection
from marsad.exchange.taxii.filters import TaxiiQuery
from marsad.exchange.taxii.reads import select_page
from marsad.exchange.taxii.resources import status_resource
from marsad.model.bundle import parse_stix
from marsad.store import Store
from marsad.store.objects import stix_objects
from marsad.store.rows import default_marking_reader
from marsad.store.store import ANALYSE_AFTER
from marsad.store.taxii_status import StatusRecord, load_status, save_status
from marsad.store.writes import PutResult, put_objects, write_transaction

__all__ = ["envelope_objects", "add_objects", "delete_object", "read_status"]


def envelope_objects(body: bytes, *, max_bytes: int, max_objects: int) -> list:
    """The raw ``objects`` of a TAXII envelope (or a STIX bundle) in ``body``; nothing is checked as STIX yet."""
    if len(body) > max_bytes:
        raise TooLarge(f"the request body of {len(body):,} bytes is over the limit of {max_bytes:,} bytes")
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InvalidJSON(f"the request body is not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise InvalidJSON(f"the request body is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") \
            from None
    if not isinstance(data, dict):
        raise InvalidSTIX("the request body must be a TAXII envelope: a JSON object with an 'objects' list")
    if data.get("type") not in (None, "bundle"):
        raise InvalidSTIX("the request body must be a TAXII envelope (or a STIX bundle), not a single object")
    objects = data.get("objects", [])
    if not isinstance(objects, list):
        raise InvalidSTIX("the envelope's 'objects' must be a list")
    if len(objects) > max_objects:
        raise TooLarge(f"the envelope holds {len(objects):,} objects, over the limit of {max_objects:,}")
    return objects


def _known_marking(engine: Engine):
    def known(ref: str) -> bool:
        query = select(stix_objects.c.pk).where(stix_objects.c.stix_id == ref,
                                                stix_objects.c.type == "marking-definition").limit(1)
        with engine.connect() as conn:
            return conn.execute(query).first() is not None
    return known


def add_objects(engine: Engine, settings: Settings, viewer: Viewer, collection_id: str, body: bytes, *,
                remote_addr: str | None = None, request_time: datetime | None = None,
                access: CollectionAccess | None = None,
                later: Callable[[Callable[[], None]], None] | None = None) -> dict:
    """Add Objects (5.4): check the envelope, store its objects, keep and return the status resource.

    ``access`` is the collection already opened for writing by this user (the routes check it before reading
    the body); without it the right is checked here. ``later`` runs follow-up work that changes nothing stored:
    PostgreSQL's planner statistics refresh every :data:`ANALYSE_AFTER` objects (``ANALYZE``: 35-45 ms at 5,000
    objects); the routes pass one that runs it after the response is sent, so no client waits for it. SQLite's
    refresh takes under a millisecond and runs here (a second connection running it while the next request
    writes kept one more page cache: +10 MB RSS at 100,000 objects posted).
    """
    request_time = request_time or datetime.now(timezone.utc)
    if access is None or access.id != collection_id or not access.can_write:
        access = open_collection(engine, viewer, collection_id, need="write", remote_addr=remote_addr)
    raw = envelope_objects(body, max_bytes=settings.max_content_length, max_objects=settings.max_objects_per_bundle)
    objects = parse_stix(raw, max_objects=settings.max_objects_per_bundle, known_markings=_known_marking(engine)) \
        if raw else []
    with write_transaction(engine, "store the objects") as conn:
        result = put_objects(conn, objects, collection_id=access.id, all_or_nothing=False,
                             reader=default_marking_reader) if objects else PutResult()
        record = _status_record(result, access.id, viewer, request_time)
        save_status(conn, record)
        audit.record_write(conn, viewer, [o.id for o in result.outcomes if o.status == "added"],
                           remote_addr=remote_addr, collection=access.id, status=record.id,
                           failures=len(record.failures))
    if _count_added(engine, len(result.added)):  # SQLite's bounded PRAGMA optimize: under 1 ms, run now
        (later if later is not None and engine.dialect.name == "postgresql" else _now)(Store(engine).refresh_statistics)
    return status_resource(record.id, request_time, record.successes, record.failures)


def _status_record(result: PutResult, collection_id: str, viewer: Viewer, request_time: datetime) -> StatusRecord:
    """Per object: a success (with "already stored" when it was), or a failure saying why."""
    successes, failures = [], []
    for o in result.outcomes:
        if o.status == "conflict":
            failures.append({"id": o.id, "version": o.version, "message": o.message or "conflict"})
        elif o.status == "unchanged":
            successes.append({"id": o.id, "version": o.version, "message": "already stored"})
        else:
            successes.append({"id": o.id, "version": o.version})
    return StatusRecord(collection_id=collection_id, owner=viewer.username, request_timestamp=request_time,
                        successes=successes, failures=failures)


#: objects stored through TAXII per engine since its planner statistics were last refreshed
_ADDED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_ADDED_LOCK = threading.Lock()


def _count_added(engine: Engine, count: int) -> bool:
    """Whether the planner statistics are due for a refresh: after every ``ANALYSE_AFTER`` objects, as
    :class:`Store` does for its own puts (a store that grows from empty would otherwise keep the plans of an
    empty one)."""
    with _ADDED_LOCK:
        total = _ADDED.get(engine, 0) + count
        _ADDED[engine] = 0 if total >= ANALYSE_AFTER else total
    return total >= ANALYSE_AFTER


def _now(work: Callable[[], None]) -> None:
    work()


def read_status(engine: Engine, viewer: Viewer, status_id: str) -> dict:
    """Get Status (4.3): the status resource of one of the user's own Add Objects requests."""
    with engine.connect() as conn:
        record = load_status(conn, status_id, owner=viewer.username)
    return status_resource(record.id, record.request_timestamp, record.successes, record.failures, record.pendings)


def delete_object(engine: Engine, viewer: Viewer, collection_id: str, object_id: str, query: TaxiiQuery, *,
                  remote_addr: str | None = None) -> None:
    """Delete an Object (5.7): remove the chosen visible versions from the collection.

    Needs write access to the collection; the user must see the versions (else 404) and be their originator
    or an administrator (else 403) — one state never deletes another's intelligence from a shared collection.
    """
    access = open_collection(engine, viewer, collection_id, need="write", remote_addr=remote_addr)
    store = Store(engine)
    chosen = select_page(store, "query", viewer, access.id, replace(query, limit=100_000, next=None),
                         ids=[object_id]).objects
    if not chosen:
        raise deny(engine, viewer, "delete", NotFound(f"no object {object_id[:120]!r} in this collection"),
                   collection_id=access.id, object_ids=[object_id], remote_addr=remote_addr)
    if not viewer.has_role("admin") and any(
            item.object.get("created_by_ref") != viewer.identity_id for item in chosen):
        raise deny(engine, viewer, "delete", AccessDenied(
            f"only the originator of {object_id} or an administrator may delete it"),
            collection_id=access.id, object_ids=[object_id], remote_addr=remote_addr)
    store.delete_object(object_id, access.id, versions=[item.version for item in chosen],
                        where=visible_clause(viewer, access.id))
    audit.record_write(engine, viewer, [object_id], remote_addr=remote_addr, collection=access.id,
                       deleted_versions=len(chosen))
