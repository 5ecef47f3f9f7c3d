"""TAXII 2.1 status resources: the per-object outcome of each Add Objects request.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSONTYPE = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "taxii_status",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("collection_id", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("total_count", sa.Integer(), nullable=False),
        sa.Column("success_count", sa.Integer(), nullable=False),
        sa.Column("failure_count", sa.Integer(), nullable=False),
        sa.Column("pending_count", sa.Integer(), nullable=False),
        sa.Column("successes", JSONTYPE, nullable=False),
        sa.Column("failures", JSONTYPE, nullable=False),
        sa.Column("pendings", JSONTYPE, nullable=False),
        sa.Column("request_timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_taxii_status"),
    )
    op.create_index("ix_taxii_status_created", "taxii_status", ["created"])


def downgrade() -> None:
    op.drop_index("ix_taxii_status_created", table_name="taxii_status")
    op.drop_table("taxii_status")
