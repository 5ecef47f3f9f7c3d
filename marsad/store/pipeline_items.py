"""The monitoring pipeline's durable queue (``pipeline_items``) and its near-duplicate lookup (``pipeline_near_keys``).

Why a table and not an in-memory queue: an item a source delivered must survive a crash between "seen" and
"stored as a report". The poller inserts the item here in the same transaction that records it as seen; a
worker claims a batch by taking a *lease* (owner + expiry) and, in the one transaction that stores the
reports, incidents and alerts, marks the rows ``done``. A worker killed mid-batch commits nothing, its lease
expires and another worker (or the same one restarted) takes the items again — nothing lost, nothing doubled.
``attempts`` counts claims, so an item that kills every worker that touches it ends ``failed`` with its error
instead of blocking the queue forever.

``pipeline_near_keys`` holds, per processed item, the locality-sensitive band keys of its text (and a key of
its URL): a new item whose keys meet an earlier item's is compared with that item's text, and a near-identical
one is recorded as a ``duplicate`` of it rather than filed again. A key is a signed 64-bit integer and the table
is its primary key alone (SQLite ``WITHOUT ROWID``: one B-tree, no row stored twice): ~17 random-key rows per
item, each a leaf page written to the WAL at commit once the table outgrows the page cache (migration 0015).

On SQLite new keys go to ``pipeline_near_keys_recent`` first (:func:`record_near_keys`): a tree small enough to
stay in the page cache, whose few pages a batch dirties many times over; each batch then moves one of
:data:`NEAR_KEY_PARTS` key ranges of it into ``pipeline_near_keys``, where those rows land in 1/32 of its leaf
pages instead of one page each. A lookup (:func:`near_keys_select`) reads both. Measured on a 1.5M-key table,
3,400 keys per batch: 9.9 → 2.9 µs CPU and 7.2 → 1.4 kB written (WAL + checkpoint) per key. PostgreSQL writes
the main table directly (a table emptied by deletes would need vacuuming there).

Statuses: ``pending`` (waiting or leased), ``done`` (stored; ``report_id``/``incident_id`` say what it became),
``duplicate`` (same URL or near-identical text as ``duplicate_of``), ``failed`` (``error`` says why).
"""

from __future__ import annotations

import functools
import itertools
import json
import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timezone
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    BigInteger, CheckConstraint, Column, Connection, Index, Integer, String, Table, Text, bindparam, cast, func,
    insert, select, union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError

from marsad.store.base import BigIntPK, JSONType, UTCDateTime, array_quoted, metadata
from marsad.store.lookups import in_sql, values_of
from marsad.store.rows import sqlite_time

__all__ = ["ITEM_STATUSES", "pipeline_items", "pipeline_near_keys", "pipeline_near_keys_recent", "PIPELINE_TABLES",
           "key_tables", "NEAR_KEY_PARTS", "insert_many", "among", "key_rotation", "move_key_range", "record_near_keys",
           "near_keys_select",
           "near_key_rows", "item_hashes", "item_payloads", "claim_rows", "mark_finished"]

#: the states of a queued item
ITEM_STATUSES = ("pending", "done", "duplicate", "failed")

pipeline_items = Table(
    "pipeline_items",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("source_id", BigIntPK, nullable=True, comment="the source that delivered it (None: a submission)"),
    Column("item_key", String(1000), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("payload", JSONType, nullable=False, comment="the SourceItem, metadata included"),
    Column("status", String(10), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("lease_owner", String(200), nullable=True),
    Column("lease_until", UTCDateTime(), nullable=True),
    Column("error", String(500), nullable=True),
    Column("arrived_at", UTCDateTime(), nullable=False),
    Column("processed_at", UTCDateTime(), nullable=True, comment="when its report and alerts were recorded"),
    Column("report_id", String(300), nullable=True),
    Column("incident_id", String(300), nullable=True),
    Column("duplicate_of", BigIntPK, nullable=True),
    CheckConstraint("status IN ('pending', 'done', 'duplicate', 'failed')", name="status"),
)
Index("ix_pipeline_items_status_id", pipeline_items.c.status, pipeline_items.c.id)


def key_tables(name: str, other: str, other_type: Any, recent_comment: str) -> tuple[Table, Table]:
    """A band-key table (``band_key`` and ``other``, one B-tree keyed by both) and its ``{name}_recent`` twin, where
    SQLite puts new keys first (:func:`move_key_range` moves them on): the two must have the same columns."""
    def table(table_name: str, **options: Any) -> Table:
        return Table(table_name, metadata, Column("band_key", BigInteger, primary_key=True, autoincrement=False),
                     Column(other, other_type, primary_key=True, autoincrement=False), sqlite_with_rowid=False,
                     **options)
    return table(name), table(f"{name}_recent", comment=recent_comment)


pipeline_near_keys, pipeline_near_keys_recent = key_tables(
    "pipeline_near_keys", "item_id", BigIntPK, "SQLite: near-duplicate keys not yet moved to pipeline_near_keys")

#: the tables of this module, in creation order
PIPELINE_TABLES = (pipeline_items, pipeline_near_keys, pipeline_near_keys_recent)

#: key ranges of ``pipeline_near_keys_recent``: a batch moves one (a rotation per process, from a random start so
#: two workers do not move the same ranges)
NEAR_KEY_PARTS = 32
_SPAN = 2 ** 64 // NEAR_KEY_PARTS
_RECENT_INSERT = "INSERT INTO pipeline_near_keys_recent (band_key, item_id) VALUES (?, ?)"
#: PostgreSQL: near-duplicate keys go in by ``COPY`` of one text block (integers only, so no quoting)
_NEAR_COPY = "COPY pipeline_near_keys (band_key, item_id) FROM STDIN"


#: statements per table object (not name: two tables of one name, in two metadata, are two statements) and columns
_UNNEST_INSERTS: dict[tuple[Table, tuple[str, ...], tuple[bool, ...]], Any] = {}
_DRIVER_INSERTS: dict[tuple[str, Table, tuple[str, ...]], str | None] = {}


def _text_array(values: Sequence[Any], column_type) -> str | None:
    """``values`` as PostgreSQL's text form of an array (None → NULL) for a string or integer column; None when
    some value is of another type (then the driver's own array dumping is used).

    Why: psycopg dumps a Python list in text form element by element — for strings with a regular expression per
    element to decide its quoting: 4-7 ms CPU for a batch's 3,200 band keys (0.85 ms this way), and a pipeline
    batch sends five such arrays or more (band and near-duplicate lookups and inserts). Quoting every string is
    what the array input syntax accepts for any text (backslash and double quote escaped), so the server reads the
    same values; an integer's text form is its ``str``."""
    if isinstance(column_type, String):
        parts = []
        for value in values:
            if value is None:
                parts.append("NULL")
            elif type(value) is str:
                parts.append(array_quoted(value))
            else:
                return None
        return "{" + ",".join(parts) + "}"
    if isinstance(column_type, Integer):
        if all(type(value) is int for value in values):
            return "{" + ",".join(map(str, values)) + "}"
        if all(type(value) is int or value is None for value in values):
            return "{" + ",".join("NULL" if value is None else str(value) for value in values) + "}"
    return None


def _array_bind(name: str | None, column_type, as_text: bool):
    """A bound array of ``column_type``: given as its text form and cast (``as_text``), or as a list."""
    if as_text:
        return cast(bindparam(name, type_=Text), ARRAY(column_type))
    return bindparam(name, type_=ARRAY(column_type))


def _driver_insert(conn: Connection, table: Table, names: tuple[str, ...]) -> str | None:
    """The driver's own ``INSERT`` of ``names`` into ``table`` when no column needs a bind processor (integers,
    strings), else None; remembered per table and columns."""
    key = (conn.dialect.name, table, names)
    if key not in _DRIVER_INSERTS:
        dialect = conn.dialect
        plain = all(table.c[name].type.dialect_impl(dialect).bind_processor(dialect) is None for name in names)
        quote = dialect.identifier_preparer.quote
        _DRIVER_INSERTS[key] = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
                                f"VALUES ({', '.join('?' for _ in names)})") if plain else None
    return _DRIVER_INSERTS[key]


def insert_many(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table``: on PostgreSQL ONE ``INSERT … SELECT unnest(…)``
    with one array per column, on SQLite the driver's ``executemany`` of tuples, elsewhere SQLAlchemy's.

    Why: bulk rows of integer and string columns (near-duplicate keys of another type than ``int``, see
    :func:`record_near_keys`; other callers' key rows); psycopg's ``executemany`` costs tens of microseconds of client CPU per row even pipelined, an array per
    column costs almost none; on SQLite, SQLAlchemy's per-row parameter handling cost as much as the B-tree
    insert itself (integer and string columns need none of it).
    """
    if not rows:
        return
    names = tuple(rows[0])
    if conn.dialect.name == "sqlite":
        sql = _driver_insert(conn, table, names)
        if sql is not None:
            get = itemgetter(*names)
            conn.exec_driver_sql(sql, [get(row) for row in rows] if len(names) > 1 else [(get(row),) for row in rows])
            return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), list(rows))
        return
    values = {name: [row[name] for row in rows] for name in names}
    texts = {name: _text_array(values[name], table.c[name].type) for name in names}
    as_text = tuple(texts[name] is not None for name in names)
    statement = _UNNEST_INSERTS.get((table, names, as_text))
    if statement is None:
        arrays = [func.unnest(_array_bind(name, table.c[name].type, text_form))
                  for name, text_form in zip(names, as_text)]
        statement = insert(table).from_select(list(names), select(*arrays))
        _UNNEST_INSERTS[(table, names, as_text)] = statement
    conn.execute(statement, {name: texts[name] if texts[name] is not None else values[name] for name in names})


def _copy_text(conn: Connection, statement: str, block: str) -> None:
    """PostgreSQL: ``statement`` (a ``COPY … FROM STDIN``) fed one block of its text format; a driver error raised
    as SQLAlchemy would raise it (a duplicate key: :class:`~sqlalchemy.exc.IntegrityError`)."""
    try:
        with conn.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write(block)
    except conn.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(statement, None, exc, conn.dialect.loaded_dbapi.Error) from exc


def _key_range(part: int) -> tuple[int, int]:
    """The inclusive signed 64-bit bounds of key range ``part`` (equal slices; the last one ends at the top)."""
    low = -(2 ** 63) + part * _SPAN
    return low, (2 ** 63 - 1 if part == NEAR_KEY_PARTS - 1 else low + _SPAN - 1)


def key_rotation() -> Iterator[int]:
    """A rotation over the :data:`NEAR_KEY_PARTS` key ranges from a random start (two workers do not move the same
    ranges). One per recent table: a rotation shared by two tables that each batch advances twice would skip
    every other range of each."""
    return (part % NEAR_KEY_PARTS for part in itertools.count(random.randrange(NEAR_KEY_PARTS)))


_parts = key_rotation()


@functools.lru_cache(maxsize=8)
def _move_statements(table: str, other: str) -> tuple[str, str]:
    return (f"INSERT OR IGNORE INTO {table} (band_key, {other}) SELECT band_key, {other} "
            f"FROM {table}_recent WHERE band_key BETWEEN ? AND ?",
            f"DELETE FROM {table}_recent WHERE band_key BETWEEN ? AND ?")


def move_key_range(conn: Connection, table: str, other: str, part: int) -> None:
    """SQLite: move key range ``part`` of ``{table}_recent`` (columns ``band_key`` and ``other``) into ``table``
    (``OR IGNORE``: a row already there is the same fact, and must not fail every later batch)."""
    bounds = _key_range(part)
    for statement in _move_statements(table, other):
        conn.exec_driver_sql(statement, bounds)


def record_near_keys(conn: Connection, rows: Iterable[tuple[int, int]], *, part: int | None = None) -> None:
    """Store near-duplicate ``(band_key, item_id)`` rows in the caller's transaction: on SQLite into the recent
    tree, then move key range ``part`` (default: the next of this process's rotation) of it into the main table
    (``OR IGNORE``: a row already there is the same fact, and must not fail every later batch); elsewhere into the
    main table: on PostgreSQL by ``COPY`` of one text block, where :func:`insert_many`'s ``INSERT … SELECT
    unnest(…)`` cost more CPU on both sides (batches of 8,000 keys into a 50k-row table, old and new alternating,
    20 pairs, 2 runs at different load: server 3.24 → 2.81 and 1.87 → 1.48 µs per row, paired median 0.41-0.54;
    client 0.92 → 0.58 and 0.53 → 0.32; ~15.8 keys per item. ``copy.write_row`` per row cost more client CPU
    than the block: 0.7-0.9 µs)."""
    if conn.dialect.name == "postgresql":
        rows = list(rows)
        if rows and all(type(key) is int and type(item_id) is int for key, item_id in rows):
            _copy_text(conn, _NEAR_COPY, "".join(f"{key}\t{item_id}\n" for key, item_id in rows))
            return
    if conn.dialect.name != "sqlite":
        insert_many(conn, pipeline_near_keys, [{"band_key": key, "item_id": item_id} for key, item_id in rows])
        return
    rows = list(rows)
    if rows:
        conn.exec_driver_sql(_RECENT_INSERT, rows)
    move_key_range(conn, "pipeline_near_keys", "item_id", next(_parts) if part is None else part)


def near_keys_select(conn: Connection, keys: Sequence[int]):
    """``SELECT band_key, item_id`` of the stored near-duplicate keys among ``keys``: on SQLite from both trees
    (a key may still wait in the recent one), elsewhere from the main table through :func:`among`."""
    if conn.dialect.name != "sqlite":
        c = pipeline_near_keys.c
        return select(c.band_key, c.item_id).where(among(conn, c.band_key, keys))
    return union_all(*(select(t.c.band_key, t.c.item_id).where(t.c.band_key.in_(list(keys)))
                       for t in (pipeline_near_keys, pipeline_near_keys_recent)))


#: the statements of :func:`near_key_rows`, :func:`item_hashes` and :func:`item_payloads` per backend (SQLite: a
#: JSON array parameter, each value an index search as in an ``IN`` list; PostgreSQL: the semi-join of
#: :func:`among` on one array parameter)
_DIALECTS = ("sqlite", "postgresql")
_NEAR_ROWS = {"sqlite": " UNION ALL ".join(f"SELECT band_key, item_id FROM {table} WHERE "
                                            + in_sql("sqlite", "band_key", integers=True)
                                            for table in ("pipeline_near_keys", "pipeline_near_keys_recent")),
              "postgresql": "SELECT band_key, item_id FROM pipeline_near_keys WHERE "
                            + in_sql("postgresql", "band_key", integers=True)}
_HASHES = {name: "SELECT id, content_hash FROM pipeline_items WHERE " + in_sql(name, "id", integers=True)
           for name in _DIALECTS}
_PAYLOADS = {name: "SELECT id, content_hash, payload FROM pipeline_items WHERE " + in_sql(name, "id", integers=True)
             for name in _DIALECTS}


def near_key_rows(conn: Connection, keys: Sequence[int]) -> list[tuple[int, int]]:
    """``(band_key, item_id)`` of the stored near-duplicate keys among ``keys`` (as :func:`near_keys_select`),
    through the driver: one SQL text and one parameter whatever the number of keys (see :func:`marsad.store.lookups.values_of`)."""
    if not keys:
        return []
    listed = values_of(conn, keys)
    if conn.dialect.name == "sqlite":
        return conn.exec_driver_sql(_NEAR_ROWS["sqlite"], (listed, listed)).fetchall()
    if conn.dialect.name == "postgresql":
        return conn.exec_driver_sql(_NEAR_ROWS["postgresql"], (listed,)).fetchall()
    return conn.execute(near_keys_select(conn, keys)).fetchall()


def item_hashes(conn: Connection, ids: Sequence[int]) -> list[tuple[int, str]]:
    """``(id, content_hash)`` of the queue rows among ``ids``, through the driver (see :func:`near_key_rows`)."""
    if not ids:
        return []
    if conn.dialect.name in _DIALECTS:
        return conn.exec_driver_sql(_HASHES[conn.dialect.name], (values_of(conn, ids),)).fetchall()
    c = pipeline_items.c
    return conn.execute(select(c.id, c.content_hash).where(c.id.in_(list(ids)))).fetchall()


def item_payloads(conn: Connection, ids: Sequence[int]) -> list[tuple[int, str, dict]]:
    """``(id, content_hash, payload)`` of the queue rows among ``ids``, the payload decoded as the column's type
    would (the dialect's JSON deserialiser: SQLite's driver gives the text)."""
    if not ids:
        return []
    if conn.dialect.name not in _DIALECTS:
        c = pipeline_items.c
        return conn.execute(select(c.id, c.content_hash, c.payload).where(c.id.in_(list(ids)))).fetchall()
    rows = conn.exec_driver_sql(_PAYLOADS[conn.dialect.name], (values_of(conn, ids),)).fetchall()
    loads = getattr(conn.dialect, "_json_deserializer", None) or json.loads
    return [(i, content_hash, loads(payload) if isinstance(payload, (str, bytes)) else payload)
            for i, content_hash, payload in rows]


def _utc(value: datetime | str) -> datetime:
    """A time read through the driver, as :class:`~marsad.store.base.UTCDateTime` gives it back (aware UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


_CLAIM = ("UPDATE pipeline_items SET lease_owner = {p}, lease_until = {p}, attempts = attempts + 1 WHERE id IN ("
          "SELECT id FROM pipeline_items WHERE status = 'pending' AND (lease_until IS NULL OR lease_until < {p}) "
          "ORDER BY id LIMIT {p}{lock}) RETURNING id, payload, arrived_at, attempts")
#: :func:`claim_rows`' statement per backend (PostgreSQL: rows another claimer is taking are skipped, not waited for)
_CLAIMS = {"sqlite": _CLAIM.format(p="?", lock=""), "postgresql": _CLAIM.format(p="%s", lock=" FOR UPDATE SKIP LOCKED")}


def claim_rows(conn: Connection, worker: str, n: int, now: datetime, lease_until: datetime
               ) -> list[tuple[int, dict, datetime, int]]:
    """Lease up to ``n`` pending rows whose lease is absent or over at ``now`` (oldest first) to ``worker`` until
    ``lease_until``, counting the attempt; returns ``(id, payload, arrived_at, attempts)`` of each, as the column
    types give them back.

    One ``UPDATE … RETURNING`` over a sub-select, written once per backend and given to the driver: this runs
    once per batch, and SQLAlchemy's building, caching and result processing of it cost more than the database's
    work on a batch of rows (the payloads decoded by the dialect's JSON deserialiser, as the column would)."""
    if conn.dialect.name not in _CLAIMS:
        raise NotImplementedError(f"claiming queue rows on {conn.dialect.name}")
    if conn.dialect.name == "sqlite":
        params: tuple = (worker, sqlite_time(lease_until), sqlite_time(now), n)
    else:
        params = (worker, lease_until, now, n)
    loads = getattr(conn.dialect, "_json_deserializer", None) or json.loads
    return [(item_id, loads(payload) if isinstance(payload, (str, bytes)) else payload, _utc(arrived), attempts)
            for item_id, payload, arrived, attempts in conn.exec_driver_sql(_CLAIMS[conn.dialect.name], params)]


_FINISH_SET = ("status = {s}, processed_at = {p}, report_id = {r}, incident_id = {i}, duplicate_of = {d}, "
               "lease_owner = NULL, lease_until = NULL, error = NULL")
#: :func:`mark_finished`'s statement per backend: a driver ``executemany`` of tuples on SQLite; on PostgreSQL one
#: ``UPDATE … FROM unnest(…)`` of one text array per column, one SQL text whatever the rows (prepared once)
_FINISH = {
    "sqlite": "UPDATE pipeline_items SET " + _FINISH_SET.format(s="?", p="?", r="?", i="?", d="?") + " WHERE id = ?",
    "postgresql": "UPDATE pipeline_items SET " + _FINISH_SET.format(
        s="u.status", p="%s", r="u.report_id", i="u.incident_id", d="u.duplicate_of")
    + " FROM unnest(CAST(%s AS bigint[]), CAST(%s AS text[]), CAST(%s AS text[]), CAST(%s AS text[]), "
      "CAST(%s AS bigint[])) AS u(id, status, report_id, incident_id, duplicate_of) WHERE pipeline_items.id = u.id"}


#: the columns of :func:`mark_finished`'s arrays, in the order of its rows' values
_FINISHED = tuple(pipeline_items.c[name] for name in ("id", "status", "report_id", "incident_id", "duplicate_of"))


def _finished_array(values: Sequence[Any], column) -> str:
    """One of :func:`mark_finished`'s arrays in PostgreSQL's text form (:func:`_text_array`); values of another
    type than the column's are refused, not sent as text."""
    text_form = _text_array(values, column.type)
    if text_form is None:
        raise TypeError(f"{column.name}: a value of another type than the column's ({column.type})")
    return text_form


def mark_finished(conn: Connection, rows: Sequence[tuple[int, str, str | None, str | None, int | None]],
                  now: datetime) -> None:
    """Mark queue rows finished at ``now``: each ``(id, status, report_id, incident_id, duplicate_of)``, its lease
    and error cleared, in one statement of constant text.

    Why: SQLAlchemy's ``executemany`` of an ``UPDATE`` ran it once per row (on PostgreSQL 22 µs of server CPU
    per item, planned per row, plus SQLAlchemy's parameter processing per row on the client)."""
    if not rows:
        return
    name = conn.dialect.name
    if name == "sqlite":
        at = sqlite_time(now)
        conn.exec_driver_sql(_FINISH["sqlite"], [(status, at, report, incident, original, item_id)
                                                 for item_id, status, report, incident, original in rows])
        return
    if name != "postgresql":
        raise NotImplementedError(f"finishing queue rows on {name}")
    if now.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    columns = list(zip(*rows))
    conn.exec_driver_sql(_FINISH["postgresql"], (now.astimezone(timezone.utc),
                                                  *map(_finished_array, columns, _FINISHED)))


def among(conn: Connection, column, values: Sequence[Any]):
    """``column IN values``: on PostgreSQL ``column IN (SELECT unnest(:array))`` — one SQL text whatever the
    number of values, so psycopg converts it once and the server prepares it once — on SQLite the values of one
    JSON array parameter (``IN (SELECT value FROM json_each(?))``: an index search per value, where an expanding
    list let stale statistics choose a scan of the whole table, see :mod:`marsad.store.lookups`; and a statement
    compiled once instead of a placeholder rendered per value), elsewhere an expanding ``IN`` list.

    Why not ``column = ANY(:array)``: psycopg prepares a statement on its 5th execution and the server then
    switches to a generic plan, made without the array. For ``= ANY($1)`` on a table without statistics (fresh
    tables; autovacuum off or not yet run) that plan was a sequential scan testing each row against the array
    element by element (only a constant array is hashed): 200-300 ms per 500-key band lookup once
    ``incident_band_keys`` held ~10k rows, 17 of the 25 s a PostgreSQL worker spent on 2,000 items
    (benchmarks/pipeline.py). ``IN (SELECT unnest(…))`` is a semi-join whose generic plan hashes the values or
    probes the index per value, so it stays cheap whatever the statistics."""
    if conn.dialect.name == "postgresql":
        text_form = _text_array(values, column.type)
        if text_form is not None:
            array = cast(bindparam(None, text_form, type_=Text), ARRAY(column.type))
        else:
            array = bindparam(None, list(values), type_=ARRAY(column.type))
        return column.in_(select(func.unnest(array)).scalar_subquery())
    if conn.dialect.name == "sqlite":  # one JSON parameter: an index search per value, whatever the statistics
        listed = func.json_each(bindparam(None, values_of(conn, values), type_=Text)).table_valued("value")
        return column.in_(select(listed.c.value))
    return column.in_(list(values))
