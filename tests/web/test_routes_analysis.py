"""The analysis API: sign-in, trends and warnings over what the caller may see, briefs and similar incidents
(404 alike for hidden and missing), OpenAPI models — and a property test that API counts equal the policy's."""

from __future__ import annotations

import json
import uuid
from collections import Counter

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marsad.access import can_see, create_organisation, create_user, load_viewer, object_facts, set_membership
from marsad.access.accounts import create_api_key
from marsad.access.audit import export_entries
from marsad.model import incident_fields, make_incident
from marsad.model.markings import releasability_marking
from marsad.store import open_store, stix_objects
from marsad.web import app as web_app
from marsad.web import routes_analysis
from marsad.web.errors import install_error_handlers
from tests.analysis.brief_world import ISIL, brief_world

ORG_B = "identity--0000000b-0000-4000-8000-000000000000"


def _client_for(engine) -> TestClient:
    app = FastAPI()
    app.state.engine = engine
    app.state.closers = []
    install_error_handlers(app)
    routes_analysis.register(app)
    return TestClient(app)


def _reader(engine, collection: str | None) -> tuple[dict, str]:
    """A Jordanian analyst (organisation member of ``collection``) and their API key header."""
    org = create_organisation(engine, "Jordan CT", "JO")
    create_user(engine, "ali", "Jordan CT", "analyst", language="en")
    if collection:
        set_membership(engine, collection, "Jordan CT")
    key, _ = create_api_key(engine, "ali")
    return {"Authorization": f"Bearer {key}"}, org.identity_id


@pytest.fixture
def world(database_url):
    store, collection, ids = brief_world(database_url)
    auth, _ = _reader(store.engine, collection)
    with _client_for(store.engine) as http:
        yield http, auth, ids
    store.engine.dispose()


def test_registered_in_the_app_factory():
    assert routes_analysis in web_app.ROUTE_MODULES


@pytest.mark.parametrize("path", ["/api/trends", "/api/warnings", "/api/warnings/alerts",
                                  "/api/graph/neighbours?node=x", "/api/graph/export",
                                  "/api/incidents/incident--x/brief",
                                  "/api/incidents/incident--x/similar"])
def test_sign_in_is_required(world, path):
    http, _, _ = world
    assert http.get(path).status_code == 401


def test_trends_compare_periods_and_filter(world):
    http, auth, _ = world
    body = http.get("/api/trends", params={"by": "group", "period": "month", "at": "2024-03-15"},
                    headers=auth).json()
    assert (body["current"], body["previous"], body["last_year"]) == ("2024-03-01", "2024-02-01", "2023-03-01")
    isil = next(line for line in body["lines"] if line["key"] == ISIL)
    # March 2024: the target only (the RED one is hidden); February: same_group; March 2023: nothing
    assert (isil["current"]["incidents"], isil["previous"]["incidents"], isil["last_year"]["incidents"]) == (1, 1, 0)
    assert body["total"]["current"]["incidents"] == 2  # target + elsewhere (Yemen)
    alltime = http.get("/api/trends", params={"by": "country", "period": "all", "attack_type": "Bombing/Explosion"},
                       headers=auth).json()
    assert {line["key"]: line["current"]["incidents"] for line in alltime["lines"]} == {"IQ": 4}
    assert alltime["filters"] == {"attack_type": "Bombing/Explosion"} and alltime["total"]["current"]["incidents"] == 4


def test_bad_trend_and_warning_parameters_are_400(world):
    http, auth, _ = world
    assert http.get("/api/trends", params={"by": "colour"}, headers=auth).status_code == 400
    assert http.get("/api/trends", params={"period": "decade"}, headers=auth).status_code == 400
    assert http.get("/api/warnings", params={"by": "colour"}, headers=auth).status_code == 400
    assert http.get("/api/trends", params=[("country", "IQ"), ("country", "SY")], headers=auth).status_code == 400


def test_warnings_answer_the_model(world):
    http, auth, _ = world
    body = http.get("/api/warnings", params={"period": "month", "at": "2024-03-15"}, headers=auth).json()
    assert body["period"] == "month" and isinstance(body["alerts"], list)


def test_warning_alerts_of_the_caller(world):
    http, auth, _ = world
    assert http.get("/api/warnings/alerts", headers=auth).json() == {"alerts": []}


def test_brief_in_the_callers_language_and_others(world):
    http, auth, ids = world
    body = http.get(f"/api/incidents/{ids['target']}/brief", headers=auth).json()
    assert body["lang"] == "en" and body["headline"]["text"] == "Bombing/Explosion in Baghdad, Iraq, 10 March 2024."
    assert body["text"].startswith("Incident brief") and body["activity"]["last_90_days"]["incidents"] == 3
    arabic = http.get(f"/api/incidents/{ids['target']}/brief", params={"lang": "ar"}, headers=auth).json()
    assert arabic["direction"] == "rtl" and "قتيلان" in arabic["text"]
    assert http.get(f"/api/incidents/{ids['target']}/brief", params={"lang": "de"}, headers=auth).status_code == 400


def test_hidden_and_missing_incidents_answer_the_same_404(world):
    http, auth, ids = world
    absent = "incident--00000000-0000-4000-8000-000000000000"
    hidden = http.get(f"/api/incidents/{ids['hidden']}/brief", headers=auth)
    missing = http.get(f"/api/incidents/{absent}/brief", headers=auth)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == {**missing.json(), "description": missing.json()["description"].replace(absent,
                                                                                                    ids["hidden"])}
    assert http.get(f"/api/incidents/{ids['hidden']}/similar", headers=auth).status_code == 404


def test_similar_incidents(world):
    http, auth, ids = world
    body = http.get(f"/api/incidents/{ids['target']}/similar", params={"limit": 2}, headers=auth).json()
    assert [s["incident_id"] for s in body["similar"]] == [ids["same_group_city"], ids["same_city"]]
    assert body["similar"][0]["reasons"] == ["group", "city", "tactic", "weapon", "target"]


def test_openapi_documents_the_models(world):
    http, _, _ = world
    spec = http.get("/openapi.json").json()
    for path in ("/api/trends", "/api/warnings", "/api/incidents/{incident_id}/brief",
                 "/api/incidents/{incident_id}/similar"):
        assert path in spec["paths"]
    schemas = spec["components"]["schemas"]
    assert {"TrendsResponse", "WarningsResponse", "BriefResponse", "SimilarResponse"} <= set(schemas)


def _group_node(http, auth) -> str:
    nodes = http.get("/api/graph/export", params={"format": "json"}, headers=auth).json()["nodes"]
    return next(n["id"] for n in nodes if n["kind"] == "group" and "ISIL" in str(n.get("label")))


def test_graph_neighbours_and_path_hold_only_visible_incidents(world):
    http, auth, ids = world
    group = _group_node(http, auth)
    body = http.get("/api/graph/neighbours", params={"node": group}, headers=auth).json()
    near = {n["id"] for n in body["neighbours"]}
    assert ids["target"] in near and ids["same_group"] in near and ids["hidden"] not in near
    assert all(n["distance"] == 1 for n in body["neighbours"])
    path = http.get("/api/graph/path", params={"a": ids["target"], "b": ids["same_group"]}, headers=auth).json()
    assert [n["id"] for n in path["path"]][0] == ids["target"] and len(path["path"]) == 3  # through the group
    hidden = http.get("/api/graph/neighbours", params={"node": ids["hidden"]}, headers=auth)
    missing = http.get("/api/graph/neighbours", params={"node": "incident--nope"}, headers=auth)
    assert hidden.status_code == missing.status_code == 404


def test_graph_communities_centrality_and_exports(world):
    http, auth, ids = world
    communities = http.get("/api/graph/communities", headers=auth).json()["communities"]
    assert communities and all(len(c) >= 2 for c in communities)
    central = http.get("/api/graph/centrality", params={"top": 3, "kind": "group"}, headers=auth).json()["nodes"]
    assert central and all(n["kind"] == "group" for n in central)
    graphml = http.get("/api/graph/export", params={"format": "graphml"}, headers=auth)
    assert graphml.status_code == 200 and graphml.headers["content-type"].startswith("application/graphml+xml")
    assert ids["target"] in graphml.text and ids["hidden"] not in graphml.text
    bundle = http.get("/api/graph/export", params={"format": "stix"}, headers=auth).json()
    assert bundle["type"] == "bundle" and ids["hidden"] not in json.dumps(bundle)
    assert http.get("/api/graph/export", params={"format": "pdf"}, headers=auth).status_code == 400
    engine = http.app.state.engine
    exports = [e for e in export_entries(engine) if e["action"] == "export"]
    assert [e["detail"]["format"] for e in exports] == ["graphml", "stix"] and exports[0]["actor"] == "ali"


MARKINGS = st.sampled_from(["clear", "green", "amber", "amber+strict", "red"])


@pytest.fixture
def api_world(database_url):
    store = open_store(database_url)
    auth, identity = _reader(store.engine, None)
    with _client_for(store.engine) as http:
        yield store, http, auth, identity
    store.engine.dispose()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(MARKINGS, st.sampled_from(["IQ", "SY", "YE"]), st.sampled_from(["mine", None, ORG_B]),
                               st.sampled_from([None, ("JO",), ("user:ali",), (ORG_B, "SA")])),
                     min_size=1, max_size=10),
       member=st.booleans())
def test_api_trend_counts_equal_what_the_policy_lets_the_caller_see(api_world, rows, member):
    store, http, auth, identity = api_world
    collection = store.create_collection(f"c-{uuid.uuid4()}").id
    if member:
        set_membership(store.engine, collection, "Jordan CT")
    objects = [make_incident(f"x{n}", incident_id=f"incident--{uuid.uuid4()}", occurred="2024-05-01",
                             country=country, tlp=tlp, release_to=list(release) if release else None,
                             created_by_ref=identity if author == "mine" else author,
                             created="2024-01-01T00:00:00.000Z")
               for n, (tlp, country, author, release) in enumerate(rows)]
    definitions = {m["id"]: m for r in rows if r[3] for m in [releasability_marking(list(r[3]))]}
    store.put_objects([*definitions.values(), *objects], collection_id=collection)
    body = http.get("/api/trends", params={"by": "country", "period": "all", "collection": collection},
                    headers=auth).json()
    got = {line["key"]: line["current"]["incidents"] for line in body["lines"]}
    with store.engine.connect() as conn:
        viewer = load_viewer(conn, "ali")
        stored = conn.execute(stix_objects.select().where(stix_objects.c.stix_id.in_([o["id"] for o in objects])))
        expected = Counter(incident_fields(row.object)["country"]
                           for row in stored if can_see(viewer, object_facts(row), [collection]))
    assert got == dict(expected)
    monthly = http.get("/api/trends", params={"by": "country", "period": "month", "at": "2024-05-01",
                                              "collection": collection}, headers=auth).json()
    assert {line["key"]: line["current"]["incidents"] for line in monthly["lines"]} == dict(expected)
