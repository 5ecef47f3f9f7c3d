"""Map endpoints: sign-in required, shapes cached by ETag, markers only of what the caller may see."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from marsad.access.accounts import create_api_key
from marsad.config import Settings
from marsad.web import routes_map
from marsad.web.errors import install_error_handlers
from tests.monitor.alert_world import alert_world, stored_incident


@pytest.fixture
def client(tmp_path):
    engine, collection, ids = alert_world(f"sqlite:///{tmp_path / 'm.db'}")
    auth = {}
    for user in ("sa", "jo", "eg"):
        key, _ = create_api_key(engine, user)
        auth[user] = {"Authorization": f"Bearer {key}"}
    app = FastAPI()
    app.state.engine = engine
    app.state.settings = Settings(data_dir=tmp_path)
    app.state.closers = []
    install_error_handlers(app)
    routes_map.register(app)
    shared = stored_incident(engine, collection, by=ids["SA"], tlp="green", latitude=31.95, longitude=35.93,
                             name="Shared")
    secret = stored_incident(engine, collection, by=ids["SA"], tlp="amber", release_to=("SA",), latitude=24.7,
                             longitude=46.7, country="SA", city="Riyadh", occurred="2026-11-21")
    with TestClient(app) as http:
        yield http, auth, {"shared": shared.obj["id"], "secret": secret.obj["id"]}
    engine.dispose()


@pytest.mark.parametrize("path", ["/web/map/shapes.geojson", "/web/map/incidents.geojson"])
def test_sign_in_is_required(client, path):
    http, _, _ = client
    assert http.get(path).status_code == 401


def test_shapes_are_served_once_then_not_modified(client):
    http, auth, _ = client
    first = http.get("/web/map/shapes.geojson", headers=auth["jo"])
    assert first.status_code == 200 and first.headers["content-type"].startswith("application/geo+json")
    etag = first.headers["etag"]
    members = {f["properties"]["code"] for f in first.json()["features"] if f["properties"]["member"]}
    assert {"SA", "JO", "EG", "MA"} <= members and "FR" not in members
    again = http.get("/web/map/shapes.geojson", headers={**auth["jo"], "If-None-Match": etag})
    assert again.status_code == 304 and not again.content


def test_markers_show_only_what_the_caller_may_see(client):
    http, auth, ids = client
    mine = http.get("/web/map/incidents.geojson", headers=auth["sa"]).json()
    assert {f["properties"]["id"] for f in mine["features"]} == {ids["shared"], ids["secret"]}
    assert mine["total"] == 2 and mine["features"][0]["properties"]["id"] == ids["secret"]  # newest first
    theirs = http.get("/web/map/incidents.geojson", headers=auth["jo"])
    assert theirs.headers["cache-control"] == "no-store"
    assert [f["properties"]["id"] for f in theirs.json()["features"]] == [ids["shared"]]
    assert theirs.json()["total"] == 1
    assert ids["secret"] not in theirs.text and "Riyadh" not in theirs.text


def test_markers_filters_language_and_clusters(client):
    http, auth, ids = client
    box = http.get("/web/map/incidents.geojson?bbox=30,20,40,35", headers=auth["sa"]).json()
    assert [f["properties"]["id"] for f in box["features"]] == [ids["shared"]]
    english = http.get("/web/map/incidents.geojson?lang=en&country=SA", headers=auth["sa"]).json()
    assert english["features"][0]["properties"]["country_name"] == "Saudi Arabia"
    assert english["features"][0]["properties"]["url"] == f"/incidents/{ids['secret']}"
    assert english["features"][0]["properties"]["city"] == "Riyadh"
    arabic = http.get("/web/map/incidents.geojson?lang=ar&country=SA", headers=auth["sa"]).json()
    assert arabic["features"][0]["properties"]["city"] == "الرياض"  # popups: the gazetteer's Arabic name
    clusters = http.get("/web/map/incidents.geojson?limit=1&zoom=0", headers=auth["sa"]).json()
    assert clusters["mode"] == "clusters" and sum(f["properties"]["count"] for f in clusters["features"]) == 2
    assert all("id" not in f["properties"] for f in clusters["features"])


@pytest.mark.parametrize("query", ["bbox=1,2,3", "bbox=x,y,z,w", "zoom=40", "country=ZZ", "limit=0",
                                   "since=yesterday"])
def test_bad_parameters_are_clear_400s(client, query):
    http, auth, _ = client
    answer = http.get(f"/web/map/incidents.geojson?{query}", headers=auth["sa"])
    assert answer.status_code == 400 and answer.json()["title"] == "InputError"
