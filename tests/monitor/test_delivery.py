"""Delivery: signed webhooks (retries, refusals, recorded failures), UTF-8 e-mail over SMTP, the live hub."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from marsad.config import Settings
from marsad.monitor.alerts import SubscriptionIndex, record_alerts
from marsad.monitor.delivery import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    AlertBroker,
    Dispatcher,
    EmailSender,
    WebhookSender,
    dispatcher_from_settings,
    mailer_from_settings,
    sign_payload,
    verify_signature,
)
from marsad.monitor.subscriptions import active_subscriptions, create_subscription
from marsad.store.alerts import alert_log
from tests.monitor.alert_world import alert_world, incident

BASE = "https://marsad.example.org"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Receiver:
    """A loopback webhook receiver answering the statuses in ``answers`` in turn (then 200)."""

    def __init__(self, answers=()):
        self.answers, self.received = list(answers), []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                self.send_response(outer.answers.pop(0) if outer.answers else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def smtp():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield box, controller.port
    controller.stop()


@pytest.fixture
def world(tmp_path):
    engine, collection, ids = alert_world(f"sqlite:///{tmp_path / 'm.db'}")
    yield engine, collection, ids
    engine.dispose()


def test_signature_checks_body_secret_and_freshness():
    body = b'{"a":1}'
    now = int(time.time())
    signature = sign_payload("s" * 32, now, body)
    assert signature.startswith("sha256=") and verify_signature("s" * 32, str(now), body, signature)
    assert not verify_signature("s" * 32, str(now), body + b" ", signature)
    assert not verify_signature("t" * 32, str(now), body, signature)
    assert not verify_signature("s" * 32, str(now + 1), body, signature)  # timestamp is signed
    old = now - 3600
    assert not verify_signature("s" * 32, str(old), body, sign_payload("s" * 32, old, body))  # replay
    assert not verify_signature("s" * 32, "soon", body, signature)


def test_webhook_is_signed_over_the_raw_utf8_body():
    with Receiver() as receiver:
        result = WebhookSender(allow_private=True).send(receiver.url, "k" * 32, {"subject": "تنبيه"}, alert_id=7)
    assert result.ok and result.attempts == 1
    headers, body = receiver.received[0]
    assert json.loads(body.decode("utf-8")) == {"subject": "تنبيه"}
    assert verify_signature("k" * 32, headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER])
    assert headers["X-Marsad-Alert"] == "7"


def test_webhook_retries_with_backoff_then_succeeds():
    pauses = []
    with Receiver([500, 503]) as receiver:
        result = WebhookSender(allow_private=True, backoff=0.5, sleep=pauses.append).send(receiver.url, "k" * 32, {})
    assert result.ok and result.attempts == 3 and pauses == [0.5, 1.0]


def test_webhook_endpoint_down_is_a_recorded_failure_not_a_crash():
    pauses = []
    url = f"http://127.0.0.1:{_free_port()}/hook"
    result = WebhookSender(allow_private=True, retries=2, timeout=1, sleep=pauses.append).send(url, "k" * 32, {})
    assert not result.ok and result.attempts == 3 and len(pauses) == 2 and "Connect" in result.error


def test_webhook_to_loopback_is_refused_without_trying_unless_allowed():
    with Receiver() as receiver:
        result = WebhookSender(sleep=lambda s: None).send(receiver.url, "k" * 32, {})
    assert not result.ok and result.attempts == 1 and "private or loopback" in result.error
    assert receiver.received == []


def test_email_has_text_and_rtl_html_in_utf8(smtp):
    box, port = smtp
    sender = EmailSender("127.0.0.1", port, sender="alerts@marsad.example.org")
    result = sender.send("ops@example.org", "تنبيه: تفجير في عمّان", "نص التنبيه",
                         '<html lang="ar" dir="rtl"><body>نص</body></html>')
    assert result.ok
    mail = box.messages[0]
    assert mail["Subject"] == "تنبيه: تفجير في عمّان" and mail["To"] == "ops@example.org"
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text.get_content().strip() == "نص التنبيه" and text.get_content_charset() == "utf-8"
    assert 'dir="rtl"' in html.get_content()


def test_email_server_down_is_a_failure_after_retries():
    pauses = []
    sender = EmailSender("127.0.0.1", _free_port(), timeout=1, retries=1, sleep=pauses.append)
    result = sender.send("a@b.org", "s", "t", "h")
    assert not result.ok and result.attempts == 2 and pauses == [1.0]


def test_dispatcher_delivers_every_channel_and_records_outcomes(world, smtp):
    engine, collection, ids = world
    box, port = smtp
    down = f"http://127.0.0.1:{_free_port()}/hook"
    with Receiver() as receiver:
        create_subscription(engine, "jo", "good", {}, language="fr", webhook_url=receiver.url, email="ops@example.org",
                            allow_private=True)
        create_subscription(engine, "sa", "bad hook", {}, inapp=False, webhook_url=down, allow_private=True)
        pending = record_alerts(engine, incident(collection, by=ids["SA"]),
                                SubscriptionIndex(active_subscriptions(engine)), base_url=BASE)
        broker = AlertBroker()
        dispatcher = Dispatcher(webhooks=WebhookSender(allow_private=True, retries=1, timeout=1, sleep=lambda s: None),
                                mailer=EmailSender("127.0.0.1", port), broker=broker)
        dispatcher.deliver(engine, pending)
    with engine.connect() as conn:
        rows = {(r.channel, r.status, r.attempts) for r in conn.execute(select(alert_log))}
    assert rows == {("inapp", "delivered", 1), ("webhook", "delivered", 1), ("email", "delivered", 1),
                    ("webhook", "pending", 2)}  # the dead endpoint: tried twice, due again after a backoff
    assert "Attentat à l'explosif" in box.messages[0]["Subject"]
    assert json.loads(receiver.received[0][1])["url"].startswith(BASE + "/incidents/incident--")


def test_broker_passes_alerts_from_other_threads_to_the_users_listeners():
    async def scenario():
        broker = AlertBroker()
        mine, other = broker.listen("jo"), broker.listen("sa")
        await asyncio.to_thread(broker.publish, "jo", {"id": 1})
        assert await asyncio.wait_for(mine.get(), 1) == {"id": 1}
        assert other.empty() and broker.listeners() == 2
        broker.close()
        assert await asyncio.wait_for(other.get(), 1) is None
        broker.unlisten("jo", mine)
        assert broker.listeners("jo") == 0 and broker.publish("jo", {"id": 2}) == 0

    asyncio.run(scenario())


def test_a_channel_that_raises_is_recorded_as_failed_and_others_still_go(world):
    engine, collection, ids = world

    class BrokenMailer:
        def send(self, *args, **kwargs):
            raise RuntimeError("bug")

    create_subscription(engine, "jo", "mail", {}, email="ops@example.org")
    pending = record_alerts(engine, incident(collection, by=ids["SA"]), SubscriptionIndex(active_subscriptions(engine)),
                            base_url=BASE)
    broker = AlertBroker()
    results = Dispatcher(mailer=BrokenMailer(), broker=broker).deliver(engine, pending)
    assert sorted((r.ok, r.error) for r in results.values()) == [(False, "internal error: RuntimeError"), (True, None)]
    with engine.connect() as conn:
        assert {(r.channel, r.status) for r in conn.execute(select(alert_log))} == {("inapp", "delivered"),
                                                                                     ("email", "failed")}


def test_alert_email_goes_through_the_smtp_server_of_the_settings(world, smtp):
    engine, collection, ids = world
    box, port = smtp
    create_subscription(engine, "jo", "mail", {}, language="en", inapp=False, email="duty@example.org")
    pending = record_alerts(engine, incident(collection, by=ids["SA"]), SubscriptionIndex(active_subscriptions(engine)),
                            base_url=BASE)
    settings = Settings(smtp_host="127.0.0.1", smtp_port=port, mail_from="alerts@hub.example.org")
    results = dispatcher_from_settings(settings).deliver(engine, pending)
    assert [r.ok for r in results.values()] == [True]
    assert (box.messages[0]["From"], box.messages[0]["To"]) == ("alerts@hub.example.org", "duty@example.org")
    assert "Bombing/Explosion" in box.messages[0]["Subject"]


def test_the_mailer_follows_the_settings_and_there_is_none_without_a_host():
    assert mailer_from_settings(Settings()) is None
    sender = mailer_from_settings(Settings(smtp_host="mail.example.org", smtp_port=587, smtp_starttls=True,
                                           smtp_user="hub", smtp_password="pw"))
    assert (sender.host, sender.port, sender.starttls, sender.username, sender.password) == (
        "mail.example.org", 587, True, "hub", "pw")
