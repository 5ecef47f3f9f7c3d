"""Federation sync positions: one row per (remote, remote collection, local collection, direction).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

See :mod:`marsad.store.sync_state`: ``last_added`` keeps the exact timestamp string the remote sent.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("remote_url", sa.String(500), nullable=False),
        sa.Column("remote_collection", sa.String(300), nullable=False),
        sa.Column("local_collection", sa.String(36), nullable=False),
        sa.Column("direction", sa.String(4), nullable=False),
        sa.Column("last_added", sa.String(40), nullable=True, comment="exact timestamp string; None = from the start"),
        sa.Column("next_token", sa.Text(), nullable=True),
        sa.Column("resume_after", sa.String(40), nullable=True, comment="added_after of the run next_token continues"),
        sa.Column("objects_total", sa.Integer(), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("direction IN ('pull', 'push')", name=op.f("ck_sync_state_direction")),
        sa.PrimaryKeyConstraint("remote_url", "remote_collection", "local_collection", "direction",
                                name=op.f("pk_sync_state")),
    )


def downgrade() -> None:
    op.drop_table("sync_state")
