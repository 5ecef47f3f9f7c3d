"""TAXII-style reads: object pages, manifests, counts, one object's versions, deletes.

Why separate from the :class:`~marsad.store.Store` facade: these build the SQL (see
:mod:`marsad.store.selection` for the order in which visibility, version choice and ``added_after`` apply)
and run it inside a connection the facade opens, so they stay testable and the facade stays thin.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, Select, bindparam, delete, func, select, tuple_

from marsad.errors import InvalidFilter, NotFound
from marsad.store.base import BigIntPK, UTCDateTime
from marsad.store.collections import collection_objects
from marsad.store.objects import stix_objects
from marsad.store.paging import ManifestEntry, ManifestPage, Page, StoredObject, decode_cursor, encode_cursor
from marsad.store.selection import Scope, VersionSpec, all_filters, order_columns, visible_from
from marsad.store.timestamps import format_timestamp, parse_timestamp

__all__ = ["MAX_LIMIT", "page_of_objects", "page_of_manifest", "count_rows", "version_entries", "delete_versions"]

#: the largest page a read returns, whatever the caller asks
MAX_LIMIT = 10_000

_VERSION = func.coalesce(stix_objects.c.object["modified"].as_string(), stix_objects.c.object["created"].as_string())


def _fingerprint(scope: Scope, versions: VersionSpec, added_after) -> str:
    versions = versions if isinstance(versions, str) else list(versions)
    parts = [scope.collection_id, scope.types, scope.ids, scope.spec_versions, versions, str(added_after)]
    return json.dumps([list(p) if isinstance(p, (tuple, set)) else p for p in parts], default=str)


def _parse_added_after(added_after: str | datetime | None) -> datetime | None:
    if added_after is None:
        return None
    try:
        return parse_timestamp(added_after)
    except ValueError as exc:
        raise InvalidFilter(f"added_after: {exc}") from None


def _paged(scope: Scope, versions, added_after, limit: int, cursor: str | None, columns: list) -> tuple[Select, str]:
    if not isinstance(limit, int) or limit < 1:
        raise InvalidFilter(f"limit must be a positive whole number, not {limit!r}")
    date_col, seq_col = order_columns(scope)
    stmt = select(*columns, date_col.label("date_added"), seq_col.label("seq")).select_from(visible_from(scope))
    stmt = stmt.where(all_filters(scope, versions))
    after = _parse_added_after(added_after)
    if after is not None:
        stmt = stmt.where(date_col > after)
    fingerprint = _fingerprint(scope, versions, added_after)
    if cursor:
        stamp, seq = decode_cursor(cursor, fingerprint)
        position = tuple_(bindparam("cursor_added", stamp, type_=UTCDateTime()), bindparam("cursor_seq", seq, type_=BigIntPK))
        stmt = stmt.where(tuple_(date_col, seq_col) > position)
    return stmt.order_by(*_ordering(scope, date_col, seq_col)).limit(min(limit, MAX_LIMIT) + 1), fingerprint


def _ordering(scope: Scope, date_col, seq_col) -> tuple:
    """ORDER BY terms. With an id filter the few rows are found by id and sorted: wrapping the columns keeps
    SQLite from walking the whole (collection, date_added, seq) index in order to skip the sort."""
    if scope.ids is None:
        return date_col, seq_col
    return func.coalesce(date_col, date_col), func.coalesce(seq_col, seq_col)


def _finish(rows, limit: int, fingerprint: str):
    limit = min(limit, MAX_LIMIT)
    more = len(rows) > limit
    rows = rows[:limit]
    token = encode_cursor(rows[-1].date_added, rows[-1].seq, fingerprint) if more and rows else None
    return rows, more, token


def page_of_objects(conn: Connection, scope: Scope, *, versions, added_after, limit: int, cursor: str | None) -> Page:
    """One page of object versions in (date_added, sequence) order."""
    stmt, fingerprint = _paged(scope, versions, added_after, limit, cursor, [stix_objects.c.object])
    rows, more, token = _finish(conn.execute(stmt).all(), limit, fingerprint)
    return Page(objects=[StoredObject(row.object, row.date_added) for row in rows], more=more, next=token)


def page_of_manifest(conn: Connection, scope: Scope, *, versions, added_after, limit: int, cursor: str | None) -> ManifestPage:
    """One page of manifest entries (no object bodies are read out)."""
    columns = [stix_objects.c.stix_id, _VERSION.label("version")]
    stmt, fingerprint = _paged(scope, versions, added_after, limit, cursor, columns)
    rows, more, token = _finish(conn.execute(stmt).all(), limit, fingerprint)
    entries = [
        ManifestEntry(id=row.stix_id, date_added=row.date_added, version=row.version or format_timestamp(row.date_added))
        for row in rows
    ]
    return ManifestPage(objects=entries, more=more, next=token)


def count_rows(conn: Connection, scope: Scope, *, versions, added_after) -> int:
    """How many versions the same filters select (all pages together)."""
    date_col, _ = order_columns(scope)
    stmt = select(func.count()).select_from(visible_from(scope)).where(all_filters(scope, versions))
    after = _parse_added_after(added_after)
    if after is not None:
        stmt = stmt.where(date_col > after)
    return conn.execute(stmt).scalar_one()


def version_entries(conn: Connection, scope: Scope) -> list[ManifestEntry]:
    """Every visible version of the scope's object(s), oldest ``modified`` first; :class:`NotFound` if none."""
    date_col, seq_col = order_columns(scope)
    stmt = (
        select(stix_objects.c.stix_id, _VERSION.label("version"), date_col.label("date_added"))
        .select_from(visible_from(scope))
        .where(all_filters(scope, "all"))
        .order_by(stix_objects.c.modified, seq_col)
    )
    rows = conn.execute(stmt).all()
    if not rows:
        raise NotFound(f"no object {', '.join(scope.ids or [])}")
    return [ManifestEntry(id=r.stix_id, date_added=r.date_added, version=r.version or format_timestamp(r.date_added)) for r in rows]


def delete_versions(conn: Connection, scope: Scope, versions: VersionSpec | Sequence[str]) -> int:
    """Remove the chosen versions from the scope's collection (or from the store when no collection)."""
    stmt = select(stix_objects.c.pk).select_from(visible_from(scope)).where(all_filters(scope, versions))
    pks = list(conn.execute(stmt).scalars())
    if not pks:
        raise NotFound(f"no object {', '.join(scope.ids or [])} to delete")
    for start in range(0, len(pks), 500):
        chunk = pks[start : start + 500]
        if scope.collection_id is not None:
            conn.execute(
                delete(collection_objects).where(
                    collection_objects.c.collection_id == scope.collection_id, collection_objects.c.object_pk.in_(chunk)
                )
            )
        else:
            conn.execute(delete(stix_objects).where(stix_objects.c.pk.in_(chunk)))
    return len(pks)
