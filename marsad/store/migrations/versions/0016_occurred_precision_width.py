"""``incident_files.occurred_precision`` holds "published" (9 characters): widened from 8 to 16 on PostgreSQL.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-24

An incident none of whose reports gives a date is indexed at its first report's publication date with the
precision "published" (:func:`marsad.monitor.incident_files.index_values`). PostgreSQL enforced the column's
``VARCHAR(8)`` and refused the row, so such a report failed to file (its item ended ``failed``); SQLite does not
enforce declared lengths, so nothing changes there (a table rebuild for a declared length would only cost).
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("incident_files", "occurred_precision", type_=sa.String(16), existing_type=sa.String(8),
                        existing_nullable=True)


def downgrade() -> None:
    """Back to 8 characters: rows with "published" are cut to "publishe" (the old column could not hold them)."""
    if op.get_bind().dialect.name == "postgresql":
        op.get_bind().exec_driver_sql("UPDATE incident_files SET occurred_precision = left(occurred_precision, 8) "
                                      "WHERE length(occurred_precision) > 8")
        op.alter_column("incident_files", "occurred_precision", type_=sa.String(8), existing_type=sa.String(16),
                        existing_nullable=True)
