"""SQLite: new incident band keys go into a small ``incident_band_keys_recent`` tree first.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-24

Why: each filed report adds ~16 random signed 64-bit keys to ``incident_band_keys`` (a WITHOUT ROWID tree), ~8,000
per 500-item batch, nearly each on its own leaf page once the tree outgrows the page cache, so the pages written
per commit grew with the store (at 60k items the largest growth term of the SQLite writer). As
``pipeline_near_keys_recent`` (migration 0015) does for near-duplicate keys, new keys go to a tree small enough to
stay cached, and each batch moves one of 32 key ranges of it into the main table
(:func:`marsad.store.incident_reports.record_band_keys`); readers read both. Measured on a copy of a 60k-item
store, 2,000 more items through ``Pipeline.run_once``, old and new alternating, 3 pairs (CPU per item): commit
0.29-0.30 -> 0.17-0.18 ms, the batch's flush 0.18-0.23 -> 0.09-0.10 ms (with the recent tree as full as it stays
in a long run, 124,000 rows: commit 0.28-0.29 -> 0.19, flush 0.19-0.20 -> 0.11-0.12).

The table is created on both backends (the table definitions are one schema), but only SQLite writes it:
PostgreSQL keeps writing ``incident_band_keys`` (its B-tree inserts are cheap there). On SQLite a trigger deletes
a deleted report's recent keys, as ``incident_band_keys_cascade`` does for the main table. Downgrade moves the
recent rows into the main table and drops the table and its trigger.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

#: made here, not imported: a migration keeps the statement it ran whatever the module says later
CASCADE = """CREATE TRIGGER incident_band_keys_recent_cascade AFTER DELETE ON incident_file_reports
    BEGIN DELETE FROM incident_band_keys_recent WHERE report_id = old.report_id; END"""


def upgrade() -> None:
    op.create_table("incident_band_keys_recent",
                    sa.Column("band_key", sa.BigInteger(), autoincrement=False, nullable=False),
                    sa.Column("report_id", sa.String(300), nullable=False),
                    sa.PrimaryKeyConstraint("band_key", "report_id", name="pk_incident_band_keys_recent"),
                    sqlite_with_rowid=False,
                    comment="SQLite: band keys not yet moved to incident_band_keys")
    if op.get_bind().dialect.name == "sqlite":
        op.execute(CASCADE)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute(("INSERT OR IGNORE INTO" if sqlite else "INSERT INTO")
               + " incident_band_keys (band_key, report_id) SELECT band_key, report_id FROM incident_band_keys_recent"
               + ("" if sqlite else " ON CONFLICT DO NOTHING"))
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS incident_band_keys_recent_cascade")
    op.drop_table("incident_band_keys_recent")
