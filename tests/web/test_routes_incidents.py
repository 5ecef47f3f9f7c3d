"""The incidents API: sign-in, only visible incidents and reports (property-tested against ``can_see``), filters,
404 for hidden incidents, audited reads, and officers' submissions queued with their marking."""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from datetime import datetime, timezone

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given, settings
from sqlalchemy import select

from marsad.access.accounts import create_api_key, create_user
from marsad.access.context import load_viewer
from marsad.access.policy import can_see
from marsad.access.sessions import issue_session
from marsad.config import Settings
from marsad.model.incident import incident_fields, make_incident
from marsad.model.markings import mark, releasability_marking
from marsad.monitor.items import make_item
from marsad.monitor.pipeline import Pipeline
from marsad.monitor.queue import enqueue
from marsad.store import Store
from marsad.store.audit import audit_log
from marsad.store.pipeline_items import pipeline_items
from marsad.web import app as web_app
from marsad.web import routes_incidents
from marsad.web.errors import install_error_handlers
from marsad.web.web_auth import CSRF_HEADER, SESSION_COOKIE
from tests.access.conftest import _engines, cheap_password_hashing, engine  # noqa: F401 - fixtures
from tests.access.worlds import DB_SETTINGS, store_world, world_st
from tests.monitor.alert_world import alert_world

R = "report--00000000-0000-4000-8000-0000000000{:02d}"


SECRET = "k" * 40


def _app(engine) -> FastAPI:
    app = FastAPI()
    app.state.engine = engine
    app.state.secret_key = SECRET
    app.state.closers = []
    install_error_handlers(app)
    routes_incidents.register(app)
    return app


def _report(n: int, incident_id: str, *, by: str, tlp: str, release_to=()) -> dict:
    obj = {"type": "report", "spec_version": "2.1", "id": R.format(n), "created": "2026-11-20T10:00:00.000Z",
           "modified": "2026-11-20T10:00:00.000Z", "name": f"Report {n}", "published": "2026-11-20T09:00:00Z",
           "description": f"Text of report {n}.", "object_refs": [incident_id], "created_by_ref": by}
    return mark(obj, tlp=tlp, release_to=list(release_to) if release_to else None)


def _incident(by: str, tlp: str, refs: list[str], release_to=(), **fields) -> dict:
    gtd = {"country": "JO", "city": "Amman", "occurred": "2026-11-20", "attack_types": ["Bombing/Explosion"],
           "killed": 3, "perpetrator": "Islamic State of Iraq and the Levant (ISIL)", **fields}
    obj = make_incident(gtd.pop("name", "Explosion in Amman"), created_by_ref=by, report_refs=refs,
                        report_count=len(refs), **gtd)
    return mark(obj, tlp=tlp, release_to=list(release_to) if release_to else None)


@pytest.fixture
def world(tmp_path):
    engine, collection, ids = alert_world(f"sqlite:///{tmp_path / 'm.db'}")
    create_user(engine, "jo_auditor", "JO unit", "auditor", None)
    store = Store(engine)
    open_one = _incident(ids["SA"], "green", [R.format(1), R.format(2)])
    strict = _incident(ids["SA"], "amber+strict", [R.format(3)], release_to=["JO"], country="SA", city="Riyadh",
                       attack_types=["Armed Assault"], perpetrator="Al-Qaida in the Arabian Peninsula (AQAP)")
    objects = [releasability_marking(["JO"]), releasability_marking(["SA"]), open_one, strict,
               _report(1, open_one["id"], by=ids["SA"], tlp="green"),
               _report(2, open_one["id"], by=ids["SA"], tlp="amber+strict", release_to=["SA"]),
               _report(3, strict["id"], by=ids["SA"], tlp="amber+strict", release_to=["JO"])]
    store.put_objects(objects, collection_id=collection)
    auth = {}
    for user in ("sa", "jo", "eg", "jo_auditor"):
        key, _ = create_api_key(engine, user)
        auth[user] = {"Authorization": f"Bearer {key}"}
    with TestClient(_app(engine)) as http:
        yield http, auth, engine, {"open": open_one["id"], "strict": strict["id"], **ids}
    engine.dispose()


def test_registered_in_the_app_factory():
    assert routes_incidents in web_app.ROUTE_MODULES


@pytest.mark.parametrize("method, path", [("get", "/api/incidents"), ("get", "/api/incidents/incident--x"),
                                          ("post", "/api/reports")])
def test_sign_in_is_required(world, method, path):
    http = world[0]
    kwargs = {"json": {"text": "x"}} if method == "post" else {}
    assert getattr(http, method)(path, **kwargs).status_code == 401


def test_the_web_session_cookie_signs_in_and_its_posts_need_the_csrf_token(world):
    http, _, engine, ids = world
    token = issue_session(engine, SECRET, "eg")
    http.cookies.set(SESSION_COOKIE, token)
    assert {i["id"] for i in http.get("/api/incidents").json()["incidents"]} == {ids["open"]}
    body = {"text": "Gunmen attacked a checkpoint near Aswan.", "country": "EG"}
    assert http.post("/api/reports", json=body).status_code == 403
    csrf = hmac.new(SECRET.encode(), b"csrf:" + token.encode(), hashlib.sha256).hexdigest()
    assert http.post("/api/reports", json=body, headers={CSRF_HEADER: csrf}).status_code == 202
    http.cookies.clear()


def test_each_user_lists_what_it_may_see_with_only_visible_reports(world):
    http, auth, _, ids = world
    listed = {u: {i["id"]: i for i in http.get("/api/incidents", headers=auth[u]).json()["incidents"]}
              for u in ("sa", "jo", "eg")}
    assert set(listed["sa"]) == {ids["open"], ids["strict"]} and set(listed["jo"]) == {ids["open"], ids["strict"]}
    assert set(listed["eg"]) == {ids["open"]}
    assert listed["sa"][ids["open"]]["report_ids"] == [R.format(1), R.format(2)]
    assert listed["eg"][ids["open"]]["report_ids"] == [R.format(1)] and listed["eg"][ids["open"]]["report_count"] == 1
    assert "report_refs" not in listed["eg"][ids["open"]]  # the hidden report is neither listed nor counted
    row = listed["jo"][ids["strict"]]
    assert (row["country"], row["city"], row["killed"], row["tlp"]) == ("SA", "Riyadh", 3, "amber+strict")


def test_detail_has_the_visible_reports_in_full_and_hidden_incidents_are_404(world):
    http, auth, engine, ids = world
    detail = http.get(f"/api/incidents/{ids['open']}", headers=auth["eg"]).json()
    assert detail["incident"]["id"] == ids["open"] and [r["id"] for r in detail["reports"]] == [R.format(1)]
    assert detail["reports"][0]["description"] == "Text of report 1."
    hidden = http.get(f"/api/incidents/{ids['strict']}", headers=auth["eg"])
    unknown = http.get("/api/incidents/incident--00000000-0000-4000-8000-000000000000", headers=auth["eg"])
    assert hidden.status_code == unknown.status_code == 404
    with engine.connect() as conn:
        last = conn.execute(select(audit_log).where(audit_log.c.action == "read")
                            .order_by(audit_log.c.seq.desc())).first()
    assert last.actor == "eg" and set(last.object_ids) == {ids["open"], R.format(1)}


@pytest.mark.parametrize("query, expected", [
    ("country=sa", {"strict"}), ("country=JO", {"open"}), ("attack_type=Armed%20Assault", {"strict"}),
    ("group=islamic%20state%20of%20iraq%20and%20the%20levant%20(isil)", {"open"}), ("since=2000-01-01", {"open", "strict"}),
    ("since=2999-01-01", set()),
])
def test_filters(world, query, expected):
    http, auth, _, ids = world
    found = {i["id"] for i in http.get(f"/api/incidents?{query}", headers=auth["sa"]).json()["incidents"]}
    assert found == {ids[name] for name in expected}


@pytest.mark.parametrize("query", ["country=XX", "attack_type=Bombing", "since=yesterday", "cursor=garbage"])
def test_bad_filters_are_400_with_a_reason(world, query):
    http, auth, _, _ = world
    answer = http.get(f"/api/incidents?{query}", headers=auth["sa"])
    assert answer.status_code == 400 and answer.json()["description"]


def test_paging_returns_each_incident_once(world):
    http, auth, _, ids = world
    first = http.get("/api/incidents?limit=1", headers=auth["sa"]).json()
    second = http.get(f"/api/incidents?limit=1&cursor={first['next']}", headers=auth["sa"]).json()
    assert first["more"] and not second["more"]
    assert {first["incidents"][0]["id"], second["incidents"][0]["id"]} == {ids["open"], ids["strict"]}


def test_a_submission_is_queued_and_refusals_say_why(world):
    http, auth, engine, ids = world
    body = {"text": "Gunmen attacked a checkpoint near Irbid; one soldier was wounded.", "country": "JO",
            "wounded": 1, "tlp": "amber", "release_to": ["SA"]}
    answer = http.post("/api/reports", json=body, headers=auth["jo"])
    assert answer.status_code == 202 and answer.json()["created_by_ref"] == ids["JO"]
    bad = http.post("/api/reports", json={**body, "country": "Atlantis"}, headers=auth["jo"])
    assert bad.status_code == 400 and bad.json()["details"]["objects"][0]["code"] == "bad_country"
    assert http.post("/api/reports", json=body, headers=auth["jo_auditor"]).status_code == 403
    assert http.post("/api/reports", json=["x"], headers=auth["jo"]).status_code == 400
    with engine.connect() as conn:
        assert len(conn.execute(select(pipeline_items)).all()) == 1


# --- property: the listing is exactly what can_see allows -----------------------------------------------------

def _expected(stored, viewer) -> set[tuple[str, str]]:
    last = defaultdict(str)
    for facts, cols, version in stored.values():
        if facts.type == "incident" and can_see(viewer, facts, cols):
            last[facts.stix_id] = max(last[facts.stix_id], version)
    return set(last.items())


@settings(DB_SETTINGS, max_examples=8)
@given(world=world_st)
def test_the_listing_is_exactly_the_visible_incidents(engine, world):  # noqa: F811 - the fixture
    with engine.begin() as conn:
        stored = store_world(conn, world)
    keys = {f"u{i}": create_api_key(engine, f"u{i}")[0] for i in range(len(world["orgs"]))}
    with TestClient(_app(engine)) as http:
        for username, key in keys.items():
            with engine.connect() as conn:
                viewer = load_viewer(conn, username)
            found, cursor = [], None
            while True:
                page = http.get("/api/incidents", params={"limit": 2, **({"cursor": cursor} if cursor else {})},
                                headers={"Authorization": f"Bearer {key}"}).json()
                found.extend((i["id"], i["modified"]) for i in page["incidents"])
                if not page["more"]:
                    break
                cursor = page["next"]
            assert len(found) == len(set(found)) and set(found) == _expected(stored, viewer)


# --- curation through the API ----------------------------------------------------------------------------------

KIRKUK = [
    ("en", "A car bomb exploded in a crowded market in central Kirkuk, Iraq, on Monday 16 November 2026, killing six "
           "civilians and wounding nineteen others, police said. The Islamic State group claimed the bombing."),
    ("fr", "Une voiture piégée a explosé lundi 16 novembre 2026 dans un marché bondé du centre de Kirkouk, en Irak, "
           "tuant six civils et en blessant dix-neuf autres, selon la police. L'État islamique a revendiqué l'attentat."),
]


@pytest.fixture
def filed(tmp_path):
    """A world whose pipeline filed two reports of one event into one incident."""
    engine, collection, ids = alert_world(f"sqlite:///{tmp_path / 'c.db'}")
    create_user(engine, "jo_liaison", "JO unit", "liaison", None)
    items = [make_item(source_id=None, key=f"wire:{lang}", url=f"https://news.example.org/{lang}", title="",
                       text=text, published=datetime(2026, 11, 16, tzinfo=timezone.utc), language=lang)
             for lang, text in KIRKUK]
    with engine.begin() as conn:
        enqueue(conn, items)
    Pipeline(engine, Settings(data_dir=tmp_path), deliver=False).run_once()
    auth = {u: {"Authorization": f"Bearer {create_api_key(engine, u)[0]}"} for u in ("sa", "jo_liaison")}
    with TestClient(_app(engine)) as http:
        listed = http.get("/api/incidents", headers=auth["sa"]).json()["incidents"]
        assert len(listed) == 1 and listed[0]["report_count"] == 2
        yield http, auth, listed[0]
    engine.dispose()


def test_curation_confirm_correct_split_merge(filed):
    http, auth, incident = filed
    path = f"/api/incidents/{incident['id']}"
    confirmed = http.post(f"{path}/confirm", headers=auth["sa"])
    assert confirmed.status_code == 200
    assert incident_fields(confirmed.json()["incident"])["determination"] == "confirmed"
    corrected = http.post(f"{path}/correct", json={"changes": {"killed": 7}, "note": "hospital toll"}, headers=auth["sa"])
    assert corrected.status_code == 200 and incident_fields(corrected.json()["incident"])["killed"] == 7
    split = http.post(f"{path}/split", json={"report_ids": incident["report_ids"][:1]}, headers=auth["sa"])
    assert split.status_code == 200
    new_id = split.json()["incident"]["id"]
    counts = {i["id"]: i["report_count"] for i in http.get("/api/incidents", headers=auth["sa"]).json()["incidents"]}
    assert counts == {incident["id"]: 1, new_id: 1}
    merged = http.post(f"{path}/merge", json={"absorb": new_id}, headers=auth["sa"])
    assert merged.status_code == 200
    listed = http.get("/api/incidents", headers=auth["sa"]).json()["incidents"]
    assert [(i["id"], i["report_count"]) for i in listed] == [(incident["id"], 2)]  # the absorbed one is gone


@pytest.mark.parametrize("action, body, user, status", [
    ("confirm", None, "jo_liaison", 403),
    ("correct", {"changes": {"colour": "red"}}, "sa", 400),
    ("correct", {"changes": {"killed": -3}}, "sa", 400),
    ("split", {"report_ids": []}, "sa", 400),
    ("merge", {"absorb": "incident--00000000-0000-4000-8000-000000000000"}, "sa", 404),
])
def test_curation_refusals(filed, action, body, user, status):
    http, auth, incident = filed
    answer = http.post(f"/api/incidents/{incident['id']}/{action}", json=body, headers=auth[user])
    assert answer.status_code == status and answer.json()["description"]


def test_curation_needs_sign_in(filed):
    http, _, incident = filed
    assert http.post(f"/api/incidents/{incident['id']}/confirm").status_code == 401
