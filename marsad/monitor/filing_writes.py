"""Writing what a filed batch did — new incident rows, reports, band keys, index updates — by the driver, the
values already in database form.

Why a module of its own: :func:`marsad.monitor.filing_batch.file_reports` writes a batch's rows at its end (some
500 reports, 8,000 band keys, a few hundred new and changed incidents). Through SQLAlchemy's ``executemany``
every value of every row went through its per-row parameter processing (a fifth of file_reports' CPU: the
statement's ``_init_compiled``, the record's JSON serialisation). Here each column's own bind processor (what
SQLAlchemy would apply: SQLite's date and time text, PostgreSQL's ``Jsonb`` wrapper) runs once per value that
needs one, and the rows go to :func:`marsad.store.rows.driver_insert` (SQLite ``executemany``, PostgreSQL
``COPY``): the same values stored. A report's record is serialised once, by the filer
(:func:`record_text`), and written as that text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.engine import Dialect

from marsad.store.incident_reports import incident_file_reports, incident_files, record_band_keys
from marsad.store.json_codec import column_text_serialiser
from marsad.store.rows import driver_insert

__all__ = ["FILE_COLUMNS", "REPORT_COLUMNS", "INDEX_COLUMNS", "record_text", "write_batch"]

#: ``incident_files`` columns, in the order the new rows are written
FILE_COLUMNS = tuple(c.name for c in incident_files.c)
#: ``incident_file_reports`` columns, in the order a filed report's tuple gives them (``record`` as JSON text)
REPORT_COLUMNS = ("report_id", "incident_id", "item_key", "source", "url", "title", "lang", "published", "received",
                  "record", "signature")
assert set(REPORT_COLUMNS) == {c.name for c in incident_file_reports.c}
#: the candidate-index columns an incident's new version rewrites (``incident_id`` is the key)
INDEX_COLUMNS = ("modified", "occurred", "occurred_precision", "country", "admin1", "city", "latitude", "longitude",
                 "attack_types", "perpetrator", "killed", "wounded")


def record_text(conn: Connection) -> Callable[[Any], str]:
    """The JSON serialiser this connection's JSON columns use, as text
    (:func:`marsad.store.json_codec.column_text_serialiser`): a record written as its text is stored as
    SQLAlchemy would have stored the record, and the driver writes given here take text."""
    return column_text_serialiser(conn)


@functools.lru_cache(maxsize=32)
def _processors(dialect: Dialect, table: Table, columns: tuple[str, ...],
                raw: frozenset[str]) -> tuple[Callable | None, ...]:
    """Each column's bind processor on ``dialect`` (None where the value goes as it is, or is given ``raw``)."""
    return tuple(None if name in raw else table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                 for name in columns)


def _in_db_form(conn: Connection, table: Table, columns: tuple[str, ...], rows: Sequence[Sequence[Any]],
                raw: frozenset[str] = frozenset()) -> list[tuple]:
    processors = _processors(conn.dialect, table, columns, raw)
    pairs = [(i, p) for i, p in enumerate(processors) if p is not None]
    out = []
    for row in rows:
        values = list(row)
        for i, process in pairs:  # None too, as SQLAlchemy does (a JSON column would store null)
            values[i] = process(values[i])
        out.append(tuple(values))
    return out


def _update_sql(conn: Connection) -> str:
    mark = "%s" if conn.dialect.name == "postgresql" else "?"
    return (f"UPDATE incident_files SET {', '.join(f'{name} = {mark}' for name in INDEX_COLUMNS)} "
            f"WHERE incident_id = {mark}")


def write_batch(conn: Connection, new: Sequence[Mapping[str, Any]], reports: Sequence[tuple],
                bands: Sequence[tuple[int, str]], changed: Sequence[Mapping[str, Any]]) -> None:
    """Insert the ``new`` incident rows (column → value), the ``reports`` (tuples in :data:`REPORT_COLUMNS`
    order, the record as :func:`record_text`), the ``bands`` (band key, report id:
    :func:`~marsad.store.incident_reports.record_band_keys`), then rewrite the index
    columns of the ``changed`` rows (column → value, ``incident_id`` included)."""
    if new:
        rows = [tuple(row[name] for name in FILE_COLUMNS) for row in new]
        driver_insert(conn, "incident_files", FILE_COLUMNS, _in_db_form(conn, incident_files, FILE_COLUMNS, rows))
    if reports:
        driver_insert(conn, "incident_file_reports", REPORT_COLUMNS, _in_db_form(
            conn, incident_file_reports, REPORT_COLUMNS, reports, frozenset({"record"})))
    record_band_keys(conn, list(bands))  # SQLite: into the recent tree, then one key range moved (even if none)
    if changed:
        names = (*INDEX_COLUMNS, "incident_id")
        rows = [tuple(row[name] for name in names) for row in changed]
        conn.exec_driver_sql(_update_sql(conn), _in_db_form(conn, incident_files, names, rows))
