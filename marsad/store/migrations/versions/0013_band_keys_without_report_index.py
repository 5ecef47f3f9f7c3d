"""Band keys without the index on their report: one index fewer to keep per band key row.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24

``incident_band_keys`` (see :mod:`marsad.store.incident_reports`) gets ~16 rows per filed report. They are read
only by ``band_key`` (the primary key's first column): the index on ``report_id`` served no lookup, only the
foreign key's cascade when a report row is deleted — which nothing does (a split moves reports, a merge marks
incidents). Its upkeep was one more random-key insert per row, a page of the write-ahead log each once the
table outgrows the page cache: ~0.2 ms of a pipeline worker's CPU per item at 18,000 items (SQLite).
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_incident_band_keys_report_id", table_name="incident_band_keys")


def downgrade() -> None:
    op.create_index("ix_incident_band_keys_report_id", "incident_band_keys", ["report_id"])
