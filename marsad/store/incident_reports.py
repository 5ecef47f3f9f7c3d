"""Tables of merged incidents: which reports fed each incident, the index candidates are found by, analyst edits.

Why in the store: merging a report must find the incidents it could belong to with an indexed lookup (never a
scan of every incident), and an incident's next version is composed from *all* its reports and edits, so those
must be kept as rows, not only inside the last STIX version. The rules (what matches, how fields are
composed) live in :mod:`marsad.monitor.merging` and :mod:`marsad.monitor.incident_files`.

- ``incident_files``: one row per merged incident — its marking (``marking_key`` = hash of TLP, release list
  and originator: reports merge only within one marking), the fields candidates are looked up and scored by
  (occurred day, country, admin1, city, coordinates, attack types, perpetrator), the last version's
  ``modified`` (each new version must be later), its state (``open``, or ``merged`` into another incident).
- ``incident_file_reports``: provenance — one row per report: the incident it feeds, when it was received,
  its source, URL, title, language, published time, the extracted fields (``record``) and its MinHash
  ``signature``. A report feeds exactly one incident (split moves it).
- ``incident_band_keys``: LSH band keys of each report's text, for finding an incident by text alone when a
  report names no date or place. Read by band key only (no index on ``report_id``: one fewer random-key insert
  per row, ~16 rows per report). Since migration 0015 a key is a signed 64-bit integer
  (:func:`marsad.monitor.similarity.lsh_key`) and the table is its primary key alone (SQLite ``WITHOUT
  ROWID``: one B-tree instead of a table and its key index), without a foreign key: its check was a lookup of
  the report per band row, for rows the same code inserts just after their report in the same transaction. A
  trigger (:data:`BAND_KEYS_CASCADE`) keeps what ``ON DELETE CASCADE`` did when a report row is deleted
  (nothing in Marsad deletes one; deleting an ``incident_files`` row cascades to its reports, then to their
  keys).
- ``incident_band_keys_recent`` (SQLite, migration 0018): new band keys go here first (:func:`record_band_keys`),
  as near-duplicate keys go to ``pipeline_near_keys_recent`` (:mod:`marsad.store.pipeline_items`): each report
  adds ~16 random keys, nearly each on its own leaf page of the main tree once it outgrows the page cache, so the
  pages a commit writes grew with the store. Each batch moves one of :data:`~marsad.store.pipeline_items.NEAR_KEY_PARTS`
  key ranges of the small tree into the main one; readers read both (:func:`band_rows_sql`). PostgreSQL writes the
  main table directly (its B-tree inserts are cheap there; the recent table stays empty). A trigger
  (``incident_band_keys_recent_cascade``, migration 0018) deletes a deleted report's keys there too. Measured on a
  copy of a 60k-item store, 2,000 more items through ``Pipeline.run_once``, old and new alternating, 3 pairs (CPU
  per item): commit 0.29-0.30 -> 0.17-0.18 ms, the batch's flush 0.18-0.23 -> 0.09-0.10 ms; with the recent tree
  as full as it stays in a long run (124,000 rows), 2 more pairs: commit 0.28-0.29 -> 0.19, flush 0.19-0.20 ->
  0.11-0.12, the whole filing (``Pipeline._file``) 2.06-2.19 -> 1.90 ms.
- ``incident_edits``: what analysts changed — who, when, which field, old and new value, a note. The latest
  edit of a field wins over every machine value, now and in later versions.
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Connection,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)

from marsad.store.base import BigIntPK, JSONType, UTCDateTime, metadata
from marsad.store.lookups import in_sql
from marsad.store.pipeline_items import key_rotation, key_tables, move_key_range
from marsad.store.rows import driver_insert

__all__ = ["incident_files", "incident_file_reports", "incident_band_keys", "incident_band_keys_recent",
           "incident_edits", "FILE_STATES", "INCIDENT_REPORT_TABLES", "BAND_KEYS_CASCADE", "record_band_keys",
           "band_rows_sql"]

#: an incident is open (reports may merge into it) or merged into another (absorbed by an analyst)
FILE_STATES = ("open", "merged")
_ID = 300

incident_files = Table(
    "incident_files",
    metadata,
    Column("incident_id", String(_ID), primary_key=True),
    Column("marking_key", String(64), nullable=False, comment="hash of tlp, release list and originator"),
    Column("tlp", String(16), nullable=False),
    Column("release_to", JSONType, nullable=False),
    Column("created_by_ref", String(_ID), nullable=True),
    Column("marking_refs", JSONType, nullable=False),
    Column("state", String(8), nullable=False),
    Column("merged_into", String(_ID), nullable=True),
    Column("occurred", Date, nullable=True),
    Column("occurred_precision", String(16), nullable=True),  # "published" and the GTD precisions (0016)
    Column("country", String(2), nullable=True),
    Column("admin1", String(200), nullable=True),
    Column("city", String(200), nullable=True),
    Column("latitude", Float, nullable=True),
    Column("longitude", Float, nullable=True),
    Column("attack_types", JSONType, nullable=False),
    Column("perpetrator", String(300), nullable=True),
    Column("killed", Integer, nullable=True),
    Column("wounded", Integer, nullable=True),
    Column("created", UTCDateTime, nullable=False),
    Column("modified", UTCDateTime, nullable=False, comment="the last version's modified"),
    CheckConstraint("state IN ('open', 'merged')", name="state"),
)
Index("ix_incident_files_marking_key_occurred", incident_files.c.marking_key, incident_files.c.occurred)
Index("ix_incident_files_marking_key_country_occurred", incident_files.c.marking_key, incident_files.c.country,
      incident_files.c.occurred)

incident_file_reports = Table(
    "incident_file_reports",
    metadata,
    Column("report_id", String(_ID), primary_key=True),
    Column("incident_id", String(_ID), ForeignKey("incident_files.incident_id", ondelete="CASCADE"), nullable=False),
    Column("item_key", String(2000), nullable=False),
    Column("source", String(300), nullable=True),
    Column("url", String(2000), nullable=True),
    Column("title", String(1000), nullable=False),
    Column("lang", String(8), nullable=True),
    Column("published", UTCDateTime, nullable=True),
    Column("received", UTCDateTime, nullable=False),
    Column("record", JSONType, nullable=False),
    Column("signature", LargeBinary, nullable=True),
)
Index("ix_incident_file_reports_incident_id", incident_file_reports.c.incident_id)

incident_band_keys, incident_band_keys_recent = key_tables(
    "incident_band_keys", "report_id", String(_ID), "SQLite: band keys not yet moved to incident_band_keys")
# no index on report_id: band keys are read by band_key only, and report rows are never deleted (migration 0013)

#: per backend, the statements (made by migration 0015) that delete a deleted report's band keys, as the foreign
#: key's ``ON DELETE CASCADE`` did: a row trigger on SQLite, a statement trigger over the deleted rows on PostgreSQL
BAND_KEYS_CASCADE = {
    "sqlite": ("""CREATE TRIGGER incident_band_keys_cascade AFTER DELETE ON incident_file_reports BEGIN
        DELETE FROM incident_band_keys WHERE report_id = old.report_id; END""",),
    "postgresql": ("""CREATE FUNCTION incident_band_keys_cascade() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN DELETE FROM incident_band_keys AS b USING removed_reports AS r WHERE b.report_id = r.report_id;
        RETURN NULL; END $$""",
                   """CREATE TRIGGER incident_band_keys_cascade AFTER DELETE ON incident_file_reports
        REFERENCING OLD TABLE AS removed_reports FOR EACH STATEMENT EXECUTE FUNCTION incident_band_keys_cascade()"""),
}

incident_edits = Table(
    "incident_edits",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("incident_id", String(_ID), ForeignKey("incident_files.incident_id", ondelete="CASCADE"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("field", String(64), nullable=False),
    Column("old", JSONType, nullable=True),
    Column("new", JSONType, nullable=True),
    Column("note", Text, nullable=True),
)
Index("ix_incident_edits_incident_id", incident_edits.c.incident_id)

#: the tables of this module, in creation order
INCIDENT_REPORT_TABLES = (incident_files, incident_file_reports, incident_band_keys, incident_band_keys_recent,
                          incident_edits)

_BAND_COLUMNS = ("band_key", "report_id")
#: this process's rotation over the key ranges of ``incident_band_keys_recent`` (its own: see :func:`key_rotation`)
_parts = key_rotation()


def record_band_keys(conn: Connection, rows: list[tuple[int, str]], *, part: int | None = None) -> None:
    """Store ``(band_key, report_id)`` rows in the caller's transaction: on SQLite into the recent tree, then move
    key range ``part`` (default: the next of this process's rotation) of it into the main table; elsewhere into
    the main table (:func:`~marsad.store.rows.driver_insert`: one executemany, PostgreSQL ``COPY``)."""
    if conn.dialect.name != "sqlite":
        if rows:
            driver_insert(conn, "incident_band_keys", _BAND_COLUMNS, rows)
        return
    if rows:
        driver_insert(conn, "incident_band_keys_recent", _BAND_COLUMNS, rows)
    move_key_range(conn, "incident_band_keys", "report_id", next(_parts) if part is None else part)


def band_rows_sql(dialect: str) -> str:
    """SQL text of the stored ``(band_key, report_id)`` rows whose key is among one parameter's values
    (:func:`marsad.store.lookups.values_of`; on SQLite the parameter is given twice: both trees are read)."""
    where = in_sql(dialect, "band_key", integers=True)
    if dialect != "sqlite":
        return f"SELECT band_key, report_id FROM incident_band_keys WHERE {where}"
    return " UNION ALL ".join(f"SELECT band_key, report_id FROM {table} WHERE {where}"
                              for table in ("incident_band_keys", "incident_band_keys_recent"))
