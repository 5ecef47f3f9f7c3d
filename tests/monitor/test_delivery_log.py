"""Redelivery: pending webhook/e-mail alerts are leased to one worker, retried with backoff, then failed."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import ThreadingHTTPServer

import pytest
from sqlalchemy import select, update

from marsad.access.accounts import set_active
from marsad.monitor import delivery_log
from marsad.monitor.alerts import SubscriptionIndex, record_alerts
from marsad.monitor.delivery import Dispatcher, EmailSender, WebhookSender, redeliver_due
from marsad.monitor.delivery_log import backoff_seconds
from marsad.monitor.subscriptions import active_subscriptions, create_subscription
from marsad.store.accounts import utcnow
from marsad.store.alerts import alert_log
from tests.monitor.alert_world import alert_world, stored_incident
from tests.monitor.test_delivery import Receiver, _free_port, smtp  # noqa: F401 (fixture)

BASE = "https://marsad.example.org"


@pytest.fixture
def world(database_url):
    engine, collection, ids = alert_world(database_url)
    yield engine, collection, ids
    engine.dispose()


def _dispatcher(**kwargs) -> Dispatcher:
    webhooks = WebhookSender(allow_private=True, retries=0, timeout=2, sleep=lambda s: None)
    return Dispatcher(webhooks=webhooks, **kwargs)


def _record(engine, collection, ids):
    return record_alerts(engine, stored_incident(engine, collection, by=ids["SA"]),
                         SubscriptionIndex(active_subscriptions(engine)), base_url=BASE)


def _row(engine, channel: str = "webhook"):
    with engine.connect() as conn:
        return conn.execute(select(alert_log).where(alert_log.c.channel == channel)).one()


def test_backoff_doubles_per_try_up_to_the_cap():
    assert [backoff_seconds(n, base=30, cap=200) for n in (1, 2, 3, 4, 5)] == [30, 60, 120, 200, 200]


def test_a_receiver_down_then_up_gets_the_alert_once_after_the_backoff(world):
    engine, collection, ids = world
    receiver = Receiver()
    port = receiver.server.server_address[1]
    receiver.server.server_close()  # down: nothing listens on its port yet
    create_subscription(engine, "jo", "hook", {}, inapp=False, webhook_url=receiver.url, allow_private=True)
    dispatcher = _dispatcher()
    first = dispatcher.deliver(engine, _record(engine, collection, ids))
    assert [r.ok for r in first.values()] == [False]
    row = _row(engine)
    assert (row.status, row.attempts) == ("pending", 1) and row.error and row.next_attempt_at is not None
    assert redeliver_due(engine, dispatcher, now=row.next_attempt_at - timedelta(seconds=1)) == {}  # backoff
    receiver.server = ThreadingHTTPServer(("127.0.0.1", port), receiver.server.RequestHandlerClass)
    with receiver:
        again = redeliver_due(engine, dispatcher, now=row.next_attempt_at)
        assert [r.ok for r in again.values()] == [True]
        assert redeliver_due(engine, dispatcher, now=row.next_attempt_at + timedelta(days=1)) == {}
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    assert headers["Idempotency-Key"] == headers["X-Marsad-Alert"] == str(row.id) == str(json.loads(body)["alert_id"])
    done = _row(engine)
    assert (done.status, done.attempts, done.error, done.next_attempt_at) == ("delivered", 2, None, None)


def test_an_alert_whose_worker_died_after_the_commit_is_sent_by_another_worker_once(world, smtp):  # noqa: F811
    engine, collection, ids = world
    box, port = smtp
    create_subscription(engine, "jo", "mail", {}, language="ar", inapp=False, email="duty@example.org")
    pending = _record(engine, collection, ids)  # recorded, then the worker died: never delivered
    assert _row(engine, "email").status == "pending"
    workers = [_dispatcher(mailer=EmailSender("127.0.0.1", port)) for _ in range(2)]
    outcomes = [redeliver_due(engine, w, now=utcnow()) for w in workers]
    assert sorted(len(o) for o in outcomes) == [0, 1] and len(box.messages) == 1
    mail = box.messages[0]
    assert mail["Message-ID"].startswith(f"<marsad-alert-{pending[0].log_id}@")
    html = mail.get_body(("html",)).get_content()
    assert 'dir="rtl"' in html and "<script" not in html
    assert _row(engine, "email").status == "delivered"


def test_a_leased_alert_is_not_taken_by_another_worker_until_its_lease_runs_out(world):
    engine, collection, ids = world
    create_subscription(engine, "jo", "hook", {}, inapp=False, webhook_url="http://127.0.0.1:9/h", allow_private=True)
    _record(engine, collection, ids)
    now = utcnow()
    with engine.begin() as conn:
        assert len(delivery_log.claim_due(conn, now, 10, lease=60)) == 1  # this worker is killed mid-send
    with engine.begin() as conn:
        assert delivery_log.claim_due(conn, now + timedelta(seconds=59), 10) == []
        assert delivery_log.take(conn, [_row(engine).id], now + timedelta(seconds=59)) == {}
    with engine.begin() as conn:  # the lease ran out: at least once, the receiver deduplicates by alert id
        assert [r.attempts for r in delivery_log.claim_due(conn, now + timedelta(seconds=61), 10)] == [0]


def test_tries_are_bounded_then_failed_with_the_error_kept(world):
    engine, collection, ids = world
    down = f"http://127.0.0.1:{_free_port()}/hook"
    create_subscription(engine, "jo", "hook", {}, inapp=False, webhook_url=down, allow_private=True)
    dispatcher = _dispatcher(max_attempts=3, backoff=10)
    dispatcher.deliver(engine, _record(engine, collection, ids))
    waits = []
    for _ in range(5):
        row = _row(engine)
        if row.status != "pending":
            break
        waits.append(row.next_attempt_at)
        redeliver_due(engine, dispatcher, now=row.next_attempt_at)
    row = _row(engine)
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", 3, None)
    assert "ConnectError" in row.error and len(waits) == 2  # tries: at delivery, then at each of the 2 waits
    assert waits[1] - waits[0] == timedelta(seconds=20)  # 10 s after the first try, 20 s after the second


def test_no_redelivery_when_the_subscriber_may_no_longer_see_or_is_gone(world):
    engine, collection, ids = world
    create_subscription(engine, "jo", "hook", {}, inapp=False, webhook_url="http://127.0.0.1:9/h", allow_private=True)
    create_subscription(engine, "eg", "mail", {}, inapp=False, email="eg@example.org")
    _record(engine, collection, ids)
    with engine.begin() as conn:  # as if the incident were deleted: jo may no longer see it
        conn.execute(update(alert_log).values(incident_id="incident--00000000-0000-4000-8000-000000000000"))
    set_active(engine, "eg", False)
    assert redeliver_due(engine, _dispatcher(), now=utcnow()) == {}
    with engine.connect() as conn:
        rows = {(r.status, r.error) for r in conn.execute(select(alert_log))}
    assert rows == {("failed", "no longer visible to the subscriber"), ("failed", "the subscription is paused or gone")}


def test_record_only_pipelines_and_test_doubles_redeliver_nothing(world):
    engine, collection, ids = world
    create_subscription(engine, "jo", "hook", {}, inapp=False, webhook_url="http://127.0.0.1:9/h", allow_private=True)
    _record(engine, collection, ids)
    assert redeliver_due(engine, _dispatcher(), now=utcnow(), enabled=False) == {}
    assert redeliver_due(engine, object(), now=utcnow()) == {}
    throttled = _dispatcher(check_every=3600)
    throttled._next_check = float("inf")
    assert redeliver_due(engine, throttled) == {}
    assert _row(engine).status == "pending"


def test_concurrent_workers_send_each_due_alert_once(world):
    engine, collection, ids = world
    with Receiver() as receiver:
        for n in range(6):
            create_subscription(engine, "jo", f"hook {n}", {}, inapp=False, webhook_url=receiver.url,
                                allow_private=True)
        _record(engine, collection, ids)
        now, results = utcnow(), []

        def work():
            results.append(redeliver_due(engine, _dispatcher(), now=now, limit=2))

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        while more := redeliver_due(engine, _dispatcher(), now=now):
            results.append(more)
    sent = [alert_id for r in results for alert_id in r]
    assert len(sent) == len(set(sent)) == 6 == len(receiver.received)
