"""Web: saved searches of the search page.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23

Table of :mod:`marsad.store.saved_searches`. (Sign-in throttling is kept in memory by the web app, see
``marsad/web/web_auth.py``: no table.)
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("query", sa.String(2000), nullable=False,
                  comment="the search page's URL query string (text and facets)"),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_saved_searches"),
        sa.UniqueConstraint("user_id", "name", name="uq_saved_searches_user_id_name"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name="fk_saved_searches_user_id_users"),
    )
    op.create_index("ix_saved_searches_user_id", "saved_searches", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_saved_searches_user_id", table_name="saved_searches")
    op.drop_table("saved_searches")
