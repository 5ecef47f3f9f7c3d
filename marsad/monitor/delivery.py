"""Delivering recorded alerts: signed webhooks, e-mail over SMTP, and the live in-app stream.

Why one module: every channel follows the same contract — try, retry with backoff, record the outcome in
``alert_log`` (status, attempts, error, delivered_at) and never raise into the pipeline: an endpoint that is
down costs a recorded failure, not a crashed worker.

- **Webhook**: ``POST`` of the alert JSON (UTF-8). ``X-Marsad-Timestamp`` is the Unix time of sending and
  ``X-Marsad-Signature: sha256=<hex>`` is HMAC-SHA256 with the subscription's secret over
  ``<timestamp>.<raw body>``, so a receiver can check both origin and freshness (:func:`verify_signature`,
  5 minutes tolerance) and refuse replays. ``X-Marsad-Alert`` is the log id (to deduplicate retries). Hosts
  that resolve to private, loopback or link-local addresses are refused unless ``allow_private`` is set.
- **E-mail**: :mod:`smtplib`, a plain-text and an HTML part (UTF-8; the HTML is right-to-left for Arabic),
  through the server of the settings ``smtp_host``/``smtp_port``/``smtp_user``/``smtp_password``/
  ``smtp_starttls``, from ``mail_from`` (:func:`dispatcher_from_settings`); without ``smtp_host`` an e-mail
  alert is recorded as failed ("no SMTP server configured"), never lost silently.
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
from sqlalchemy import update

from marsad.access.db import Db, in_transaction
from marsad.config import Settings
from marsad.monitor.alerts import PendingAlert
from marsad.monitor.subscriptions import is_private_host
from marsad.store.accounts import utcnow
from marsad.store.alerts import alert_log

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


def _retrying(action: Callable[[], None], retries: int, backoff: float, sleep=time.sleep) -> DeliveryResult:
    error = None
    for attempt in range(1, retries + 2):
        try:
            action()
            return DeliveryResult(True, attempt)
        except _Refused as exc:
            return DeliveryResult(False, attempt, str(exc))
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
                headers["X-Marsad-Alert"] = str(alert_id)
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

    def message(self, to: str, subject: str, text: str, html: str) -> EmailMessage:
        """The e-mail: a text part and an HTML alternative, both UTF-8."""
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, to, subject
        mail.set_content(text, charset="utf-8")
        mail.add_alternative(html, subtype="html", charset="utf-8")
        return mail

    def send(self, to: str, subject: str, text: str, html: str) -> DeliveryResult:
        """Send one e-mail; never raises."""
        mail = self.message(to, subject, text, html)

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

    In-app alerts are published first; webhooks and e-mails then go out in parallel (``workers`` threads), so one
    slow or dead endpoint, retried with backoff, does not hold up the others. Outcomes are written in one
    transaction on the calling thread.
    """

    def __init__(self, *, webhooks: WebhookSender | None = None, mailer: EmailSender | None = None,
                 broker: AlertBroker | None = None, workers: int = 8):
        self.webhooks, self.mailer, self.broker = webhooks or WebhookSender(), mailer, broker
        self.workers = max(1, workers)

    def _external(self, alert: PendingAlert) -> DeliveryResult:
        sub, message = alert.subscription, alert.message
        try:
            if alert.channel == "webhook":
                return self.webhooks.send(sub.webhook_url, sub.webhook_secret,
                                          {"alert_id": alert.log_id, **message.as_json()}, alert_id=alert.log_id)
            if self.mailer is None:
                return DeliveryResult(False, 0, "no SMTP server configured")
            return self.mailer.send(sub.email, message.subject, message.text, message.html)
        except Exception as exc:  # noqa: BLE001 - a channel's bug must not stop the others
            log.exception("alert %s: delivery failed", alert.log_id)
            return DeliveryResult(False, 1, f"internal error: {exc.__class__.__name__}")

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
        if not external:
            return results
        with ThreadPoolExecutor(max_workers=min(self.workers, len(external))) as pool:
            outcomes = list(pool.map(self._external, external))
        with in_transaction(db, "the delivery status of alerts") as conn:
            for alert, result in zip(external, outcomes):
                results[alert.log_id] = result
                conn.execute(update(alert_log).where(alert_log.c.id == alert.log_id).values(
                    status="delivered" if result.ok else "failed", attempts=result.attempts,
                    error=result.error, delivered_at=utcnow() if result.ok else None))
        return results


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
