"""Alert redelivery: when each pending webhook or e-mail alert is next due.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23

``alert_log.next_attempt_at`` (see :mod:`marsad.store.alerts` and :mod:`marsad.monitor.delivery`): a pending
external alert is due when it is NULL or past; a worker that takes an alert sets it to the end of its delivery
lease, and after a failed try to the backoff's next time. The index ``(status, next_attempt_at)`` finds the due
ones without reading the delivered log. Rows recorded before this revision are NULL: due at once.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("alert_log", sa.Column(
        "next_attempt_at", sa.DateTime(timezone=True), nullable=True,
        comment="a pending external alert is due when NULL or past (delivery lease, then backoff)"))
    op.create_index("ix_alert_log_due", "alert_log", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_alert_log_due", table_name="alert_log")
    with op.batch_alter_table("alert_log") as batch:
        batch.drop_column("next_attempt_at")
