"""Sharing rules through the TAXII read paths (objects, object, versions, manifest), on SQLite and PostgreSQL,
and the audit entries each read and refusal leaves."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from marsad.access.context import load_viewer
from marsad.errors import AccessDenied, NotFound
from marsad.exchange.taxii.access import open_collection, visible_collections
from marsad.exchange.taxii.filters import OBJECT_FILTERS, OBJECTS_FILTERS, VERSIONS_FILTERS, parse_query
from marsad.exchange.taxii.reads import read_manifest, read_object, read_objects, read_versions
from marsad.model.markings import releasability_marking
from marsad.store import Store
from marsad.store.audit import audit_log
from taxii_world import build_world, indicator, stamp


@pytest.fixture
def world(database_url):
    made = build_world(database_url, api_keys=False)
    yield made
    made.engine.dispose()


def viewer(world, org):
    with world.engine.connect() as conn:
        return load_viewer(conn, f"{org}_analyst")


def put(world, alias, objects):
    return Store(world.engine).put_objects(objects, collection_id=alias, all_or_nothing=True)


def ids_seen(world, org, alias, **params):
    query = parse_query({k: [v] for k, v in params.items()}, OBJECTS_FILTERS, max_limit=1000, default_limit=1000)
    answer = read_objects(world.engine, viewer(world, org), world.collections[alias], query)
    return {o["id"] for o in answer.body.get("objects", [])}


def test_tlp_and_release_lists_decide_who_sees_what(world):
    sa = world.orgs["sa"].identity_id
    green = indicator(sa, tlp="green")
    strict = indicator(sa, tlp="amber+strict", release_to=["JO"])
    red_user = indicator(sa, tlp="red", release_to=["user:eg_analyst"])
    red_nobody = indicator(sa, tlp="red")
    put(world, "regional", [green, strict, red_user, red_nobody,
                            releasability_marking(["JO"]), releasability_marking(["user:eg_analyst"])])
    seen = {org: ids_seen(world, org, "regional") for org in ("sa", "jo", "eg", "sec")}
    everything = {green["id"], strict["id"], red_user["id"], red_nobody["id"]}
    assert everything <= seen["sa"]
    assert seen["jo"] & everything == {green["id"], strict["id"]}
    assert seen["eg"] & everything == {green["id"], red_user["id"]}
    assert seen["sec"] & everything == {green["id"]}


def test_bilateral_collection_is_invisible_to_the_secretariat(world):
    put(world, "sa-jo", [indicator(world.orgs["sa"].identity_id)])
    assert "sa-jo" not in {a.collection.alias for a in visible_collections(world.engine, viewer(world, "sec"))}
    with pytest.raises(NotFound) as caught:
        open_collection(world.engine, viewer(world, "sec"), "sa-jo", need="read")
    assert "bilateral" not in caught.value.message.lower()
    with pytest.raises(AccessDenied):
        open_collection(world.engine, viewer(world, "jo"), "sa-drop", need="read")
    assert ids_seen(world, "jo", "sa-jo")


def test_sub_group_collection_reaches_its_members_only(world):
    green = indicator(world.orgs["sa"].identity_id)
    put(world, "states", [green])
    assert green["id"] in ids_seen(world, "jo", "states") and green["id"] in ids_seen(world, "eg", "states")
    with pytest.raises(NotFound):
        open_collection(world.engine, viewer(world, "sec"), "states", need="read")
    with pytest.raises(AccessDenied):
        open_collection(world.engine, viewer(world, "jo"), "states", need="write")


def test_last_version_is_the_last_one_the_user_may_see(world):
    sa = world.orgs["sa"].identity_id
    stix_id = f"indicator--{uuid.uuid4()}"
    put(world, "regional", [indicator(sa, stix_id=stix_id, modified=0, tlp="green"),
                            indicator(sa, stix_id=stix_id, modified=60, tlp="red")])
    cid = world.collections["regional"]
    query = parse_query({}, OBJECT_FILTERS)
    mine = read_object(world.engine, viewer(world, "sa"), cid, stix_id, query).body["objects"]
    theirs = read_object(world.engine, viewer(world, "jo"), cid, stix_id, query).body["objects"]
    assert [o["modified"] for o in mine] == [stamp(60)]
    assert [o["modified"] for o in theirs] == [stamp(0)]
    versions = read_versions(world.engine, viewer(world, "jo"), cid, stix_id,
                             parse_query({}, VERSIONS_FILTERS, default_versions=("all",))).body
    assert versions["versions"] == [stamp(0)]
    manifest = read_manifest(world.engine, viewer(world, "jo"), cid,
                             parse_query({"match[id]": [stix_id], "match[version]": ["all"]}, OBJECTS_FILTERS)).body
    assert [m["version"] for m in manifest["objects"]] == [stamp(0)]


def test_an_object_nobody_released_is_404_not_403(world):
    secret = indicator(world.orgs["sa"].identity_id, tlp="red")
    put(world, "regional", [secret])
    cid = world.collections["regional"]
    with pytest.raises(NotFound):
        read_object(world.engine, viewer(world, "jo"), cid, secret["id"], parse_query({}, OBJECT_FILTERS))
    with pytest.raises(NotFound):
        read_versions(world.engine, viewer(world, "jo"), cid, secret["id"], parse_query({}, VERSIONS_FILTERS))


def test_reads_and_denials_are_audited(world):
    green = indicator(world.orgs["sa"].identity_id)
    put(world, "regional", [green])
    ids_seen(world, "jo", "regional")
    with pytest.raises(NotFound):
        open_collection(world.engine, viewer(world, "sec"), "sa-jo", need="read", remote_addr="192.0.2.7")
    with world.engine.connect() as conn:
        rows = conn.execute(select(audit_log).where(audit_log.c.action.in_(["read", "deny"]))
                            .order_by(audit_log.c.seq)).all()
    reads = [r for r in rows if r.action == "read" and r.actor == "jo_analyst"]
    assert reads and green["id"] in reads[-1].object_ids and reads[-1].detail["endpoint"] == "objects"
    denial = [r for r in rows if r.action == "deny"][-1]
    assert (denial.actor, denial.remote_addr, denial.detail["attempted"]) == ("sec_analyst", "192.0.2.7", "read")


def test_amber_without_a_list_stays_visible_to_members_when_other_objects_have_lists(world):
    sa = world.orgs["sa"].identity_id
    amber = indicator(sa, tlp="amber")
    put(world, "regional", [amber])
    put(world, "sa-jo", [indicator(sa, tlp="amber+strict", release_to=["JO"]), releasability_marking(["JO"])])
    assert amber["id"] in ids_seen(world, "jo", "regional")
    assert amber["id"] in ids_seen(world, "eg", "regional")
