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

The pipeline's two statements on the log per batch go through the driver (:func:`previous_alerts`,
:func:`insert_log_rows`): rows already in database form, one SQL text per backend, no SQLAlchemy parameter
processing per row (a batch records hundreds of rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    select,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from marsad.store.accounts import users as _users  # noqa: F401  (users.id must be on the metadata)
from marsad.store.base import BigIntPK, JSONType, UTCDateTime, array_quoted, metadata
from marsad.store.json_codec import column_text_serialiser
from marsad.store.lookups import values_of
from marsad.store.rows import sqlite_time

__all__ = ["CHANNELS", "STATUSES", "REASONS", "alert_subscriptions", "alert_log", "ALERT_TABLES", "LOG_COLUMNS",
           "previous_alerts", "insert_log_rows"]

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


#: the columns :func:`insert_log_rows` is given, in this order (``next_attempt_at`` stays NULL: due at once)
LOG_COLUMNS = ("subscription_id", "incident_id", "reason", "killed", "wounded", "toll", "channel", "status", "attempts",
               "error", "message", "created", "delivered_at")
_RETURNED = "RETURNING id, subscription_id, incident_id, channel"
#: PostgreSQL: one array per column (their text forms), unnested into rows; one SQL text whatever the rows
_PG_TYPES = ("integer", "varchar", "varchar", "integer", "integer", "integer", "varchar", "varchar", "integer",
             "varchar", "jsonb", "timestamptz", "timestamptz")
_PG_INSERT = (f"INSERT INTO alert_log ({', '.join(LOG_COLUMNS)}) SELECT * FROM unnest("
              + ", ".join(f"CAST(%s AS {kind}[])" for kind in _PG_TYPES) + f") ON CONFLICT DO NOTHING {_RETURNED}")
_SQLITE_INSERT = (f"INSERT INTO alert_log ({', '.join(LOG_COLUMNS)}) VALUES {{values}} "
                  f"ON CONFLICT DO NOTHING {_RETURNED}")
_SQLITE_ROW = "(" + ", ".join("?" for _ in LOG_COLUMNS) + ")"
#: rows per SQLite statement (13 parameters each: far below SQLite's 32,766)
_SQLITE_ROWS = 500
_PREVIOUS = {"sqlite": "SELECT incident_id, subscription_id, toll, killed, wounded FROM alert_log "
                       "WHERE incident_id IN (SELECT value FROM json_each(?))",
             "postgresql": "SELECT incident_id, subscription_id, toll, killed, wounded FROM alert_log "
                           "WHERE incident_id IN (SELECT unnest(CAST(%s AS varchar[])))"}


def previous_alerts(conn: Connection, incident_ids: Sequence[str]
                    ) -> list[tuple[str, int, int, int | None, int | None]]:
    """``(incident_id, subscription_id, toll, killed, wounded)`` of every logged alert of ``incident_ids``: one
    statement, one parameter (:func:`marsad.store.lookups.values_of`)."""
    if not incident_ids:
        return []
    if conn.dialect.name in _PREVIOUS:
        return conn.exec_driver_sql(_PREVIOUS[conn.dialect.name], (values_of(conn, incident_ids),)).fetchall()
    c = alert_log.c
    return conn.execute(select(c.incident_id, c.subscription_id, c.toll, c.killed, c.wounded)
                        .where(c.incident_id.in_(list(incident_ids)))).fetchall()


def _pg_element(value: Any, dumps) -> str:
    if value is None:
        return "NULL"
    if type(value) is int:
        return str(value)
    if isinstance(value, datetime):
        return array_quoted(value.astimezone(timezone.utc).isoformat())
    if isinstance(value, dict):
        return array_quoted(dumps(value))
    return array_quoted(str(value))


def insert_log_rows(conn: Connection, rows: Sequence[tuple]) -> list[tuple[int, int, str, str]]:
    """Insert alert log rows (tuples in :data:`LOG_COLUMNS` order; ``message`` a dict, times aware), skipping
    those the unique key already holds; returns ``(id, subscription_id, incident_id, channel)`` of the inserted.

    SQLite: multi-row ``VALUES`` with the message as the JSON text SQLAlchemy would write (the engine's
    serialiser, as text: :func:`~marsad.store.json_codec.column_text_serialiser`) and times as its text; PostgreSQL: ``INSERT … SELECT unnest(…)`` of one text array per column."""
    if not rows:
        return []
    name = conn.dialect.name
    if name == "sqlite":
        dumps = column_text_serialiser(conn)
        texts = {None: None}  # a call's rows share one or two times: each formatted once

        def text_of(value: datetime | None) -> str | None:
            if value not in texts:
                texts[value] = sqlite_time(value)
            return texts[value]
        inserted = []
        for start in range(0, len(rows), _SQLITE_ROWS):
            chunk = rows[start:start + _SQLITE_ROWS]
            params = [value for row in chunk
                      for value in (*row[:10], dumps(row[10]), text_of(row[11]), text_of(row[12]))]
            sql = _SQLITE_INSERT.format(values=", ".join([_SQLITE_ROW] * len(chunk)))
            inserted += conn.exec_driver_sql(sql, tuple(params)).fetchall()
        return inserted
    if name == "postgresql":
        dumps = column_text_serialiser(conn)
        arrays = tuple("{" + ",".join(_pg_element(row[i], dumps) for row in rows) + "}"
                       for i in range(len(LOG_COLUMNS)))
        return conn.exec_driver_sql(_PG_INSERT, arrays).fetchall()
    statement = sqlite_insert(alert_log).on_conflict_do_nothing().returning(
        alert_log.c.id, alert_log.c.subscription_id, alert_log.c.incident_id, alert_log.c.channel)
    return conn.execute(statement, [dict(zip(LOG_COLUMNS, row)) for row in rows]).fetchall()
