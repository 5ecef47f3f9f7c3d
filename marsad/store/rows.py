"""Turning one validated STIX object (a dict) into the column values of its ``stix_objects`` row, and rows
already in database form into the database.

Why its own module: the version key, content hash, markings and search text must be computed the same way
for every write path (TAXII add, monitor, import), and be testable without a database. The store's bulk
writers (objects, memberships, the incident projection) share :func:`driver_insert` and :func:`sqlite_time`:
a row in database form goes in without SQLAlchemy's per-value type processing; and :func:`in_list`, the
``IN`` clause of their lookups, built once. The canonical text hashed and stored, :func:`canonical_json`, is
:mod:`marsad.store.json_codec`'s (orjson where provably the standard library's text).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from itertools import chain
from typing import Any

from sqlalchemy import ARRAY, BigInteger, Connection, String, Text, bindparam, cast, func, select
from sqlalchemy.exc import DBAPIError

from marsad.errors import InvalidSTIX
from marsad.model.markings import read_markings
from marsad.store.base import array_quoted
from marsad.store.json_codec import canonical_json
from marsad.store.search import search_text_of
from marsad.store.timestamps import EPOCH, parse_timestamp

__all__ = [
    "canonical_json", "content_hash", "version_key", "ObjectRow", "build_row", "MarkingReader", "default_marking_reader",
    "driver_insert", "sqlite_time", "in_list", "listed",
]

#: (object, marking-definitions by id) -> (tlp, release_to)
MarkingReader = Callable[[Mapping[str, Any], Mapping[str, Mapping]], tuple[str | None, list[str] | None]]


def content_hash(obj: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of ``obj``."""
    return hashlib.sha256(canonical_json(obj).encode("utf-8")).hexdigest()


#: parsed timestamps by string (a bundle's objects often share ``created``, and ``created`` == ``modified``)
_parse_text = lru_cache(maxsize=8192)(parse_timestamp)


def _timestamp(obj: Mapping[str, Any], key: str) -> datetime | None:
    value = obj.get(key)
    if value is None:
        return None
    try:
        return _parse_text(value) if isinstance(value, str) else parse_timestamp(value)
    except ValueError as exc:
        raise InvalidSTIX(f"{obj.get('id', 'object')}: {key} {exc}") from None


def version_key(obj: Mapping[str, Any]) -> datetime:
    """The version of an object: ``modified``, else ``created``, else the epoch (objects without versions)."""
    return _timestamp(obj, "modified") or _timestamp(obj, "created") or EPOCH


def default_marking_reader(obj: Mapping[str, Any], definitions: Mapping[str, Mapping]):
    """TLP level and release list by :func:`marsad.model.markings.read_markings` (strictest TLP, intersection
    of release lists); :class:`~marsad.errors.UnknownMarking` for a marking neither TLP nor resolvable."""
    markings = read_markings(dict(obj), definitions.get)
    return markings.tlp, markings.release_to


@dataclass
class ObjectRow:
    """Column values for one version, plus what is needed to place it (``key`` = (stix_id, modified))."""

    values: dict[str, Any]
    key: tuple[str, datetime]
    release_to: list[str] | None = field(default=None)
    #: the TLP level stored for the version (set with ``release_to`` when its markings are read)
    tlp: str | None = field(default=None)
    #: the canonical JSON of the object (what ``content_hash`` hashes), stored as is on SQLite
    json: str = field(default="", repr=False)


def build_row(obj: Mapping[str, Any], *, search: bool = True) -> ObjectRow:
    """Row values of ``obj`` without markings (they need the bundle's marking-definitions: see ``writes``).

    ``search=False`` leaves ``search_text`` out of the values, for a caller that first finds which rows it will
    insert (:func:`search_text_of` is then run for those only: a version posted again needs only its key and hash,
    and it was a third of a pipeline batch's objects, a relationship or location re-sent with its incident)."""
    stix_id, stix_type = obj.get("id"), obj.get("type")
    if not isinstance(stix_id, str) or not isinstance(stix_type, str) or "--" not in stix_id:
        raise InvalidSTIX(f"object without a valid id and type: {str(stix_id)[:80]!r}")
    modified = version_key(obj)
    refs = obj.get("object_marking_refs") or []
    text = canonical_json(obj)
    values = {
        "stix_id": stix_id,
        "type": stix_type,
        "spec_version": str(obj.get("spec_version") or "2.1"),
        "created": _timestamp(obj, "created"),
        "modified": modified,
        "created_by_ref": obj.get("created_by_ref"),
        "marking_refs": list(refs),
        "revoked": bool(obj.get("revoked", False)),
        "content_hash": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "object": dict(obj),
    }
    if search:
        values["search_text"] = search_text_of(obj)
    return ObjectRow(values=values, key=(stix_id, modified), json=text)


def sqlite_time(value: datetime | None) -> str | None:
    """The text SQLAlchemy stores on SQLite for a :class:`~marsad.store.base.UTCDateTime` value (naive refused)."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(" ", "microseconds")


def driver_insert(conn: Connection, table: str, columns: Sequence[str], rows: list[tuple], *,
                  multirow: bool = False) -> None:
    """Rows already in database form, without per-value type processing: one executemany on SQLite (with
    ``multirow``, a few multi-row INSERTs: :func:`_sqlite_insert`), one ``COPY … FROM STDIN`` on PostgreSQL (a
    pipelined executemany still runs the INSERT once per row). No rows: nothing is run (an executemany of none
    was refused by SQLite's driver)."""
    if not rows:
        return
    names = ", ".join(f'"{name}"' for name in columns)
    if conn.dialect.name != "postgresql":
        if multirow:
            _sqlite_insert(conn, f'INSERT INTO "{table}" ({names}) VALUES ', len(columns), rows)
        else:
            conn.exec_driver_sql(f'INSERT INTO "{table}" ({names}) VALUES ({", ".join(["?"] * len(columns))})', rows)
        return
    statement = f'COPY "{table}" ({names}) FROM STDIN'
    try:
        with conn.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except conn.dialect.loaded_dbapi.Error as exc:  # as SQLAlchemy would raise it: the store's callers expect that
        raise DBAPIError.instance(statement, None, exc, conn.dialect.loaded_dbapi.Error) from exc


#: SQLite: rows per multi-row INSERT, largest first (fewer for wide rows: see :func:`_sqlite_insert`)
_ROWS_PER_INSERT = (256, 64, 16, 4)
#: SQLite: most values bound to one INSERT (well below SQLITE_MAX_VARIABLE_NUMBER, 32,766 since 3.32)
_VALUES_PER_INSERT = 4096


def _sqlite_insert(conn: Connection, head: str, width: int, rows: list[tuple]) -> None:
    """``rows`` inserted in order by INSERTs of 256, 64, 16 or 4 rows each (``VALUES (…), (…), …``), the last
    few rows by an executemany: the same rows, values bound the same way, triggers fired per row as before.

    Why: an executemany runs the one-row statement once per row, with its per-statement work (reset, the
    AUTOINCREMENT counter read and written back, the row trigger's set-up). For the tables with an AUTOINCREMENT
    key and a row trigger that cost more than a narrow row's insert. Replaying a pipeline's puts (4,000 items, a
    30,000-item store's copy), per item: ``collection_objects`` 27-33 → 18-23 µs (1,600 rows alone: 12.6 → 8.2
    µs per row), ``stix_objects`` 50.7 → 44.8 (median of 7). Not a rule for every table, so callers opt in:
    ``incident_facts`` rows (21 values, no trigger) went in slower (14 → 17.5 µs per row). A few fixed sizes keep
    the statement texts few (the driver caches them compiled)."""
    rows = rows if isinstance(rows, list) else list(rows)
    one = "(" + ", ".join(["?"] * width) + ")"
    done = 0
    for size in _ROWS_PER_INSERT:
        if size * width > _VALUES_PER_INSERT or len(rows) - done < size:
            continue
        statement = head + ", ".join([one] * size)
        while len(rows) - done >= size:
            conn.exec_driver_sql(statement, tuple(chain.from_iterable(rows[done:done + size])))
            done += size
    if done < len(rows):
        conn.exec_driver_sql(head + one, rows[done:] if done else rows)


def in_list(column, name: str) -> dict:
    """``column IN :name`` by dialect, for statements built once (pass :func:`listed` values as ``name``): an
    expanding list on SQLite; on PostgreSQL ``IN (SELECT unnest(CAST(:name AS text[] | bigint[])))``, one SQL
    text whatever the count (psycopg prepares it, the server plans it once), whose generic plan stays an index
    probe per value (see :func:`marsad.store.pipeline_items.among` for why not ``= ANY(:array)``). The cast is
    to an unbounded type: a ``varchar(n)`` cast would cut a longer value, which could then match."""
    element = Text() if isinstance(column.type, String) else BigInteger()
    array = cast(bindparam(name, type_=Text), ARRAY(element))
    return {"postgresql": column.in_(select(func.unnest(array)).scalar_subquery()),
            "sqlite": column.in_(bindparam(name, expanding=True))}


def listed(conn: Connection, values) -> list | str:
    """The parameter of an :func:`in_list` clause: the values as a list on SQLite; on PostgreSQL the text form
    of an array (integers as they are, anything else quoted, backslash and double quote escaped: what the array
    input syntax reads back as the same text). Why: psycopg dumps a list element by element, for strings with a
    regular expression each to decide their quoting (~2 µs per element; a batch's lookups send over a thousand);
    the quoting is :func:`marsad.store.base.array_quoted`, shared with ``pipeline_items``' arrays."""
    values = list(values)
    if conn.dialect.name != "postgresql":
        return values
    if all(type(value) is int for value in values):
        return "{" + ",".join(map(str, values)) + "}"
    return "{" + ",".join(array_quoted(str(value)) for value in values) + "}"
