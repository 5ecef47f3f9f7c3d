"""Delivering recorded alerts: signed webhooks, e-mail over SMTP, and the live in-app stream.

Why one module: every channel follows the same contract — try, retry with backoff, record the outcome in
``alert_log`` (status, attempts, error, delivered_at) and never raise into the pipeline: an endpoint that is
down costs a recorded failure, not a crashed worker.

- **Webhook**: ``POST`` of the alert JSON (UTF-8). ``X-Marsad-Timestamp`` is the Unix time of sending and
  ``X-Marsad-Signature: sha256=<hex>`` is HMAC-SHA256 with the subscription's secret over
  ``<timestamp>.<raw body>``, so a receiver can check both origin and freshness (:func:`verify_signature`,
  5 minutes tolerance) and refuse replays. ``Idempotency-Key`` and ``X-Marsad-Alert`` are the log id: delivery
  is at least once (a worker killed mid-send is followed by another that sends again), so a receiver keeps the
  ids it has handled and ignores a repeat. Hosts
  that resolve to private, loopback or link-local addresses are refused unless ``allow_private`` is set.
- **E-mail**: :mod:`smtplib`, a plain-text and an HTML part (UTF-8; the HTML is right-to-left for Arabic),
  through the server of the settings ``smtp_host``/``smtp_port``/``smtp_user``/``smtp_password``/
  ``smtp_starttls``, from ``mail_from`` (:func:`dispatcher_from_settings`); without ``smtp_host`` an e-mail
  alert is recorded as failed ("no SMTP server configured"), never lost silently. ``Message-ID`` is derived from
  the log id, so a mail client shows a resent alert once.
- **Redelivery**: a failed try is not the end: the alert stays ``pending`` and is due again after an
  exponential backoff, up to a bounded number of tries, then ``failed`` with its last error
  (:mod:`marsad.monitor.delivery_log`). :func:`redeliver_due` — called by every pipeline worker's loop — sends
  the due ones, including those whose worker died after the commit; each alert is leased to one worker at a
  time, so no two workers send it at once.
- **In-app**: :class:`AlertBroker`, an in-process publish/subscribe hub per web application (created by
  ``create_app``, kept on ``app.state``); the server-sent-events route listens on it. One process only: several
  processes would share alerts through PostgreSQL ``LISTEN/NOTIFY`` or Redis — not built.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import smtplib
import socket
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlsplit

import httpx

from marsad.access.db import Db, in_transaction
from marsad.config import Settings
from marsad.monitor import delivery_log
from marsad.monitor.alerts import PendingAlert
from marsad.monitor.delivery_log import Outcome
from marsad.monitor.subscriptions import is_private_host
from marsad.store.accounts import utcnow

__all__ = [
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "sign_payload",
    "verify_signature",
    "DeliveryResult",
    "WebhookSender",
    "EmailSender",
    "AlertBroker",
    "Dispatcher",
    "mailer_from_settings",
    "dispatcher_from_settings",
    "redeliver_due",
]

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Marsad-Signature"
TIMESTAMP_HEADER = "X-Marsad-Timestamp"
REPLAY_TOLERANCE = 300


def sign_payload(secret: str, timestamp: int | str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 with ``secret`` over ``<timestamp>.<body>``."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(secret: str, timestamp: str, body: bytes, signature: str, *, now: float | None = None,
                     tolerance: int = REPLAY_TOLERANCE) -> bool:
    """True when ``signature`` signs ``body`` at ``timestamp`` and the timestamp is within ``tolerance`` seconds."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - sent) > tolerance:
        return False
    return hmac.compare_digest(sign_payload(secret, sent, body), signature or "")


@dataclass(frozen=True)
class DeliveryResult:
    """The outcome of delivering one alert on one channel."""

    ok: bool
    attempts: int
    error: str | None = None
    #: True when trying again cannot help (refused address, no SMTP server, a bug): failed at once
    final: bool = False


def _retrying(action: Callable[[], None], retries: int, backoff: float, sleep=time.sleep) -> DeliveryResult:
    error = None
    for attempt in range(1, retries + 2):
        try:
            action()
            return DeliveryResult(True, attempt)
        except _Refused as exc:
            return DeliveryResult(False, attempt, str(exc), final=True)
        except (OSError, httpx.HTTPError, smtplib.SMTPException, _Rejected) as exc:
            error = f"{exc.__class__.__name__}: {exc}"[:480]
            if attempt <= retries:
                sleep(backoff * 2 ** (attempt - 1))
    return DeliveryResult(False, retries + 1, error)


class _Refused(Exception):
    """A delivery that must not be tried (no retry)."""


class _Rejected(Exception):
    """The receiver answered with an error status (retried)."""


class WebhookSender:
    """Signed JSON POSTs with a timeout and retries (``retries`` extra tries, backoff doubling from ``backoff``)."""

    def __init__(self, *, timeout: float = 5.0, retries: int = 3, backoff: float = 0.5, allow_private: bool = False,
                 transport: httpx.BaseTransport | None = None, sleep=time.sleep):
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.allow_private, self._transport, self._sleep = allow_private, transport, sleep

    def _check_host(self, url: str) -> None:
        host = urlsplit(url).hostname or ""
        if self.allow_private:
            return
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
        except OSError as exc:
            raise _Rejected(f"cannot resolve {host}: {exc}") from None
        if is_private_host(host) or any(is_private_host(a) for a in addresses):
            raise _Refused(f"refused: {host} is a private or loopback address")

    def send(self, url: str, secret: str, payload: dict, *, alert_id: int | None = None) -> DeliveryResult:
        """POST ``payload`` to ``url``, signed with ``secret``; never raises."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

        def post() -> None:
            self._check_host(url)
            stamp = str(int(time.time()))
            headers = {"Content-Type": "application/json; charset=utf-8", TIMESTAMP_HEADER: stamp,
                       SIGNATURE_HEADER: sign_payload(secret, stamp, body), "User-Agent": "Marsad-Alerts"}
            if alert_id is not None:
                headers["X-Marsad-Alert"] = headers["Idempotency-Key"] = str(alert_id)
            with httpx.Client(timeout=self.timeout, transport=self._transport, follow_redirects=False) as client:
                answer = client.post(url, content=body, headers=headers)
            if answer.status_code >= 300:
                raise _Rejected(f"HTTP {answer.status_code}")

        return _retrying(post, self.retries, self.backoff, self._sleep)


class EmailSender:
    """E-mail through an SMTP server (plain text + HTML, UTF-8), with a timeout and retries."""

    def __init__(self, host: str, port: int = 25, *, sender: str = "marsad@localhost", timeout: float = 10.0,
                 retries: int = 2, backoff: float = 1.0, starttls: bool = False, username: str | None = None,
                 password: str | None = None, sleep=time.sleep):
        self.host, self.port, self.sender, self.timeout = host, port, sender, timeout
        self.retries, self.backoff, self.starttls, self._sleep = retries, backoff, starttls, sleep
        self.username, self.password = username, password

    def message(self, to: str, subject: str, text: str, html: str, *, alert_id: int | None = None) -> EmailMessage:
        """The e-mail: a text part and an HTML alternative, both UTF-8 (``Message-ID`` from ``alert_id``)."""
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, to, subject
        if alert_id is not None:
            domain = self.sender.rpartition("@")[2] or "localhost"
            mail["Message-ID"], mail["X-Marsad-Alert"] = f"<marsad-alert-{alert_id}@{domain}>", str(alert_id)
        mail.set_content(text, charset="utf-8")
        mail.add_alternative(html, subtype="html", charset="utf-8")
        return mail

    def send(self, to: str, subject: str, text: str, html: str, *, alert_id: int | None = None) -> DeliveryResult:
        """Send one e-mail; never raises."""
        mail = self.message(to, subject, text, html, alert_id=alert_id)

        def submit() -> None:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(mail)

        return _retrying(submit, self.retries, self.backoff, self._sleep)


class AlertBroker:
    """In-process live alerts: each listener (one SSE connection) gets a bounded queue of its user's alerts.

    ``publish`` may be called from any thread; listeners live on an event loop. A full queue drops the event
    (the client catches up with ``GET /api/alerts``). ``close`` ends every stream (application shutdown).
    """

    def __init__(self, queue_size: int = 100):
        self._lock = threading.Lock()
        self._listeners: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue]]] = {}
        self.queue_size = queue_size
        self.closed = False

    def listen(self, username: str) -> asyncio.Queue:
        """A new queue receiving ``username``'s alerts (call from the listener's event loop)."""
        queue: asyncio.Queue = asyncio.Queue(self.queue_size)
        with self._lock:
            self._listeners.setdefault(username, set()).add((asyncio.get_running_loop(), queue))
        return queue

    def unlisten(self, username: str, queue: asyncio.Queue) -> None:
        with self._lock:
            entries = self._listeners.get(username, set())
            entries.difference_update({e for e in entries if e[1] is queue})
            if not entries:
                self._listeners.pop(username, None)

    def listeners(self, username: str | None = None) -> int:
        """How many listeners there are (for ``username``, or in all)."""
        with self._lock:
            if username is not None:
                return len(self._listeners.get(username, ()))
            return sum(len(v) for v in self._listeners.values())

    @staticmethod
    def _put(queue: asyncio.Queue, event) -> None:
        try:
            queue.put_nowait(event)
        except asyncio.QueueFull:
            log.warning("live alert dropped: a listener's queue is full")

    def publish(self, username: str, event: dict | None) -> int:
        """Send ``event`` to every listener of ``username``; returns how many listeners there were."""
        with self._lock:
            entries = list(self._listeners.get(username, ()))
        for loop, queue in entries:
            try:
                loop.call_soon_threadsafe(self._put, queue, event)
            except RuntimeError:  # the listener's loop is gone
                self.unlisten(username, queue)
        return len(entries)

    def close(self) -> None:
        """End every stream (each listener receives ``None``)."""
        self.closed = True
        with self._lock:
            users = list(self._listeners)
        for username in users:
            self.publish(username, None)


class Dispatcher:
    """Delivers :class:`~marsad.monitor.alerts.PendingAlert` s on their channels and records each outcome.

    In-app alerts are published first; webhooks and e-mails are then leased (so no other worker's
    :func:`redeliver_due` sends them meanwhile) and go out in parallel (``workers`` threads), so one slow or dead
    endpoint, retried with backoff, does not hold up the others. Outcomes are written in one transaction on the
    calling thread; a failed alert is due again after ``backoff`` seconds doubling per try, ``failed`` after
    ``max_attempts`` tries. ``check_every``: the least time between two looks for due alerts by a worker loop.
    """

    def __init__(self, *, webhooks: WebhookSender | None = None, mailer: EmailSender | None = None,
                 broker: AlertBroker | None = None, workers: int = 8,
                 max_attempts: int = delivery_log.MAX_ATTEMPTS, backoff: float = delivery_log.BACKOFF,
                 max_backoff: float = delivery_log.MAX_BACKOFF, lease: float = delivery_log.DELIVERY_LEASE,
                 check_every: float = 10.0):
        self.webhooks, self.mailer, self.broker = webhooks or WebhookSender(), mailer, broker
        self.workers = max(1, workers)
        self.max_attempts, self.backoff, self.max_backoff, self.lease = max_attempts, backoff, max_backoff, lease
        self.check_every, self._next_check = check_every, float("-inf")

    def _external(self, alert: PendingAlert) -> DeliveryResult:
        sub, message = alert.subscription, alert.message
        try:
            if alert.channel == "webhook":
                return self.webhooks.send(sub.webhook_url, sub.webhook_secret,
                                          {"alert_id": alert.log_id, **message.as_json()}, alert_id=alert.log_id)
            if self.mailer is None:
                return DeliveryResult(False, 0, "no SMTP server configured", final=True)
            return self.mailer.send(sub.email, message.subject, message.text, message.html, alert_id=alert.log_id)
        except Exception as exc:  # noqa: BLE001 - a channel's bug must not stop the others
            log.exception("alert %s: delivery failed", alert.log_id)
            return DeliveryResult(False, 1, f"internal error: {exc.__class__.__name__}", final=True)

    def deliver(self, db: Db, pending: Iterable[PendingAlert]) -> dict[int, DeliveryResult]:
        """Deliver each alert and record status, attempts, error and delivered_at; never raises for a channel.

        Returns the outcome per log id.
        """
        pending = list(pending)
        results: dict[int, DeliveryResult] = {}
        for alert in pending:
            if alert.channel == "inapp":
                if self.broker is not None:
                    self.broker.publish(alert.subscription.username, {"id": alert.log_id, **alert.message.as_json()})
                results[alert.log_id] = DeliveryResult(True, 1)
        external = [a for a in pending if a.channel != "inapp"]
        if external:
            now = utcnow()
            with in_transaction(db, "the delivery lease of alerts") as conn:
                before = delivery_log.take(conn, [a.log_id for a in external], now, lease=self.lease)
            results.update(self.send_leased([(a, before[a.log_id]) for a in external if a.log_id in before], db))
        return results

    def send_leased(self, leased: list[tuple[PendingAlert, int]], db: Db, *, now=None) -> dict[int, DeliveryResult]:
        """Send alerts this worker has leased (each with its tries made before) and record the outcomes (backoff
        counted from ``now``, default: when the tries ended)."""
        if not leased:
            return {}
        with ThreadPoolExecutor(max_workers=min(self.workers, len(leased))) as pool:
            outcomes = list(pool.map(self._external, [alert for alert, _ in leased]))
        with in_transaction(db, "the delivery status of alerts") as conn:
            delivery_log.record_outcomes(
                conn, {alert.log_id: (before, Outcome(r.ok, r.attempts, r.error, r.final))
                       for (alert, before), r in zip(leased, outcomes)},
                now or utcnow(), max_attempts=self.max_attempts, base=self.backoff, cap=self.max_backoff)
        return {alert.log_id: r for (alert, _), r in zip(leased, outcomes)}


def mailer_from_settings(settings: Settings) -> EmailSender | None:
    """The e-mail sender the settings describe, or None when no ``smtp_host`` is set."""
    if not settings.smtp_host:
        return None
    return EmailSender(settings.smtp_host, settings.smtp_port, sender=settings.mail_from,
                       starttls=settings.smtp_starttls, username=settings.smtp_user or None,
                       password=settings.smtp_password)


def dispatcher_from_settings(settings: Settings, *, broker: AlertBroker | None = None,
                             webhooks: WebhookSender | None = None) -> Dispatcher:
    """The :class:`Dispatcher` of a running hub: e-mail through the configured SMTP server, webhooks, in-app."""
    return Dispatcher(webhooks=webhooks, mailer=mailer_from_settings(settings), broker=broker)


def redeliver_due(db: Db, dispatcher, *, now=None, limit: int = 50, enabled: bool = True) -> dict[int, DeliveryResult]:
    """Send the webhook and e-mail alerts that are due (never tried because their worker died, or failed and
    past their backoff), at most ``limit``, leased to this worker; returns the outcome per log id. Never raises.

    Called by each pipeline worker's loop (``enabled`` False: nothing, for record-only pipelines); without an
    explicit ``now`` it looks at most every ``dispatcher.check_every`` seconds. A dispatcher that is not a
    :class:`Dispatcher` (a test's recorder) redelivers nothing.
    """
    if not enabled or not isinstance(dispatcher, Dispatcher):
        return {}
    if now is None:
        if time.monotonic() < dispatcher._next_check:
            return {}
        dispatcher._next_check = time.monotonic() + dispatcher.check_every
    try:
        at = now or utcnow()
        with in_transaction(db, "the redelivery lease of alerts") as conn:
            rows = delivery_log.claim_due(conn, at, limit, lease=dispatcher.lease)
        if not rows:
            return {}
        sendable, dropped = delivery_log.leased_alerts(db, rows)
        if dropped:
            with in_transaction(db, "the alerts no longer deliverable") as conn:
                delivery_log.record_outcomes(conn, dropped, at)
        return dispatcher.send_leased(sendable, db, now=now)
    except Exception:  # noqa: BLE001 - the worker's loop goes on; the leases run out and the alerts come back
        log.exception("redelivery of due alerts failed")
        return {}
