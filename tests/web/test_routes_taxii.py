"""The TAXII 2.1 routes over HTTP (in-process): status codes, media types, headers, paging, bad input."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from marsad.config import Settings
from marsad.store.audit import audit_log
from marsad.store.objects import stix_objects
from marsad.web.app import create_app
from taxii_world import PASSWORD, build_world, indicator, stamp

TAXII = "application/taxii+json;version=2.1"
ROOT = "/taxii2/marsad"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    folder = tmp_path_factory.mktemp("routes")
    world = build_world(f"sqlite:///{(folder / 'marsad.db').as_posix()}")
    app = create_app(Settings(data_dir=folder, max_content_length=64 * 1024, page_size=10), engine=world.engine)
    with TestClient(app) as client:
        yield client, world


def key(world, org="sa", **extra) -> dict:
    return {"Authorization": f"Bearer {world.keys[org]}", "Accept": TAXII, **extra}


def basic(user="sa_analyst", password=PASSWORD) -> dict:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}", "Accept": TAXII}


def post(client, world, alias, objects, org="sa", **headers):
    body = json.dumps({"objects": objects})
    return client.post(f"{ROOT}/collections/{alias}/objects/", content=body,
                       headers={**key(world, org), "Content-Type": TAXII, **headers})


def stored(world) -> int:
    with world.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(stix_objects)).scalar()


def test_discovery_with_basic_api_key_header_and_bearer(hub):
    client, world = hub
    for headers in (basic(), key(world), {"X-API-Key": world.keys["jo"], "Accept": TAXII}):
        answer = client.get("/taxii2/", headers=headers)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == TAXII
        assert answer.json()["api_roots"] == [f"http://testserver{ROOT}/"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Basic bm9ib2R5Om5vdGhpbmc="},
                                     {"Authorization": "Bearer msd_nope_nope"}, {"X-API-Key": "garbage"},
                                     {"Authorization": "Digest abc"}])
def test_missing_or_wrong_credentials_are_401_with_a_challenge(hub, headers):
    client, _ = hub
    answer = client.get(f"{ROOT}/collections/", headers=headers)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("Basic")
    assert answer.json()["http_status"] == "401"


def test_wrong_password_is_401_even_after_a_cached_success(hub):
    client, _ = hub
    assert client.get("/taxii2/", headers=basic()).status_code == 200
    assert client.get("/taxii2/", headers=basic(password="not the password")).status_code == 401


def test_api_root_and_unknown_api_root(hub):
    client, world = hub
    root = client.get(f"{ROOT}/", headers=key(world)).json()
    assert root["versions"] == [TAXII] and root["max_content_length"] == 64 * 1024
    assert client.get("/taxii2/other/", headers=key(world)).status_code == 404


def test_accept_header_406_and_content_type_415(hub):
    client, world = hub
    answer = client.get(f"{ROOT}/collections/", headers=key(world, Accept="application/taxii+json;version=2.0"))
    assert answer.status_code == 406 and "2.1" in answer.json()["description"]
    answer = post(client, world, "regional", [indicator()], **{"Content-Type": "application/json"})
    assert answer.status_code == 415


def test_collections_show_the_users_own_rights(hub):
    client, world = hub
    mine = {c["alias"]: c for c in client.get(f"{ROOT}/collections/", headers=key(world, "jo")).json()["collections"]}
    assert set(mine) == {"regional", "states", "sa-jo", "sa-drop"}
    assert (mine["sa-drop"]["can_read"], mine["sa-drop"]["can_write"]) == (False, True)
    assert (mine["states"]["can_read"], mine["states"]["can_write"]) == (True, False)
    secretariat = client.get(f"{ROOT}/collections/", headers=key(world, "sec")).json()["collections"]
    assert [c["alias"] for c in secretariat] == ["regional"]


def test_unknown_and_unreadable_collections_are_the_same_404(hub):
    client, world = hub
    unknown = client.get(f"{ROOT}/collections/{uuid.uuid4()}/objects/", headers=key(world, "sec"))
    hidden = client.get(f"{ROOT}/collections/{world.collections['sa-jo']}/objects/", headers=key(world, "sec"))
    assert unknown.status_code == hidden.status_code == 404
    assert "sa-jo" not in hidden.text and "bilateral" not in hidden.text.lower()
    assert post(client, world, "sa-jo", [indicator()], org="sec").status_code == 404


def test_write_without_the_right_is_403_and_read_of_a_drop_box_too(hub):
    client, world = hub
    with world.engine.begin() as conn:
        conn.execute(audit_log.delete().where(audit_log.c.action == "deny"))
    jo_drop = client.get(f"{ROOT}/collections/sa-drop/objects/", headers=key(world, "jo"))
    assert jo_drop.status_code == 403
    assert post(client, world, "sa-drop", [indicator(world.orgs["jo"].identity_id)], org="jo").status_code == 202
    with world.engine.connect() as conn:
        denials = conn.execute(select(audit_log.c.actor, audit_log.c.detail).where(audit_log.c.action == "deny")).all()
    assert [(d.actor, d.detail["attempted"]) for d in denials] == [("jo_analyst", "read")]


def test_add_objects_status_and_resend_is_success(hub):
    client, world = hub
    objects = [indicator(world.orgs["sa"].identity_id) for _ in range(3)]
    first = post(client, world, "regional", objects)
    assert first.status_code == 202 and first.headers["content-type"] == TAXII
    status = first.json()
    assert (status["status"], status["total_count"], status["success_count"], status["failure_count"]) == \
        ("complete", 3, 3, 0)
    again = post(client, world, "regional", objects).json()
    assert again["success_count"] == 3 and again["failure_count"] == 0
    polled = client.get(f"{ROOT}/status/{status['id']}", headers=key(world))
    assert polled.status_code == 200 and polled.json()["successes"] == status["successes"]
    assert client.get(f"{ROOT}/status/{status['id']}/", headers=key(world, "jo")).status_code == 404


def test_statistics_refreshed_after_the_answer(hub, monkeypatch):
    """Every ANALYSE_AFTER objects posted the planner statistics are refreshed, as a task after the response."""
    from marsad.exchange.taxii import writes as taxii_writes
    from marsad.store import Store

    client, world = hub
    refreshed = []
    monkeypatch.setattr(taxii_writes, "ANALYSE_AFTER", 2)
    monkeypatch.setattr(Store, "refresh_statistics", lambda self: refreshed.append(self.engine))
    taxii_writes._ADDED.pop(world.engine, None)
    answer = post(client, world, "regional", [indicator(world.orgs["sa"].identity_id) for _ in range(2)])
    assert answer.status_code == 202 and refreshed == [world.engine]


def test_same_id_and_version_with_other_content_fails_alone(hub):
    client, world = hub
    original = indicator(world.orgs["sa"].identity_id)
    post(client, world, "regional", [original])
    changed = {**original, "name": "something else"}
    fresh = indicator(world.orgs["sa"].identity_id)
    status = post(client, world, "regional", [changed, fresh]).json()
    assert status["failure_count"] == 1 and status["success_count"] == 1
    assert status["failures"][0]["id"] == original["id"] and "different content" in status["failures"][0]["message"]
    got = client.get(f"{ROOT}/collections/regional/objects/{original['id']}/", headers=key(world)).json()
    assert got["objects"][0]["name"] == original["name"]
    assert client.get(f"{ROOT}/collections/regional/objects/{fresh['id']}/", headers=key(world)).status_code == 200


@pytest.mark.parametrize("body, reason", [
    (b"{not json", "not JSON"),
    (b"[1, 2]", "envelope"),
    (json.dumps({"objects": [{"type": "indicator", "id": "indicator--1", "spec_version": "2.1"}]}).encode(), "id"),
    (json.dumps({"objects": [{**indicator(), "spec_version": "2.0"}]}).encode(), "2.0"),
    (json.dumps({"objects": "nope"}).encode(), "list"),
    (json.dumps({"objects": [indicator(), {"hello": "world"}]}).encode(), "not valid STIX"),
])
def test_bad_bodies_are_400_with_a_reason_and_nothing_stored(hub, body, reason):
    client, world = hub
    before = stored(world)
    answer = client.post(f"{ROOT}/collections/regional/objects/", content=body,
                         headers={**key(world), "Content-Type": TAXII})
    assert answer.status_code == 400, answer.text
    assert reason in answer.json()["description"]
    assert "Traceback" not in answer.text
    assert stored(world) == before


def test_oversized_bodies_are_413_from_the_header_or_while_reading(hub):
    client, world = hub
    big = json.dumps({"objects": [indicator(name="x" * 70_000)]}).encode()
    answer = client.post(f"{ROOT}/collections/regional/objects/", content=big,
                         headers={**key(world), "Content-Type": TAXII})
    assert answer.status_code == 413

    def chunks():
        for _ in range(100):
            yield b" " * 1024
    streamed = client.post(f"{ROOT}/collections/regional/objects/", content=chunks(),
                           headers={**key(world), "Content-Type": TAXII})
    assert streamed.status_code == 413


def test_paging_with_limit_next_and_date_added_headers(hub):
    client, world = hub
    alias = "sa-jo"
    objects = [indicator(world.orgs["sa"].identity_id, name=f"page {n}") for n in range(25)]
    for start in range(0, 25, 5):
        post(client, world, alias, objects[start:start + 5])
    seen, url, pages = [], f"{ROOT}/collections/{alias}/objects/", 0
    params = {"limit": 7}
    while True:
        answer = client.get(url, params=params, headers=key(world, "jo"))
        assert answer.status_code == 200
        body = answer.json()
        seen += [o["id"] for o in body.get("objects", [])]
        assert answer.headers["X-TAXII-Date-Added-First"] <= answer.headers["X-TAXII-Date-Added-Last"]
        pages += 1
        if not body["more"]:
            assert "next" not in body
            break
        params = {"limit": 7, "next": body["next"]}
    assert pages == 4 and seen == [o["id"] for o in objects]
    default = client.get(f"{ROOT}/collections/{alias}/objects/", headers=key(world, "jo")).json()
    assert len(default["objects"]) == 10 and default["more"] is True


@pytest.mark.parametrize("query", ["limit=0", "limit=abc", "added_after=yesterday", "match[id]=nope",
                                   "match[version]=newest", "next=not-a-token"])
def test_malformed_filters_and_tokens_are_400(hub, query):
    client, world = hub
    answer = client.get(f"{ROOT}/collections/regional/objects/?{query}", headers=key(world))
    assert answer.status_code == 400 and answer.json()["title"] == "InvalidFilter"


def test_filters_versions_manifest_and_trailing_slashes(hub):
    client, world = hub
    sa = world.orgs["sa"].identity_id
    stix_id = f"indicator--{uuid.uuid4()}"
    post(client, world, "regional", [indicator(sa, stix_id=stix_id, modified=m) for m in (0, 10, 20)])
    base = f"{ROOT}/collections/regional"
    versions = client.get(f"{base}/objects/{stix_id}/versions", headers=key(world)).json()
    assert versions == {"more": False, "versions": [stamp(0), stamp(10), stamp(20)]}
    both = client.get(f"{base}/objects/{stix_id}/?match[version]=first,last", headers=key(world)).json()
    assert sorted(o["modified"] for o in both["objects"]) == [stamp(0), stamp(20)]
    exact = client.get(f"{base}/objects/?match[id]={stix_id}&match[version]={stamp(10)}", headers=key(world)).json()
    assert [o["modified"] for o in exact["objects"]] == [stamp(10)]
    manifest = client.get(f"{base}/manifest?match[id]={stix_id}&match[version]=all", headers=key(world)).json()
    assert [m["version"] for m in manifest["objects"]] == [stamp(0), stamp(10), stamp(20)]
    assert set(manifest["objects"][0]) == {"id", "date_added", "version", "media_type"}
    typed = client.get(f"{base}/objects/?match[type]=malware", headers=key(world)).json()
    assert typed == {"more": False}
    stix_accept = client.get(f"{base}/objects/{stix_id}/", headers=key(world, Accept="application/stix+json;version=2.1"))
    assert stix_accept.status_code == 200 and stix_accept.headers["content-type"].startswith("application/stix+json")


def test_delete_only_by_the_originator(hub):
    client, world = hub
    mine = indicator(world.orgs["sa"].identity_id)
    post(client, world, "regional", [mine])
    url = f"{ROOT}/collections/regional/objects/{mine['id']}/"
    assert client.delete(url, headers=key(world, "jo")).status_code == 403
    assert client.delete(url, headers=key(world, "sec")).status_code in (403, 404)
    assert client.delete(url, headers=key(world)).status_code == 200
    assert client.get(url, headers=key(world)).status_code == 404
    assert client.delete(url, headers=key(world)).status_code == 404


def test_paging_token_is_bound_to_the_version_choice(hub):
    client, world = hub
    url = f"{ROOT}/collections/regional/objects/"
    first = client.get(url, params={"limit": 1}, headers=key(world)).json()
    assert first["more"] is True
    same = client.get(url, params={"limit": 1, "next": first["next"]}, headers=key(world))
    assert same.status_code == 200
    other = client.get(url, params={"limit": 1, "next": first["next"], "match[version]": "all"}, headers=key(world))
    assert other.status_code == 400 and other.json()["title"] == "InvalidFilter"
