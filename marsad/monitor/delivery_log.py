"""The delivery state of webhook and e-mail alerts in ``alert_log``: who may send one now, and what came of it.

Why its own module: an alert is recorded in the pipeline's transaction and sent after the commit, so a worker
that dies in between (or an endpoint that is down) leaves it ``pending``. Any worker later *redelivers* it
(:func:`marsad.monitor.delivery.redeliver_due`), and two workers must never send one alert at the same time.
The rules, all in SQL so they hold across processes:

- **Due**: ``status = 'pending'`` on the webhook or e-mail channel and ``next_attempt_at`` NULL or past.
- **Taking** an alert (:func:`take` for the ones a worker just recorded, :func:`claim_due` for any due ones) is
  one ``UPDATE … RETURNING`` that moves ``next_attempt_at`` to the end of a delivery *lease*
  (:data:`DELIVERY_LEASE`): another worker's take of the same row then matches nothing (PostgreSQL re-checks
  the condition after the first commit; ``claim_due`` skips rows being taken with ``FOR UPDATE SKIP LOCKED``;
  SQLite takes its write lock on the first statement). A worker killed while sending leaves the lease to run
  out, and the alert is sent again: delivery is *at least once* — receivers deduplicate on the alert id
  (webhook headers ``Idempotency-Key`` and ``X-Marsad-Alert``, e-mail ``Message-ID``).
- **Outcome** (:func:`record_outcomes`): delivered; or, after a failed try, due again after an exponential
  backoff (:func:`backoff_seconds`: :data:`BACKOFF` doubling per try made, at most :data:`MAX_BACKOFF`), until
  :data:`MAX_ATTEMPTS` tries were made — then ``failed`` with the last error kept. A try that cannot succeed
  (refused address, no SMTP server, a bug) fails at once.
- **Still deliverable** (:func:`leased_alerts`): before a late send the subscription must still be active and
  its owner still allowed to see the incident (sharing decided again, as for the in-app list); otherwise the
  alert is ``failed`` with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Connection

from marsad.access.context import load_viewer
from marsad.access.db import Db, in_transaction
from marsad.access.policy import visible_clause
from marsad.errors import NotFound
from marsad.monitor.alert_messages import message_from_log
from marsad.monitor.alerts import WARNING_PREFIX, PendingAlert
from marsad.monitor.subscriptions import subscriptions_by_id
from marsad.store.alerts import alert_log
from marsad.store.objects import stix_objects

__all__ = ["DELIVERY_LEASE", "BACKOFF", "MAX_BACKOFF", "MAX_ATTEMPTS", "EXTERNAL", "Outcome", "backoff_seconds",
           "due", "take", "claim_due", "record_outcomes", "leased_alerts"]

#: seconds a worker holds an alert it is sending (longer than any sender's tries and timeouts)
DELIVERY_LEASE = 300.0
#: seconds before the second round of tries; doubles per try made
BACKOFF = 30.0
#: the longest wait between two rounds
MAX_BACKOFF = 3600.0
#: tries (over all rounds) after which an alert is ``failed``
MAX_ATTEMPTS = 8
#: the channels delivered outside the database
EXTERNAL = ("webhook", "email")
_GONE, _HIDDEN = "the subscription is paused or gone", "no longer visible to the subscriber"


@dataclass(frozen=True)
class Outcome:
    """What one round did for one alert: ``tries`` made, ``ok``, ``error``, ``final`` (not worth retrying)."""

    ok: bool
    tries: int
    error: str | None = None
    final: bool = False


def backoff_seconds(attempts: int, *, base: float = BACKOFF, cap: float = MAX_BACKOFF) -> float:
    """The wait before the next round after ``attempts`` tries: ``base`` × 2^(attempts − 1), at most ``cap``."""
    return min(cap, base * 2 ** max(0, attempts - 1))


def due(now: datetime):
    """The condition of an alert any worker may send now."""
    c = alert_log.c
    return and_(c.status == "pending", c.channel.in_(EXTERNAL),
                or_(c.next_attempt_at.is_(None), c.next_attempt_at <= now))


def take(conn: Connection, ids: Iterable[int], now: datetime, *, lease: float = DELIVERY_LEASE) -> dict[int, int]:
    """Lease the given alerts if they are still due; returns id → tries made before (only the ones taken)."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    c = alert_log.c
    rows = conn.execute(update(alert_log).where(c.id.in_(ids), due(now))
                        .values(next_attempt_at=now + timedelta(seconds=lease)).returning(c.id, c.attempts))
    return {r.id: r.attempts for r in rows}


def claim_due(conn: Connection, now: datetime, limit: int, *, lease: float = DELIVERY_LEASE) -> list:
    """Lease up to ``limit`` due alerts, oldest first (skipping rows another worker is taking on PostgreSQL);
    returns their rows (id, subscription_id, incident_id, channel, attempts, message)."""
    c = alert_log.c
    chosen = select(c.id).where(due(now)).order_by(c.id).limit(limit)
    if conn.dialect.name == "postgresql":
        chosen = chosen.with_for_update(skip_locked=True)
    rows = conn.execute(update(alert_log).where(c.id.in_(chosen.scalar_subquery()))
                        .values(next_attempt_at=now + timedelta(seconds=lease))
                        .returning(c.id, c.subscription_id, c.incident_id, c.channel, c.attempts, c.message)).all()
    return sorted(rows, key=lambda r: r.id)


def record_outcomes(conn: Connection, outcomes: Mapping[int, tuple[int, Outcome]], now: datetime, *,
                    max_attempts: int = MAX_ATTEMPTS, base: float = BACKOFF, cap: float = MAX_BACKOFF) -> None:
    """Write each alert's outcome: ``outcomes`` maps id → (tries made before this round, this round's outcome)."""
    c = alert_log.c
    for alert_id, (before, outcome) in sorted(outcomes.items()):
        attempts = before + outcome.tries
        if outcome.ok:
            values = dict(status="delivered", delivered_at=now, error=None, next_attempt_at=None)
        elif outcome.final or attempts >= max_attempts:
            values = dict(status="failed", error=outcome.error, next_attempt_at=None)
        else:
            values = dict(status="pending", error=outcome.error,
                          next_attempt_at=now + timedelta(seconds=backoff_seconds(attempts, base=base, cap=cap)))
        conn.execute(update(alert_log).where(c.id == alert_id).values(attempts=attempts, **values))


def _still_visible(conn, username: str, incident_ids: set[str]) -> set[str]:
    """The incidents among ``incident_ids`` the user may see now (none for an unknown or inactive user)."""
    try:
        viewer = load_viewer(conn, username)
    except NotFound:
        return set()
    return set(conn.execute(select(stix_objects.c.stix_id).distinct().where(
        stix_objects.c.stix_id.in_(sorted(incident_ids)), visible_clause(viewer))).scalars())


def leased_alerts(db: Db, rows: list) -> tuple[list[tuple[PendingAlert, int]], dict[int, tuple[int, Outcome]]]:
    """The claimed rows as alerts to send, and the outcomes of those that must not be sent any more: the
    subscription is gone or paused, or the subscriber may no longer see the incident (sharing is decided again,
    as for the in-app list: a late delivery never outlives the right to see)."""
    subs = subscriptions_by_id(db, {r.subscription_id for r in rows})
    sendable, dropped, visible = [], {}, {}
    incidents = {r.incident_id for r in rows if not r.incident_id.startswith(WARNING_PREFIX)}
    with in_transaction(db, "the sharing check of alerts to redeliver") as conn:
        for row in rows:
            sub = subs.get(row.subscription_id)
            if sub is None:
                dropped[row.id] = (row.attempts, Outcome(False, 0, _GONE, final=True))
                continue
            if not row.incident_id.startswith(WARNING_PREFIX):
                if sub.username not in visible:
                    visible[sub.username] = _still_visible(conn, sub.username, incidents)
                if row.incident_id not in visible[sub.username]:
                    dropped[row.id] = (row.attempts, Outcome(False, 0, _HIDDEN, final=True))
                    continue
            sendable.append((PendingAlert(row.id, row.channel, sub, message_from_log(dict(row.message))), row.attempts))
    return sendable, dropped
