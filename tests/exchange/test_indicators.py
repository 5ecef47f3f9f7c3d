"""Financing indicators as STIX: shape and validity of a shared wallet, new versions, sightings' markings."""

from __future__ import annotations

from stix2validator import ValidationOptions, validate_instance

from marsad.exchange.indicators import (
    WALLET_EXTENSION_ID,
    addresses_in_pattern,
    indicator_id,
    sighting_object,
    wallet_objects,
    wallet_pattern,
)
from marsad.exchange.wallets import parse_wallet
from marsad.model.markings import TLP_MARKING_IDS, Tlp, read_markings

BTC = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
ETH = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
SA_ID = "identity--5a5a5a5a-0000-4000-8000-000000000001"


def _validate(obj: dict) -> None:
    result = validate_instance(obj, ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for e in result.errors]


def test_wallet_objects_shape_and_validity():
    wallet = parse_wallet(BTC.upper())
    objects = wallet_objects(wallet, originator=SA_ID, tlp="amber", release_to=["JO"], actor="Some group")
    by_type = {o["type"]: o for o in objects}
    assert set(by_type) == {"marking-definition", "cryptocurrency-wallet", "indicator", "threat-actor", "relationship"}
    sco, ind = by_type["cryptocurrency-wallet"], by_type["indicator"]
    assert sco["address"] == BTC and sco["extensions"] == {WALLET_EXTENSION_ID: {"extension_type": "new-sco"}}
    assert ind["pattern"] == wallet_pattern(BTC) == f"[cryptocurrency-wallet:address = '{BTC}']"
    assert ind["indicator_types"] == ["attribution"] and ind["created_by_ref"] == SA_ID
    rels = [o for o in objects if o["type"] == "relationship"]
    assert {(r["relationship_type"], r["target_ref"]) for r in rels} == {
        ("based-on", sco["id"]), ("indicates", by_type["threat-actor"]["id"])}
    marks = read_markings(ind, {by_type["marking-definition"]["id"]: by_type["marking-definition"]}.get)
    assert marks.tlp == "amber" and marks.release_to == ["JO"]
    for obj in objects:
        if obj["type"] != "cryptocurrency-wallet":
            _validate(obj)


def test_new_version_keeps_id_and_created():
    wallet = parse_wallet(ETH.lower())
    first = [o for o in wallet_objects(wallet, originator=SA_ID) if o["type"] == "indicator"][0]
    again = [o for o in wallet_objects(wallet, originator=SA_ID, previous=first, tlp="red", release_to=[SA_ID])
             if o["type"] == "indicator"][0]
    assert again["id"] == first["id"] and again["created"] == first["created"]
    assert again["modified"] > first["modified"]
    assert ETH in first["pattern"]  # EIP-55 canonical form


def test_sighting_marking_and_count():
    ind = [o for o in wallet_objects(parse_wallet(BTC), originator=SA_ID) if o["type"] == "indicator"][0]
    jo = "identity--0a0a0a0a-0000-4000-8000-000000000002"
    marking, sighting = sighting_object(ind, jo)
    assert sighting["sighting_of_ref"] == ind["id"] and sighting["where_sighted_refs"] == [jo]
    assert sighting["count"] == 1 and sighting["first_seen"] == sighting["last_seen"]
    assert TLP_MARKING_IDS[Tlp.AMBER_STRICT] in sighting["object_marking_refs"]
    assert marking["extensions"][next(iter(marking["extensions"]))]["release_to"] == sorted([jo, SA_ID])
    _validate(sighting)
    _, second = sighting_object(ind, jo, previous=sighting)
    assert second["id"] == sighting["id"] and second["count"] == 2
    assert second["first_seen"] == sighting["first_seen"] and second["modified"] > sighting["modified"]


def test_addresses_in_pattern():
    assert addresses_in_pattern("[cryptocurrency-wallet:value = 'abc'] OR [x:y = 'it\\'s']") == {"abc", "it's"}


def test_indicator_id_is_stable_per_originator_and_address():
    ind = [o for o in wallet_objects(parse_wallet(BTC), originator=SA_ID) if o["type"] == "indicator"][0]
    assert ind["id"] == indicator_id(SA_ID, BTC) != indicator_id("identity--0a0a0a0a-0000-4000-8000-000000000002", BTC)
