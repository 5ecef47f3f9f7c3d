"""The alerts API: sign-in, own subscriptions only, 4xx for bad filters, recent alerts and the live stream."""

from __future__ import annotations

import json
import threading
import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from marsad.access.accounts import create_api_key
from marsad.monitor.alerts import SubscriptionIndex, record_alerts
from marsad.monitor.delivery import Dispatcher
from marsad.monitor.subscriptions import active_subscriptions
from marsad.store import Store
from marsad.web import app as web_app
from marsad.web import routes_alerts
from marsad.web.errors import install_error_handlers
from tests.monitor.alert_world import alert_world, stored_incident

BASE = "https://marsad.example.org"


@pytest.fixture
def client(tmp_path):
    engine, collection, ids = alert_world(f"sqlite:///{tmp_path / 'm.db'}")
    auth = {}
    for user in ("sa", "jo", "eg"):
        key, _ = create_api_key(engine, user)
        auth[user] = {"Authorization": f"Bearer {key}"}
    app = FastAPI()
    app.state.engine = engine
    app.state.closers = []
    install_error_handlers(app)
    routes_alerts.register(app)
    with TestClient(app) as http:
        yield http, auth, app, (engine, collection, ids)
    engine.dispose()


def _alert(app, world, **fields):
    engine, collection, ids = world
    pending = record_alerts(engine, stored_incident(engine, collection, by=ids["SA"], **fields),
                            SubscriptionIndex(active_subscriptions(engine)), base_url=BASE)
    Dispatcher(broker=app.state.alert_broker).deliver(engine, pending)
    return pending


def test_registered_in_the_app_factory():
    assert routes_alerts in web_app.ROUTE_MODULES


@pytest.mark.parametrize("method, path", [("get", "/api/subscriptions"), ("get", "/api/alerts"),
                                          ("get", "/api/alerts/stream"), ("delete", "/api/subscriptions/1")])
def test_sign_in_is_required(client, method, path):
    http, _, _, _ = client
    assert getattr(http, method)(path).status_code == 401


def test_create_list_delete_own_subscriptions(client):
    http, auth, _, _ = client
    made = http.post("/api/subscriptions", json={"name": "Jordan", "filters": {"countries": ["jo"]},
                                                 "webhook_url": "https://hooks.example.org/m"}, headers=auth["jo"])
    assert made.status_code == 201
    body = made.json()
    assert body["filters"] == {"countries": ["JO"]} and len(body["webhook_secret"]) >= 32
    assert body["language"] == "ar"  # the user's language
    listed = http.get("/api/subscriptions", headers=auth["jo"]).json()["subscriptions"]
    assert [s["name"] for s in listed] == ["Jordan"] and "webhook_secret" not in listed[0]
    assert http.get("/api/subscriptions", headers=auth["sa"]).json() == {"subscriptions": []}
    assert http.delete(f"/api/subscriptions/{body['id']}", headers=auth["sa"]).status_code == 404
    assert http.delete(f"/api/subscriptions/{body['id']}", headers=auth["jo"]).status_code == 204
    assert http.get("/api/subscriptions", headers=auth["jo"]).json() == {"subscriptions": []}


@pytest.mark.parametrize("body, named", [
    ({"name": "x", "filters": {"attack_types": ["Cyber"]}}, "Cyber"),
    ({"name": "x", "filters": {"countries": ["XX"]}}, "XX"),
    ({"name": "x", "webhook_url": "gopher://h/"}, "webhook URL"),
    ({"name": "x", "webhook_url": "http://127.0.0.1:9/h"}, "private or loopback"),
    ({"name": "x", "email": "not-an-address"}, "e-mail"),
])
def test_bad_input_is_a_400_naming_the_fault(client, body, named):
    http, auth, _, _ = client
    answer = http.post("/api/subscriptions", json=body, headers=auth["jo"])
    assert answer.status_code == 400 and named in answer.json()["description"]


def test_duplicate_name_is_409(client):
    http, auth, _, _ = client
    assert http.post("/api/subscriptions", json={"name": "a"}, headers=auth["jo"]).status_code == 201
    assert http.post("/api/subscriptions", json={"name": "a"}, headers=auth["jo"]).status_code == 409


def test_recent_alerts_are_the_callers_own(client):
    http, auth, app, world = client
    http.post("/api/subscriptions", json={"name": "all", "language": "en"}, headers=auth["jo"])
    _alert(app, world, tlp="amber", release_to=["JO"])
    alerts = http.get("/api/alerts", headers=auth["jo"]).json()["alerts"]
    assert len(alerts) == 1 and alerts[0]["subject"].startswith("Alert: Bombing/Explosion in Amman, Jordan")
    assert http.get("/api/alerts", headers=auth["eg"]).json() == {"alerts": []}
    Store(world[0]).delete_object(alerts[0]["incident_id"])  # the incident is gone: so is its alert
    assert http.get("/api/alerts", headers=auth["jo"]).json() == {"alerts": []}


def test_stream_sends_live_alerts_and_replays_missed_ones(client):
    http, auth, app, world = client
    http.post("/api/subscriptions", json={"name": "all", "language": "fr"}, headers=auth["jo"])
    first = _alert(app, world)  # before the stream opens: replayed after Last-Event-ID 0
    broker = app.state.alert_broker

    def later():
        deadline = time.monotonic() + 5
        while broker.listeners("jo") == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        _alert(app, world, killed=1)
        broker.close()

    thread = threading.Thread(target=later)
    thread.start()
    answer = http.get("/api/alerts/stream", headers={**auth["jo"], "Last-Event-ID": "0"})
    thread.join()
    assert answer.headers["content-type"].startswith("text/event-stream")
    events = [block for block in answer.text.split("\n\n") if block.startswith("id: ")]
    data = [json.loads(block.split("data: ", 1)[1]) for block in events]
    assert [d["id"] for d in data][0] == first[0].log_id and len(data) == 2
    assert all(d["language"] == "fr" for d in data) and "event: alert" in events[1]


def _warning(engine, username: str, language: str, month: int = 10) -> int:
    """An early warning recorded as another process would (``marsad warnings --alert``): no broker event."""
    from sqlalchemy import select

    from marsad.store.accounts import users, utcnow
    from marsad.store.alerts import alert_log, alert_subscriptions
    with engine.begin() as conn:
        sub = conn.execute(select(alert_subscriptions.c.id).join(users, users.c.id == alert_subscriptions.c.user_id)
                           .where(users.c.username == username)).scalar_one()
        return conn.execute(alert_log.insert().returning(alert_log.c.id).values(
            subscription_id=sub, incident_id=f"warning:month:country:JO:2026-{month:02d}-01", reason="new", killed=None,
            wounded=None, toll=0, channel="inapp", status="delivered", attempts=1, error=None,
            message={"kind": "warning", "language": language, "subject": "Alerte précoce : Jordanie"},
            created=utcnow(), delivered_at=utcnow())).scalar_one()


def test_stream_carries_warnings_replayed_and_recorded_by_another_process(client, monkeypatch):
    http, auth, app, world = client
    engine = world[0]
    http.post("/api/subscriptions", json={"name": "all", "language": "fr"}, headers=auth["jo"])
    http.post("/api/subscriptions", json={"name": "all", "language": "en"}, headers=auth["sa"])
    first = _alert(app, world)[0].log_id
    replayed = _warning(engine, "jo", "fr")  # before the stream opens: replayed after Last-Event-ID
    broker, polled, seen = app.state.alert_broker, threading.Event(), []
    monkeypatch.setattr(routes_alerts, "POLL_SECONDS", 0.05)
    real = routes_alerts.recent_alerts

    def watching(*args, **kwargs):
        found = real(*args, **kwargs)
        seen.extend(a["id"] for a in found)
        if later_id and later_id[0] in seen:
            polled.set()
        return found

    monkeypatch.setattr(routes_alerts, "recent_alerts", watching)
    later_id: list[int] = []

    def later():
        deadline = time.monotonic() + 5
        while broker.listeners("jo") == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        try:
            _warning(engine, "sa", "en")  # someone else's: never on jo's stream
            later_id.append(_warning(engine, "jo", "fr", month=11))
            polled.wait(10)
        finally:
            broker.close()

    thread = threading.Thread(target=later)
    thread.start()
    answer = http.get("/api/alerts/stream", headers={**auth["jo"], "Last-Event-ID": str(first)})
    thread.join()
    data = [json.loads(block.split("data: ", 1)[1]) for block in answer.text.split("\n\n") if block.startswith("id: ")]
    assert [d["id"] for d in data] == [replayed, later_id[0]]  # each once, in order, none of sa's
    assert all(d["kind"] == "warning" and d["language"] == "fr" for d in data)
