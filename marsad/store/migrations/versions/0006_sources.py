"""Monitoring sources and the items seen from them: ``sources`` and ``source_seen``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

See :mod:`marsad.store.sources`.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", BIGINT, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("location", sa.Text(), nullable=False, comment="feed or page URL, or an absolute folder path"),
        sa.Column("interval_seconds", sa.Integer(), nullable=False),
        sa.Column("allow_private", sa.Boolean(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True, comment="Last-Modified header exactly as sent"),
        sa.Column("last_success", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("items_seen", sa.Integer(), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("next_poll_at", sa.DateTime(timezone=True), nullable=True, comment="None = due now"),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('feed', 'page', 'folder')", name=op.f("ck_sources_kind")),
        sa.CheckConstraint("interval_seconds > 0", name=op.f("ck_sources_interval_seconds")),
        sa.PrimaryKeyConstraint("id", name="pk_sources"),
        sa.UniqueConstraint("name", name="uq_sources_name"),
    )
    op.create_index("ix_sources_enabled_next_poll_at", "sources", ["enabled", "next_poll_at"])
    op.create_table(
        "source_seen",
        sa.Column("source_id", BIGINT, autoincrement=False, nullable=False),
        sa.Column("item_key", sa.String(1000), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source_id", "item_key", name="pk_source_seen"),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE",
                                name="fk_source_seen_source_id_sources"),
    )
    op.create_index("ix_source_seen_source_id_content_hash", "source_seen", ["source_id", "content_hash"])


def downgrade() -> None:
    op.drop_table("source_seen")
    op.drop_table("sources")
