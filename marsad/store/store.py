"""The :class:`Store`: the one object the rest of Marsad uses to keep and read STIX objects.

Why a facade: callers get transactions, error translation (any database failure becomes
:class:`marsad.errors.StoreError`, rolled back, nothing half-written) and the read rules of
:mod:`marsad.store.selection` without touching SQL. Every read takes ``where``: an extra SQLAlchemy boolean
clause over ``stix_objects`` / ``object_releases`` / ``collection_objects`` with which the access layer puts
the sharing policy into the SQL itself. ``where`` decides which versions are visible *before* ``last``/``first``
version selection, so "last" means the last version the caller may see.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, exists, select, text as sql_text
from sqlalchemy.exc import SQLAlchemyError

from marsad.errors import MarsadError, NotFound, StoreError
from marsad.store import collections as _collections
from marsad.store import queries, search as _search, writes
from marsad.store.collections import Collection, collection_objects
from marsad.store.engine import make_engine
from marsad.store.migrate import upgrade
from marsad.store.objects import stix_objects
from marsad.store.paging import ManifestEntry, ManifestPage, Page, StoredObject
from marsad.store.rows import MarkingReader, default_marking_reader
from marsad.store.selection import Scope, VersionSpec, row_filters, version_filter

__all__ = ["Store", "open_store", "SearchHit", "analyse_tables"]

log = logging.getLogger(__name__)

#: rows added (by this Store) after which the planner statistics are refreshed
ANALYSE_AFTER = 5_000
_STATISTICS = {
    "postgresql": ("ANALYZE stix_objects, collection_objects, object_releases", "ANALYZE incident_facts, incident_terms"),
    # analyse every table that needs it (0x10002), reading at most ~1,000 rows of each index: fast at any size
    "sqlite": ("PRAGMA analysis_limit=1000; PRAGMA optimize=0x10002",),
}
Where = ColumnElement[bool] | None


@dataclass(frozen=True)
class SearchHit(StoredObject):
    """A search result: the last visible version of an object, its date added and its relevance (higher is better)."""

    score: float = 0.0


class Store:
    """Persistence of STIX object versions and collections on one SQLAlchemy engine (SQLite or PostgreSQL).

    ``marking_reader(obj, definitions) -> (tlp, release_to)`` computes an object's TLP level and release list;
    ``definitions`` holds the marking-definitions it references, found in the same put, already stored, or
    through ``marking_definitions`` (a mapping id → definition, or a function of the id).
    The schema must exist: use :func:`open_store` or :func:`marsad.store.migrate.upgrade` first.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        marking_reader: MarkingReader | None = None,
        marking_definitions: writes.DefinitionSource = None,
    ):
        self.engine = engine
        self._reader = marking_reader or default_marking_reader
        self._definitions = marking_definitions
        self._added_since_analyse = 0

    # -- transactions -------------------------------------------------------------------------------------
    @contextmanager
    def _connect(self, action: str, *, write: bool) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except MarsadError:
            raise
        except SQLAlchemyError as exc:
            log.warning("store failure while %s: %s", action, exc)
            reason = "the database is busy or unavailable" if "locked" in str(exc) or "connect" in str(exc) else "the database refused the operation"
            done = "; nothing was changed" if write else ""
            raise StoreError(f"could not {action}: {reason}{done}") from None

    def _collection_id(self, conn: Connection, collection_id: str | None) -> str | None:
        return None if collection_id is None else _collections.get_collection(conn, collection_id).id

    # -- writes -------------------------------------------------------------------------------------------
    def put_objects(
        self, objects: Sequence[Mapping[str, Any]], *, collection_id: str | None = None, all_or_nothing: bool = True
    ) -> writes.PutResult:
        """Store validated STIX objects (dicts) in one transaction, optionally adding them to a collection.

        Per object: ``added`` (new version, or new to the collection), ``unchanged`` (same id + version with the
        same content already there: a success) or ``conflict`` (same id + version, different content). With
        ``all_or_nothing`` a conflict raises :class:`~marsad.errors.Conflict` naming the id (details list every
        conflict) and nothing is stored; otherwise the rest is stored and conflicts are reported.
        Unknown ``collection_id`` (id or alias) → :class:`~marsad.errors.NotFound`.
        """
        with self._connect("store the objects", write=True) as conn:
            result = writes.put_objects(
                conn, list(objects), collection_id=collection_id, all_or_nothing=all_or_nothing,
                reader=self._reader, source=self._definitions,
            )
        self._added_since_analyse += len(result.added)
        if self._added_since_analyse >= ANALYSE_AFTER:
            self._added_since_analyse = 0
            self.refresh_statistics()
        return result

    def refresh_statistics(self) -> None:
        """Refresh the planner's statistics (PostgreSQL ``ANALYZE``, SQLite ``PRAGMA optimize``), best effort.

        Called after puts have added :data:`ANALYSE_AFTER` rows since the last refresh, in its own transaction
        after they committed: a failure is logged and changes nothing stored.
        """
        _run_statistics(self.engine, _STATISTICS.get(self.engine.dialect.name, ()))

    def delete_object(
        self, stix_id: str, collection_id: str | None = None, *, versions: VersionSpec = "all",
        spec_versions: Sequence[str] | None = None, where: Where = None,
    ) -> int:
        """Remove versions of ``stix_id`` from a collection (or from the store altogether when no collection).

        Returns how many versions were removed; :class:`~marsad.errors.NotFound` if none matched.
        """
        with self._connect(f"delete {stix_id}", write=True) as conn:
            writes.lock_clock(conn)
            scope = Scope(self._collection_id(conn, collection_id), ids=[stix_id], spec_versions=spec_versions, where=where)
            return queries.delete_versions(conn, scope, versions)

    # -- reads --------------------------------------------------------------------------------------------
    def query(
        self, collection_id: str | None = None, *, types: Sequence[str] | None = None, ids: Sequence[str] | None = None,
        spec_versions: Sequence[str] | None = None, versions: VersionSpec = "last",
        added_after: str | datetime | None = None, limit: int = 100, cursor: str | None = None, where: Where = None,
    ) -> Page:
        """A page of object versions, oldest ``date_added`` first (TAXII get-objects semantics).

        ``versions``: ``"last"``, ``"first"``, ``"all"`` or timestamps (list, or comma-separated string).
        ``added_after`` is strict and applies to the chosen versions' date added (in the collection when one
        is given). ``cursor`` is a previous page's ``next``; a malformed one or one from other filters raises
        :class:`~marsad.errors.InvalidFilter`. ``None`` filters are off; an empty list matches nothing.
        Paging is keyset on (date_added, sequence): objects added while a client pages come after its
        cursor, so each is returned once; a *new version* of an object already seen is a new entry and
        comes again at the end (with ``versions="last"`` too). ``where`` may refer to ``collection_objects``
        only when ``collection_id`` is given.
        """
        with self._connect("read objects", write=False) as conn:
            scope = Scope(self._collection_id(conn, collection_id), types, ids, spec_versions, where)
            return queries.page_of_objects(conn, scope, versions=versions, added_after=added_after, limit=limit, cursor=cursor)

    def manifest(
        self, collection_id: str | None = None, *, types: Sequence[str] | None = None, ids: Sequence[str] | None = None,
        spec_versions: Sequence[str] | None = None, versions: VersionSpec = "last",
        added_after: str | datetime | None = None, limit: int = 100, cursor: str | None = None, where: Where = None,
    ) -> ManifestPage:
        """Like :meth:`query` but entries carry only id, date_added, version and media_type."""
        with self._connect("read the manifest", write=False) as conn:
            scope = Scope(self._collection_id(conn, collection_id), types, ids, spec_versions, where)
            return queries.page_of_manifest(conn, scope, versions=versions, added_after=added_after, limit=limit, cursor=cursor)

    def count(
        self, collection_id: str | None = None, *, types: Sequence[str] | None = None, ids: Sequence[str] | None = None,
        spec_versions: Sequence[str] | None = None, versions: VersionSpec = "last",
        added_after: str | datetime | None = None, where: Where = None,
    ) -> int:
        """How many versions :meth:`query` would return over all its pages."""
        with self._connect("count objects", write=False) as conn:
            scope = Scope(self._collection_id(conn, collection_id), types, ids, spec_versions, where)
            return queries.count_rows(conn, scope, versions=versions, added_after=added_after)

    def get_object(
        self, stix_id: str, version: str = "last", *, collection_id: str | None = None, where: Where = None
    ) -> StoredObject:
        """One version of ``stix_id`` (``"last"``, ``"first"`` or a timestamp); :class:`~marsad.errors.NotFound`."""
        page = self.query(collection_id, ids=[stix_id], versions=version, limit=1, where=where)
        if not page.objects:
            raise NotFound(f"no object {stix_id}" + ("" if version in ("last", "first") else f" version {version}"))
        return page.objects[0]

    def versions(self, stix_id: str, collection_id: str | None = None, where: Where = None) -> list[ManifestEntry]:
        """Every visible version of ``stix_id``, oldest first; :class:`~marsad.errors.NotFound` if none."""
        with self._connect(f"read the versions of {stix_id}", write=False) as conn:
            scope = Scope(self._collection_id(conn, collection_id), ids=[stix_id], where=where)
            return queries.version_entries(conn, scope)

    def search(
        self, text: str, *, types: Sequence[str] | None = None, limit: int = 50, where: Where = None,
        collection_id: str | None = None,
    ) -> list[SearchHit]:
        """Best-ranked objects whose folded text has every word of ``text`` (last visible version of each).

        Arabic diacritics, hamza/alef/ta-marbuta/alef-maqsura variants, French accents and case do not matter.
        Text without words gives no hits.
        """
        with self._connect("search", write=False) as conn:
            collection = self._collection_id(conn, collection_id)
            filters = row_filters(Scope(types=types, where=where))
            filters.append(version_filter(Scope(collection, types=types, where=where), "last"))
            if collection is not None:
                filters.append(exists(select(collection_objects.c.seq).where(
                    collection_objects.c.object_pk == stix_objects.c.pk, collection_objects.c.collection_id == collection
                )))
            hits = _search.ranked_search(conn, text, filters, max(1, min(limit, queries.MAX_LIMIT)))
            return [SearchHit(obj, added, float(score)) for obj, added, score in hits]

    # -- collections --------------------------------------------------------------------------------------
    def create_collection(
        self, title: str, *, alias: str | None = None, description: str | None = None, id: str | None = None
    ) -> Collection:
        """A new collection (UUID id unless given); :class:`~marsad.errors.Conflict` if id or alias is taken."""
        with self._connect("create the collection", write=True) as conn:
            writes.lock_clock(conn)
            return _collections.create_collection(conn, title, alias=alias, description=description, id=id)

    def get_collection(self, id_or_alias: str) -> Collection:
        """The collection with this id or alias; :class:`~marsad.errors.NotFound` otherwise."""
        with self._connect("read the collection", write=False) as conn:
            return _collections.get_collection(conn, id_or_alias)

    def list_collections(self) -> list[Collection]:
        """Every collection, oldest first."""
        with self._connect("list collections", write=False) as conn:
            return _collections.list_collections(conn)

    def delete_collection(self, id_or_alias: str) -> None:
        """Delete a collection and its memberships; object versions stay stored."""
        with self._connect("delete the collection", write=True) as conn:
            writes.lock_clock(conn)
            _collections.delete_collection(conn, id_or_alias)


def open_store(url: str, *, migrate: bool = True, **options: Any) -> Store:
    """A :class:`Store` on ``url`` (engine from :func:`marsad.store.engine.make_engine`), schema upgraded to head."""
    engine = make_engine(url)
    if migrate:
        upgrade(engine)
    return Store(engine, **options)


def analyse_tables(engine: Engine, tables: Sequence[str]) -> None:
    """Refresh the planner's statistics of ``tables`` (``ANALYZE``; on SQLite bounded by ``analysis_limit``), best
    effort, in a transaction of its own: a failure is logged, nothing stored changes.

    SQLite: each table is analysed as asked, reading at most ~1,000 rows of each index whatever its size. Not
    ``PRAGMA optimize``, which re-analyses a table only once it has grown about tenfold since its last analysis:
    a pipeline's tables grow steadily, and statistics a few times too small made SQLite plan a batch's
    ``IN`` lookups as scans of the whole table (stix_objects at 10,000 items: statistics of 2,350 rows for
    35,685); lookups now take one JSON parameter planned as index searches whatever the statistics
    (:mod:`marsad.store.lookups`), and the statistics stay within the doubling schedule of the caller.

    Why: a deployment cannot rely on autovacuum (it may be off, and it analyses only after a share of a table
    changed), and without statistics PostgreSQL plans every statement for empty tables — a writer whose tables
    grow from nothing (the monitoring pipeline) calls this as they grow.

    On PostgreSQL only the tables whose statistics are stale are analysed, by autovacuum's own rule (rows changed
    since the last ANALYZE above 50 + 10% of the rows; any change to a table never analysed), and not at all while
    another process refreshes the same tables (a transaction-level advisory lock on their names): several pipeline
    workers reach their refresh points together, and each ANALYZE of the same tables cost as much server CPU as
    the first (2 workers, 7,600 items: 4 ANALYZEs, 13% of the server's CPU for the workers). A table the
    statistics views do not know is analysed as asked (so a missing one still fails and is logged)."""
    if engine.dialect.name == "sqlite" and tables:
        _run_statistics(engine, [_SQLITE_ANALYSE.format(tables="; ".join(f"ANALYZE {_quoted(t)}" for t in tables))])
        return
    if engine.dialect.name != "postgresql":
        _run_statistics(engine, _STATISTICS.get(engine.dialect.name, ()))
        return
    if not tables:
        return
    try:
        with engine.begin() as conn:
            names = ",".join(sorted(tables))
            key = int.from_bytes(hashlib.blake2b(names.encode(), digest_size=8).digest(), "big", signed=True)
            if not conn.execute(_TRY_LOCK, {"key": key}).scalar():
                return  # another process is refreshing these very statistics
            fresh = set(conn.execute(_FRESH, {"tables": list(tables)}).scalars())
            stale = [table for table in tables if table not in fresh]
            if stale:
                conn.exec_driver_sql(f"ANALYZE {', '.join(stale)}")
    except SQLAlchemyError as exc:
        log.warning("could not refresh the planner statistics (%s): %s", ", ".join(tables), exc)


#: :func:`analyse_tables` on SQLite: the tables' ANALYZE statements, each index read for at most ~1,000 rows
_SQLITE_ANALYSE = "PRAGMA analysis_limit=1000; {tables}; ANALYZE sqlite_schema"


def _quoted(name: str) -> str:
    """A table name as an SQL identifier (names come from code, but are quoted all the same)."""
    return '"' + name.replace('"', '""') + '"'


#: the statements of :func:`analyse_tables` on PostgreSQL: the advisory lock, and the tables whose statistics are
#: current by autovacuum's rule (autovacuum_analyze_threshold 50, autovacuum_analyze_scale_factor 0.1)
_TRY_LOCK = sql_text("SELECT pg_try_advisory_xact_lock(:key)")
_FRESH = sql_text(
    "SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid "
    "WHERE s.schemaname = current_schema() AND s.relname = ANY(CAST(:tables AS text[])) "
    "AND CASE WHEN c.reltuples < 0 THEN s.n_mod_since_analyze = 0 "
    "ELSE s.n_mod_since_analyze <= 50 + 0.1 * c.reltuples END")


def _run_statistics(engine: Engine, statements: Sequence[str]) -> None:
    for statement in statements:
        try:
            with engine.begin() as conn:
                for part in statement.split("; "):
                    conn.exec_driver_sql(part)
        except SQLAlchemyError as exc:
            log.warning("could not refresh the planner statistics (%s): %s", statement, exc)
