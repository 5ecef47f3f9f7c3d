"""Alert subscriptions and the alert log.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23

Tables of :mod:`marsad.store.alerts`. The unique constraint on the log deduplicates alerts across workers.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

JSONTYPE = sa.JSON().with_variant(JSONB(), "postgresql")
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "alert_subscriptions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("filters", JSONTYPE, nullable=False),
        sa.Column("inapp", sa.Boolean(), nullable=False),
        sa.Column("webhook_url", sa.String(2000), nullable=True),
        sa.Column("webhook_secret", sa.String(200), nullable=True),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alert_subscriptions"),
        sa.UniqueConstraint("user_id", "name", name="uq_alert_subscriptions_user_id_name"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name="fk_alert_subscriptions_user_id_users"),
        sa.CheckConstraint("language IN ('ar', 'en', 'fr')", name="ck_alert_subscriptions_language"),
    )
    op.create_index("ix_alert_subscriptions_user_id", "alert_subscriptions", ["user_id"])
    op.create_table(
        "alert_log",
        sa.Column("id", SEQ, autoincrement=True, nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.String(300), nullable=False),
        sa.Column("reason", sa.String(8), nullable=False),
        sa.Column("killed", sa.Integer(), nullable=True),
        sa.Column("wounded", sa.Integer(), nullable=True),
        sa.Column("toll", sa.Integer(), nullable=False, comment="killed + wounded at alert time (unknown counts as 0)"),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(500), nullable=True),
        sa.Column("message", JSONTYPE, nullable=False),
        sa.Column("created", _when(), nullable=False),
        sa.Column("delivered_at", _when(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_alert_log"),
        sa.UniqueConstraint("subscription_id", "incident_id", "channel", "toll",
                            name="uq_alert_log_subscription_id_incident_id_channel_toll"),
        sa.ForeignKeyConstraint(["subscription_id"], ["alert_subscriptions.id"], ondelete="CASCADE",
                                name="fk_alert_log_subscription_id_alert_subscriptions"),
        sa.CheckConstraint("channel IN ('inapp', 'webhook', 'email')", name="ck_alert_log_channel"),
        sa.CheckConstraint("status IN ('pending', 'delivered', 'failed')", name="ck_alert_log_status"),
        sa.CheckConstraint("reason IN ('new', 'toll')", name="ck_alert_log_reason"),
    )
    op.create_index("ix_alert_log_incident_id", "alert_log", ["incident_id"])
    op.create_index("ix_alert_log_created", "alert_log", ["created"])


def downgrade() -> None:
    op.drop_table("alert_log")
    op.drop_table("alert_subscriptions")
