"""The monitoring pipeline's queue and near-duplicate keys.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23

Tables of :mod:`marsad.store.pipeline_items`. ``(status, id)`` is the claiming index.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

JSONTYPE = sa.JSON().with_variant(JSONB(), "postgresql")
BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "pipeline_items",
        sa.Column("id", BIGINT, autoincrement=True, nullable=False),
        sa.Column("source_id", BIGINT, nullable=True, comment="the source that delivered it (None: a submission)"),
        sa.Column("item_key", sa.String(1000), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("payload", JSONTYPE, nullable=False, comment="the SourceItem, metadata included"),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(200), nullable=True),
        sa.Column("lease_until", _when(), nullable=True),
        sa.Column("error", sa.String(500), nullable=True),
        sa.Column("arrived_at", _when(), nullable=False),
        sa.Column("processed_at", _when(), nullable=True, comment="when its report and alerts were recorded"),
        sa.Column("report_id", sa.String(300), nullable=True),
        sa.Column("incident_id", sa.String(300), nullable=True),
        sa.Column("duplicate_of", BIGINT, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_pipeline_items"),
        sa.CheckConstraint("status IN ('pending', 'done', 'duplicate', 'failed')", name="ck_pipeline_items_status"),
    )
    op.create_index("ix_pipeline_items_status_id", "pipeline_items", ["status", "id"])
    op.create_table(
        "pipeline_near_keys",
        sa.Column("band_key", sa.String(64), nullable=False),
        sa.Column("item_id", BIGINT, autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("band_key", "item_id", name="pk_pipeline_near_keys"),
    )


def downgrade() -> None:
    op.drop_table("pipeline_near_keys")
    op.drop_table("pipeline_items")
