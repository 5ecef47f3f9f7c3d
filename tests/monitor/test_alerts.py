"""Alerts: matching, the sharing rule (property-tested), one alert per toll rise, messages in ar/en/fr."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from marsad.access.context import Viewer, load_viewer
from marsad.access.policy import can_see
from marsad.config import Settings
from marsad.model.incident import incident_fields
from marsad.monitor import alerts as alerts_module
from marsad.monitor.alert_messages import render_alert
from marsad.monitor.alerts import (
    SubscriptionIndex,
    alert_incident,
    recent_alerts,
    record_alerts,
    record_batch_alerts,
    public_base_url,
    subscription_matches,
)
from marsad.monitor.subscriptions import Subscription, active_subscriptions, create_subscription
from marsad.store.alerts import alert_log, alert_subscriptions
from marsad.store.audit import audit_log
from tests.monitor.alert_world import alert_world, incident, stored_incident

BASE = "https://marsad.example.org"
FIELDS = {"id": "incident--1", "name": "Explosion near a market", "description": "Blast in the old souk",
          "country": "JO", "perpetrator": "Islamic State of Iraq and the Levant (ISIL)",
          "attack_types": ["Bombing/Explosion"], "themes": ["soft-targets"], "killed": 3, "wounded": 7}


@pytest.fixture
def world(tmp_path):
    engine, collection, ids = alert_world(f"sqlite:///{tmp_path / 'm.db'}")
    yield engine, collection, ids
    engine.dispose()


@pytest.mark.parametrize("filters, expected", [
    ({}, True),
    ({"countries": ["JO"]}, True),
    ({"countries": ["SA"]}, False),
    ({"regions": {"levant": ["SY", "JO", "LB"]}}, True),
    ({"groups": ["islamic state of iraq and the levant (isil)"]}, True),
    ({"groups": ["Al-Shabaab"]}, False),
    ({"attack_types": ["Armed Assault", "Bombing/Explosion"]}, True),
    ({"attack_types": ["Armed Assault"]}, False),
    ({"themes": ["soft-targets"]}, True),
    ({"themes": ["drones"]}, False),
    ({"min_killed": 3, "min_wounded": 7, "min_casualties": 10}, True),
    ({"min_killed": 4}, False),
    ({"min_casualties": 11}, False),
    ({"keywords": ["SOUK", "market"]}, True),
    ({"keywords": ["market", "airport"]}, False),
])
def test_each_filter(filters, expected):
    assert subscription_matches(filters, FIELDS) is expected


def test_keywords_are_folded_arabic():
    fields = {**FIELDS, "name": "انفجار قرب سوقٍ في إربد", "description": None}
    assert subscription_matches({"keywords": ["اربد"]}, fields)
    assert not subscription_matches({"keywords": ["عمان"]}, fields)


filters_st = st.fixed_dictionaries({}, optional={
    "countries": st.lists(st.sampled_from(["JO", "SA", "EG", "IQ"]), min_size=1, max_size=2, unique=True),
    "regions": st.just({"gulf": ["SA", "AE"]}),
    "groups": st.lists(st.sampled_from(["ISIL", "Al-Shabaab"]), min_size=1, max_size=2, unique=True),
    "attack_types": st.lists(st.sampled_from(["Armed Assault", "Bombing/Explosion"]), min_size=1, unique=True),
    "min_killed": st.integers(0, 5),
    "keywords": st.lists(st.sampled_from(["market", "MARKET", "x", "سوق", "Irbid"]), min_size=1, max_size=2,
                         unique=True),
})
fields_st = st.fixed_dictionaries({
    "id": st.just("incident--1"), "name": st.sampled_from(["x", "Blast at a Market", "انفجار قرب سوقٍ"]),
    "description": st.sampled_from([None, "", "in irbid"]),
    "country": st.sampled_from(["JO", "SA", "EG", "AE", None]),
    "perpetrator": st.sampled_from(["ISIL", "Al-Shabaab", "Unknown", None]),
    "attack_types": st.lists(st.sampled_from(["Armed Assault", "Bombing/Explosion", "Hijacking"]), unique=True),
    "killed": st.one_of(st.none(), st.integers(0, 6)), "wounded": st.none(),
})


@given(subs=st.lists(filters_st, max_size=12), fields=fields_st)
def test_index_finds_exactly_the_matching_subscriptions(subs, fields):
    """Whether or not some subscription has keywords (the index folds an incident's text only then)."""
    subscriptions = [Subscription(id=i, username="u", name=str(i), filters=f) for i, f in enumerate(subs)]
    index = SubscriptionIndex(subscriptions)
    expected = {s.id for s in subscriptions if subscription_matches(s.filters, fields)}
    assert {s.id for s in index.matching(fields)} == expected


def _viewer(engine, username: str) -> Viewer:
    with engine.connect() as conn:
        return load_viewer(conn, username)


def _count(engine, **where) -> int:
    query = select(func.count()).select_from(alert_log)
    for key, value in where.items():
        query = query.where(alert_log.c[key] == value)
    with engine.connect() as conn:
        return conn.execute(query).scalar()


def test_alerts_only_those_who_may_see_the_incident(world):
    engine, collection, ids = world
    for user in ("sa", "jo", "eg"):
        create_subscription(engine, user, "Jordan", {"countries": ["JO"]}, language="en")
    index = SubscriptionIndex(active_subscriptions(engine))
    amber = incident(collection, by=ids["SA"], tlp="amber", release_to=["JO"])
    sent = record_alerts(engine, amber, index, base_url=BASE)
    assert sorted(p.subscription.username for p in sent) == ["jo", "sa"]  # originator and the listed state
    red = incident(collection, by=ids["EG"], tlp="red")
    assert [p.subscription.username for p in record_alerts(engine, red, index, base_url=BASE)] == ["eg"]


def test_one_alert_per_toll_rise_never_per_report(world):
    engine, collection, ids = world
    create_subscription(engine, "jo", "Big", {"countries": ["JO"], "min_killed": 5}, language="en")
    index = SubscriptionIndex(active_subscriptions(engine))

    def report(killed, wounded=0):
        return record_alerts(engine, incident(collection, by=ids["SA"], incident_id="incident--" + "1" * 8 +
                                              "-1111-4111-8111-111111111111", killed=killed, wounded=wounded),
                             index, base_url=BASE)

    assert report(2) == []  # below the threshold: no match
    first = report(6)
    assert [p.message.data["reason"] for p in first] == ["new"]
    assert report(6) == [] and report(6) == []  # identical updates
    assert report(5, 1) == []  # same toll, different split
    assert report(4) == []  # a lower figure (and below the threshold)
    rise = report(9, 2)
    assert [p.message.data["reason"] for p in rise] == ["toll"]
    assert "6 killed, 0 wounded" in rise[0].message.text and "9 killed, 2 wounded" in rise[0].message.subject
    assert _count(engine) == 2


def test_concurrent_duplicate_is_stopped_by_the_unique_key(world, monkeypatch):
    engine, collection, ids = world
    create_subscription(engine, "jo", "all", {})
    index = SubscriptionIndex(active_subscriptions(engine))
    event = incident(collection, by=ids["SA"])
    assert len(record_alerts(engine, event, index, base_url=BASE)) == 1
    # a second worker that read "nothing alerted yet" before the first committed
    monkeypatch.setattr(alerts_module, "_previous", lambda *args: {})
    assert record_alerts(engine, event, index, base_url=BASE) == []
    assert _count(engine) == 1


def test_alert_incident_hands_pending_alerts_to_the_dispatcher_and_lists_them(world):
    engine, collection, ids = world
    create_subscription(engine, "jo", "all", {}, language="ar")

    class Recorder:
        def __init__(self):
            self.got = []

        def deliver(self, db, pending):
            self.got.extend(pending)

    recorder = Recorder()
    event = stored_incident(engine, collection, by=ids["SA"])
    alert_incident(engine, event, SubscriptionIndex(active_subscriptions(engine)), base_url=BASE, dispatcher=recorder)
    assert [p.channel for p in recorder.got] == ["inapp"]
    listed = recent_alerts(engine, _viewer(engine, "jo"))
    assert listed[0]["incident_id"] == event.obj["id"] and listed[0]["subscription"] == "all"
    assert recent_alerts(engine, _viewer(engine, "sa")) == []


@pytest.mark.parametrize("lang, words", [
    ("en", ["Bombing/Explosion", "Amman, Jordan", "2026-11-20", "Killed: 3", "Wounded: 7", "ISIL"]),
    ("fr", ["Attentat à l'explosif", "Amman, Jordanie", "Tués : 3", "Blessés : 7"]),
    ("ar", ["تفجير", "الأردن", "القتلى: 3", "الجرحى: 7"]),
])
def test_messages_say_what_the_record_says_in_each_language(lang, words):
    fields = incident_fields(incident("c", by="identity--00000000-0000-4000-8000-000000000001",
                                      perpetrator="ISIL").obj)
    message = render_alert(fields, lang, BASE + "/")
    for word in words:
        assert word in message.text
    assert message.url == f"{BASE}/incidents/{fields['id']}" and message.url in message.text
    assert ('dir="rtl"' in message.html) is (lang == "ar")


def test_missing_facts_are_said_to_be_missing_not_invented():
    fields = {"id": "incident--1", "attack_types": [], "country": None, "killed": None, "wounded": None,
              "perpetrator": "Unknown", "occurred": "2026-11-01", "occurred_precision": "month"}
    text = render_alert(fields, "en", BASE).text
    assert "Incident in place unknown" in text and "(2026-11)" in text
    assert "Perpetrator: unknown" in text and "Killed: not reported" in text
    assert "<script>" not in render_alert({**fields, "city": "<script>"}, "en", BASE).html


# --- the sharing property ---------------------------------------------------------------------------------------
IDS = [f"identity--00000000-0000-4000-8000-00000000000{i}" for i in range(4)]
COLLECTIONS = ["c1", "c2"]
viewer_st = st.builds(
    lambda who, country, member, grants: Viewer(username="?", identity_id=IDS[who], country=country,
                                                 member_read=frozenset(member), grants=grants),
    st.integers(0, 3), st.sampled_from(["SA", "JO", "EG"]), st.sets(st.sampled_from(COLLECTIONS)),
    st.dictionaries(st.sampled_from(COLLECTIONS), st.sampled_from(["green", "amber", "amber+strict", "red"]),
                    max_size=1))
marking_st = st.fixed_dictionaries({
    "by": st.sampled_from(IDS), "tlp": st.sampled_from([None, "clear", "green", "amber", "amber+strict", "red"]),
    "release_to": st.lists(st.sampled_from(IDS + ["SA", "JO", "EG", "user:sa", "user:jo"]), max_size=3, unique=True),
    "collections": st.sets(st.sampled_from(COLLECTIONS)),
})
SUB_FILTERS = st.sampled_from([{}, {"countries": ["JO"]}, {"countries": ["SA"]}, {"min_killed": 1}])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(viewers=st.fixed_dictionaries({u: viewer_st for u in ("sa", "jo", "eg")}), marking=marking_st,
       subs=st.lists(st.tuples(st.sampled_from(["sa", "jo", "eg"]), SUB_FILTERS), max_size=6))
def test_no_alert_ever_reaches_a_user_who_may_not_see_the_incident(world, viewers, marking, subs):
    engine, _, _ = world
    viewers = {u: Viewer(**{**v.__dict__, "username": u, "grants": dict(v.grants)}) for u, v in viewers.items()}
    with engine.begin() as conn:
        conn.execute(delete(alert_subscriptions))
    for i, (user, filters) in enumerate(subs):
        create_subscription(engine, user, f"s{i}", filters)
    event = incident("c1", by=marking["by"], tlp=marking["tlp"] or "green", release_to=marking["release_to"])
    event = type(event).of(event.obj, tlp=marking["tlp"], release_to=marking["release_to"],
                           collections=marking["collections"])
    index = SubscriptionIndex(active_subscriptions(engine))
    sent = record_alerts(engine, event, index, base_url=BASE, viewer_of=viewers.get)
    for alert in sent:
        assert can_see(viewers[alert.subscription.username], event.facts, event.collections)
    fields = incident_fields(dict(event.obj))
    expected = {s.id for s in index.matching(fields)
                if can_see(viewers[s.username], event.facts, event.collections)}
    assert {a.subscription.id for a in sent} == expected  # and nobody who may see it is left out


def test_recording_on_each_backend(database_url, monkeypatch):
    engine, collection, ids = alert_world(database_url)
    try:
        create_subscription(engine, "jo", "all", {}, webhook_url="https://hooks.example.org/h")
        index = SubscriptionIndex(active_subscriptions(engine))
        event = incident(collection, by=ids["SA"], incident_id="incident--22222222-2222-4222-8222-222222222222")
        assert sorted(p.channel for p in record_alerts(engine, event, index, base_url=BASE)) == ["inapp", "webhook"]
        monkeypatch.setattr(alerts_module, "_previous", lambda *args: {})  # as if racing the first worker
        assert record_alerts(engine, event, index, base_url=BASE) == []
        monkeypatch.undo()
        higher = incident(collection, by=ids["SA"], incident_id=event.obj["id"], killed=30)
        assert [p.message.data["reason"] for p in record_alerts(engine, higher, index, base_url=BASE)] == ["toll"] * 2
        assert _count(engine) == 4
    finally:
        engine.dispose()


def test_links_use_the_public_url_setting():
    assert public_base_url(Settings(public_url="https://hub.example.org/marsad/")) == "https://hub.example.org/marsad"
    assert public_base_url(Settings(host="10.0.0.5", port=9000)) == "http://10.0.0.5:9000"


def test_alerts_and_subscription_changes_are_audited(world):
    engine, collection, ids = world
    sub = create_subscription(engine, "jo", "all", {})
    record_alerts(engine, incident(collection, by=ids["SA"]), SubscriptionIndex(active_subscriptions(engine)),
                  base_url=BASE)
    with engine.connect() as conn:
        entries = conn.execute(select(audit_log.c.actor, audit_log.c.action, audit_log.c.detail)
                               .where(audit_log.c.actor == "jo").order_by(audit_log.c.seq)).all()
    assert [(e.action, e.detail.get("change") or e.detail.get("via")) for e in entries] == [
        ("admin", "subscription.add"), ("read", "alert")]
    assert entries[0].detail["subscription"] == sub.id


def test_a_batch_of_incidents_is_alerted_with_one_audit_entry_per_user(world):
    engine, collection, ids = world
    create_subscription(engine, "jo", "all", {})
    create_subscription(engine, "sa", "big", {"min_killed": 5})
    index = SubscriptionIndex(active_subscriptions(engine))
    small = incident(collection, by=ids["SA"], killed=1)
    big = incident(collection, by=ids["SA"], killed=8, tlp="amber", release_to=["SA"])
    sent = record_batch_alerts(engine, [small, big], index, base_url=BASE)
    # jo may not see the amber one; sa's threshold leaves out the small one
    assert sorted((p.subscription.username, p.channel) for p in sent) == [("jo", "inapp"), ("sa", "inapp")]
    assert record_batch_alerts(engine, [small, big], index, base_url=BASE) == []  # no toll rise: nothing again
    with engine.connect() as conn:
        reads = conn.execute(select(audit_log.c.actor, audit_log.c.object_ids).where(audit_log.c.action == "read")
                             .order_by(audit_log.c.seq)).all()
    assert [(r.actor, list(r.object_ids)) for r in reads] == [("jo", [small.obj["id"]]), ("sa", [big.obj["id"]])]
    higher = [incident(collection, by=ids["SA"], incident_id=small.obj["id"], killed=4),
              incident(collection, by=ids["SA"], incident_id=big.obj["id"], killed=9, tlp="amber", release_to=["SA"])]
    rises = record_batch_alerts(engine, higher, index, base_url=BASE)
    assert sorted((p.subscription.username, p.message.data["reason"]) for p in rises) == [("jo", "toll"), ("sa", "toll")]


def _warning_row(engine, subscription_id: int, language: str, subject: str) -> int:
    """An early-warning row as ``marsad.web.warning_alerts`` records it (incident id ``warning:…``, toll 0)."""
    with engine.begin() as conn:
        return conn.execute(alert_log.insert().returning(alert_log.c.id).values(
            subscription_id=subscription_id, incident_id="warning:month:country:JO:2026-10-01", reason="new",
            killed=None, wounded=None, toll=0, channel="inapp", status="delivered", attempts=1, error=None,
            message={"kind": "warning", "language": language, "subject": subject},
            created=alerts_module.utcnow(), delivered_at=alerts_module.utcnow())).scalar_one()


def test_recent_alerts_list_warnings_with_incident_alerts_in_the_subscribers_language(world):
    engine, collection, ids = world
    jo = create_subscription(engine, "jo", "all", {}, language="fr")
    event = stored_incident(engine, collection, by=ids["SA"])
    record_alerts(engine, event, SubscriptionIndex(active_subscriptions(engine)), base_url=BASE)
    warning_id = _warning_row(engine, jo.id, "fr", "Alerte précoce : Jordanie")
    listed = recent_alerts(engine, _viewer(engine, "jo"))
    assert [a["id"] for a in listed][0] == warning_id and len(listed) == 2
    assert {a.get("kind", "incident") for a in listed} == {"warning", "incident"}
    assert all(a["language"] == "fr" for a in listed)
    assert [a["id"] for a in recent_alerts(engine, _viewer(engine, "jo"), after_id=warning_id - 1)] == [warning_id]
    assert alerts_module.latest_alert_id(engine, _viewer(engine, "jo")) == warning_id
    assert recent_alerts(engine, _viewer(engine, "sa")) == []  # another user's warning is never listed
    assert alerts_module.latest_alert_id(engine, _viewer(engine, "sa")) == 0
