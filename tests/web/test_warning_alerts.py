"""Warnings become alerts: each subscriber's own view, only subscriptions watching the series, once per period."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from marsad.access import create_organisation, create_user, load_viewer, set_membership
from marsad.access.audit import export_entries
from marsad.analysis.warnings import Alert
from marsad.model import make_incident
from marsad.monitor.subscriptions import Subscription, create_subscription
from marsad.store import open_store
from marsad.store.alerts import alert_log
from marsad.web.warning_alerts import alert_warnings, recent_warning_alerts, render_warning, warning_key, watches

BASE = "https://marsad.example.org"
GROUP = "Group A"


def _history(collection_rows=14, last=10):
    """Iraq: 2 incidents a month for ``collection_rows`` months, then ``last`` in the month after (invented)."""
    rows = []
    for index in range(collection_rows + 1):
        year, month = 2020 + index // 12, index % 12 + 1
        for k in range(last if index == collection_rows else 2):
            rows.append(dict(occurred=f"{year}-{month:02d}-{k + 1:02d}", country="IQ", perpetrator=GROUP,
                             attack_types=["Armed Assault"], killed=1))
    return rows


@pytest.fixture
def world(database_url):
    store = open_store(database_url)
    engine = store.engine
    collection = store.create_collection("incidents").id
    store.put_objects([make_incident(f"i{n}", incident_id=f"incident--{uuid.uuid4()}", tlp="green",
                                     created="2021-06-01T00:00:00.000Z", **row) for n, row in enumerate(_history())],
                      collection_id=collection)
    create_organisation(engine, "Jordan CT", "JO")
    create_organisation(engine, "Oman CT", "OM")
    set_membership(engine, collection, "Jordan CT")
    create_user(engine, "ali", "Jordan CT", "analyst")
    create_user(engine, "omar", "Oman CT", "analyst")
    subs = {
        "iraq": create_subscription(engine, "ali", "Iraq", {"countries": ["IQ"]}, language="en"),
        "syria": create_subscription(engine, "ali", "Syria", {"countries": ["SY"]}, language="en"),
        "all": create_subscription(engine, "ali", "Everything", {}, language="ar",
                                   webhook_url="https://hooks.example.org/m"),
        "group": create_subscription(engine, "ali", "Group", {"groups": ["group a"]}, language="fr"),
        "outsider": create_subscription(engine, "omar", "All", {}, language="en"),
    }
    yield engine, subs
    engine.dispose()


def _log(engine):
    with engine.connect() as conn:
        return conn.execute(select(alert_log)).all()


def test_each_subscriber_gets_the_warnings_of_their_own_view(world):
    engine, subs = world
    run = alert_warnings(engine, base_url=BASE)
    assert run.subscribers == 2 and run.warnings >= 2
    got = {(p.subscription.name, p.channel, p.message.data["dimension"], p.message.data["key"]) for p in run.pending}
    assert ("Iraq", "inapp", "country", "IQ") in got
    assert ("Group", "inapp", "group", GROUP) in got
    assert ("Everything", "webhook", "attack_type", "Armed Assault") in got
    assert not any(name in ("Syria", "All") for name, *_ in got)  # Syria is quiet; Oman sees nothing
    assert all(p.message.data["period_start"] == "2021-03-01" for p in run.pending)
    statuses = {(row.channel, row.status) for row in _log(engine)}
    assert statuses == {("inapp", "delivered"), ("webhook", "pending")}


def test_a_rerun_records_nothing_twice(world):
    engine, _ = world
    first = alert_warnings(engine, base_url=BASE)
    again = alert_warnings(engine, base_url=BASE)
    assert first.pending and not again.pending and len(_log(engine)) == len(first.pending)


def test_in_app_warning_alerts_are_listed_and_the_read_is_audited(world):
    engine, _ = world
    alert_warnings(engine, base_url=BASE)
    with engine.connect() as conn:
        ali, omar = load_viewer(conn, "ali"), load_viewer(conn, "omar")
    listed = recent_warning_alerts(engine, ali)
    assert listed and all(a["kind"] == "warning" for a in listed)
    assert {a["subscription"] for a in listed} >= {"Iraq", "Group", "Everything"}
    assert recent_warning_alerts(engine, omar) == []
    reads = [e for e in export_entries(engine) if e["action"] == "read" and e["detail"].get("via") == "warning-alert"]
    assert [e["actor"] for e in reads] == ["ali"]


def test_messages_in_three_languages():
    alert = Alert("country", "IQ", date(2021, 3, 1), 10, 2.0, 1.2, 0.0001)
    english = render_warning(alert, "month", "en", BASE, subscription="Iraq")
    assert english.subject == "Early warning: Iraq — 10 incidents in March 2021 (about 2.0 expected)"
    assert "by=country" in english.url and "IQ" in english.url
    arabic = render_warning(alert, "month", "ar", BASE)
    assert arabic.subject.startswith("إنذار مبكر: العراق — ١٠ حوادث في مارس ٢٠٢١") and 'dir="rtl"' in arabic.html
    french = render_warning(alert, "month", "fr", BASE)
    assert french.subject.startswith("Alerte précoce : Irak — 10 incidents en mars 2021")


def test_which_subscriptions_watch_a_series():
    def sub(filters):
        return Subscription(1, "ali", "s", filters)
    iraq = Alert("country", "IQ", date(2021, 3, 1), 10, 2.0, 1.0, 0.001)
    assert watches(sub({}), iraq) and watches(sub({"min_killed": 5}), iraq)
    assert watches(sub({"regions": {"Levant": ["SY", "IQ"]}}), iraq)
    assert not watches(sub({"countries": ["SY"]}), iraq)
    assert not watches(sub({"groups": ["X"]}), iraq)  # names another series
    assert watches(sub({"themes": ["terrorism-financing"]}),
                   Alert("theme", "terrorism-financing", date(2021, 3, 1), 3, 0.1, 1.0, 0.001))
    assert warning_key(iraq, "month") == "warning:month:country:IQ:2021-03-01"
