"""Adding and checking wallets under the sharing policy: who learns of a match, sightings, versions, audit."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from marsad.access.accounts import create_organisation, create_user
from marsad.access.context import load_viewer
from marsad.access.memberships import set_membership
from marsad.access.policy import can_see
from marsad.errors import AccessDenied, InputError
from marsad.exchange.indicators import wallet_objects
from marsad.exchange.wallet_checks import add_wallet, check_wallet
from marsad.exchange.wallets import parse_wallet
from marsad.store import Store
from marsad.store.audit import audit_log as audit
from marsad.store.objects import stix_objects

BTC = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
ETH = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"


@pytest.fixture
def world(engine):
    """SA, JO and EG units with one analyst each; collection ``regional`` (all read+write)."""
    store = Store(engine)
    orgs = {}
    for code in ("SA", "JO", "EG"):
        orgs[code] = create_organisation(engine, f"{code} unit", code)
        create_user(engine, code.lower(), f"{code} unit", "analyst", "a long enough password")
    store.create_collection("Regional", alias="regional")
    for code in orgs:
        set_membership(engine, "regional", f"{code} unit", read=True, write=True)
    store.create_collection("SA only", alias="sa-own")
    set_membership(engine, "sa-own", "SA unit", read=True, write=True)
    with engine.connect() as conn:
        viewers = {code: load_viewer(conn, code.lower()) for code in orgs}
    return store, viewers, orgs


def test_check_finds_visible_match_and_records_sighting(world):
    store, viewers, orgs = world
    added = add_wallet(store, viewers["SA"], BTC, collection="regional", actor="Group X", tlp="amber",
                       release_to=["JO"])
    result = check_wallet(store, viewers["JO"], BTC.upper())
    assert result.known and [m.indicator["id"] for m in result.matches] == [added.indicator_id]
    match = result.matches[0]
    assert match.originator == orgs["SA"].identity_id and match.sighting["count"] == 1
    # JO checks again: the same sighting, count 2
    again = check_wallet(store, viewers["JO"], BTC)
    assert again.matches[0].sighting["id"] == match.sighting["id"] and again.matches[0].sighting["count"] == 2
    # the sighting is seen by JO and SA only, never EG
    row = store.engine.connect().execute(
        select(stix_objects).where(stix_objects.c.stix_id == match.sighting["id"])).first()
    regional = [store.get_collection("regional").id]
    assert can_see(viewers["JO"], row, regional) and can_see(viewers["SA"], row, regional)
    assert not can_see(viewers["EG"], row, regional)


def test_check_hides_what_the_policy_hides(world):
    store, viewers, _ = world
    add_wallet(store, viewers["SA"], ETH, collection="regional", tlp="amber", release_to=["JO"])
    assert not check_wallet(store, viewers["EG"], ETH).known   # amber, released to JO only
    assert check_wallet(store, viewers["JO"], ETH.lower()).known  # any spelling of the same address
    add_wallet(store, viewers["SA"], BTC, collection="sa-own", tlp="green")
    assert not check_wallet(store, viewers["JO"], BTC).known     # green, in a collection JO is not in


def test_originator_check_records_no_sighting(world):
    store, viewers, _ = world
    add_wallet(store, viewers["SA"], BTC, collection="regional", tlp="amber+strict")
    result = check_wallet(store, viewers["SA"], BTC)
    assert result.known and result.matches[0].sighting is None
    assert not check_wallet(store, viewers["JO"], BTC).known  # amber+strict, listed: SA only


def test_re_adding_makes_a_new_version_and_reuses_the_actor(world):
    store, viewers, _ = world
    first = add_wallet(store, viewers["SA"], BTC, collection="regional", actor="Group X")
    second = add_wallet(store, viewers["SA"], BTC, collection="regional", actor="group x", tlp="green")
    assert first.indicator_id == second.indicator_id
    assert len(store.versions(first.indicator_id)) == 2
    assert store.count(types=["threat-actor"], versions="all") == 1


def test_bad_address_and_collection_rights(world):
    store, viewers, _ = world
    with pytest.raises(InputError, match="checksum"):
        add_wallet(store, viewers["SA"], BTC[:-1] + "5", collection="regional")
    with pytest.raises(AccessDenied):
        add_wallet(store, viewers["JO"], BTC, collection="sa-own")
    with pytest.raises(InputError, match="collection"):
        add_wallet(store, viewers["SA"], BTC)  # SA may write two collections: must say which


def test_audit_entries(world):
    store, viewers, _ = world
    added = add_wallet(store, viewers["SA"], BTC, collection="regional", release_to=["JO"])
    result = check_wallet(store, viewers["JO"], BTC)
    with store.engine.connect() as conn:
        rows = conn.execute(select(audit)).mappings().all()
    text = json.dumps([dict(r) for r in rows], default=str)
    assert added.indicator_id in text and result.matches[0].sighting["id"] in text
    assert BTC not in text  # ids, not content


def test_indicator_outside_any_collection_is_found_by_a_named_recipient(world):
    store, viewers, orgs = world
    objects = wallet_objects(parse_wallet(BTC), originator=orgs["SA"].identity_id, tlp="amber+strict",
                             release_to=[orgs["JO"].identity_id])
    store.put_objects(objects)  # in no collection: visible to its originator and the organisations named
    result = check_wallet(store, viewers["JO"], BTC)
    assert result.known and result.matches[0].collection_id is None and result.matches[0].sighting["count"] == 1
    assert not check_wallet(store, viewers["EG"], BTC).known


def test_indicator_with_a_huge_description_is_still_found(world):
    """Its indexed text is cut before the pattern: the check falls back to scanning such rows."""
    store, viewers, orgs = world
    objects = wallet_objects(parse_wallet(BTC), originator=orgs["SA"].identity_id, tlp="green")
    for obj in objects:
        if obj["type"] == "indicator":
            obj["description"] = "word " * 20_000
    store.put_objects(objects, collection_id="regional")
    assert check_wallet(store, viewers["JO"], BTC).known
