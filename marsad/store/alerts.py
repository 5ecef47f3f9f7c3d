"""Tables of alert subscriptions and of the alerts sent for them.

Why in the store: a subscription belongs to a user (deleted with them), and the alert log is what makes alerting
idempotent across processes. Two workers handling reports of the same incident at once must not both alert:
the unique constraint ``(subscription_id, incident_id, channel, toll)`` lets exactly one of them insert the row
for a given toll, whatever the Python code upstream decided. The rules (what matches, when to re-alert) live in
:mod:`marsad.monitor.alerts`; this module only declares the tables.

- ``alert_subscriptions``: a user's named filter (JSON, validated by :mod:`marsad.monitor.subscriptions`), the
  channels to use (in-app, a webhook URL and its signing secret, an e-mail address), the language of the
  messages, whether it is active.
- ``alert_log``: one row per alert per channel: the incident, why (``new`` or ``toll`` rise), the toll at alert
  time (killed, wounded, their sum ``toll``), the rendered message, the delivery status, attempts (tries made),
  the last error, and ``next_attempt_at``: when a pending webhook or e-mail alert is next due (NULL: now). Any
  worker redelivers due alerts (:func:`marsad.monitor.delivery.redeliver_due`); taking one moves it to the end
  of a delivery lease, so two workers never send it at once (index ``(status, next_attempt_at)``).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from marsad.store.accounts import users as _users  # noqa: F401  (users.id must be on the metadata)
from marsad.store.base import BigIntPK, JSONType, UTCDateTime, metadata

__all__ = ["CHANNELS", "STATUSES", "REASONS", "alert_subscriptions", "alert_log", "ALERT_TABLES"]

#: delivery channels of an alert
CHANNELS = ("inapp", "webhook", "email")
#: delivery states: pending (not yet tried), delivered, failed (retries exhausted or refused)
STATUSES = ("pending", "delivered", "failed")
#: why an alert was sent: the incident matched for the first time, or its toll rose since the last alert
REASONS = ("new", "toll")


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


alert_subscriptions = Table(
    "alert_subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("filters", JSONType, nullable=False),
    Column("inapp", Boolean, nullable=False),
    Column("webhook_url", String(2000), nullable=True),
    Column("webhook_secret", String(200), nullable=True),
    Column("email", String(320), nullable=True),
    Column("language", String(2), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created", UTCDateTime, nullable=False),
    UniqueConstraint("user_id", "name"),
    CheckConstraint("language IN ('ar', 'en', 'fr')", name="language"),
)

alert_log = Table(
    "alert_log",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("subscription_id", Integer, ForeignKey("alert_subscriptions.id", ondelete="CASCADE"), nullable=False),
    Column("incident_id", String(300), nullable=False),
    Column("reason", String(8), nullable=False),
    Column("killed", Integer, nullable=True),
    Column("wounded", Integer, nullable=True),
    Column("toll", Integer, nullable=False, comment="killed + wounded at alert time (unknown counts as 0)"),
    Column("channel", String(8), nullable=False),
    Column("status", String(10), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("error", String(500), nullable=True),
    Column("message", JSONType, nullable=False),
    Column("created", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime, nullable=True),
    Column("next_attempt_at", UTCDateTime, nullable=True,
           comment="a pending external alert is due when NULL or past (delivery lease, then backoff)"),
    UniqueConstraint("subscription_id", "incident_id", "channel", "toll"),
    CheckConstraint(f"channel IN ({_in(CHANNELS)})", name="channel"),
    CheckConstraint(f"status IN ({_in(STATUSES)})", name="status"),
    CheckConstraint(f"reason IN ({_in(REASONS)})", name="reason"),
)
Index("ix_alert_subscriptions_user_id", alert_subscriptions.c.user_id)
Index("ix_alert_log_incident_id", alert_log.c.incident_id)
Index("ix_alert_log_created", alert_log.c.created)
Index("ix_alert_log_due", alert_log.c.status, alert_log.c.next_attempt_at)

#: the tables of this module, in creation order
ALERT_TABLES = (alert_subscriptions, alert_log)
