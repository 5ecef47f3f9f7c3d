"""PostgreSQL compresses the store's large values with LZ4 instead of pglz (no-op on SQLite).

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-24

Why: every pipeline item stores ~3.2 ``stix_objects`` rows (report, incident version, location, relationships),
and a row whose values pass PostgreSQL's ~2 kB TOAST threshold (an incident's or a report's JSON document with
its search text and search vector) is compressed on insert with the column's method, pglz by default, whose
compressor is slow (``pglz_compress`` was ~3% of the server's samples in a pipeline run). LZ4 compresses several
times faster for a slightly larger result. Measured on a store of 10,000 pipeline items plus 2,909 more through
``Pipeline.run_once`` (server backend CPU per statement, 3 alternating runs each): the ``COPY stix_objects`` of
the run 177 -> 157 us per item (median), ~2.5 % of the server's ~0.8 ms per item; the same rows ``COPY``-ed
alone into copies of the store, 57 -> 53 us per row.

Only the compression of values written from now on changes (``ALTER … SET COMPRESSION`` rewrites nothing, and
PostgreSQL reads values of both methods side by side): what is stored, read, searched or returned is the same.
Columns: the large JSON and text values written per item (``stix_objects`` object, search text and search
vector; a filed report's ``record``; a queued item's ``payload``; an alert's ``message``). A server without LZ4
(built without it, or older than 14) is left as it is. Downgrade returns the columns to the server's default.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

#: table → columns whose new values LZ4 compresses
COLUMNS = {
    "stix_objects": ("object", "search_text", "search_vector"),
    "incident_file_reports": ("record",),
    "pipeline_items": ("payload",),
    "alert_log": ("message",),
}
_HAS_LZ4 = sa.text("SELECT 'lz4' = ANY (enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")


def _set(method: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not bind.execute(_HAS_LZ4).scalar():
        return
    for table, columns in COLUMNS.items():
        changes = ", ".join(f'ALTER COLUMN "{column}" SET COMPRESSION {method}' for column in columns)
        op.execute(f'ALTER TABLE "{table}" {changes}')


def upgrade() -> None:
    _set("lz4")


def downgrade() -> None:
    _set("default")
