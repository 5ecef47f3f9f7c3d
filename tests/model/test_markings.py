"""Markings: TLP 2.0 objects as OASIS publishes them, TLP 1.0/OpenCTI mapping, releasability, read/mark."""

from __future__ import annotations

import stix2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.errors import InputError, UnknownMarking
from marsad.model.markings import (
    KEEP,
    RELEASABILITY_EXTENSION_ID,
    TLP2_EXTENSION_ID,
    TLP_MARKING_IDS,
    Tlp,
    canonical_marking_id,
    mark,
    read_markings,
    releasability_marking,
    release_to_of_definition,
    tlp_extension_definition,
    tlp_marking,
    tlp_of_definition,
)

OASIS_AMBER_STRICT = {
    "type": "marking-definition",
    "spec_version": "2.1",
    "id": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "created": "2022-10-01T00:00:00.000Z",
    "name": "TLP:AMBER+STRICT",
    "extensions": {
        "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
            "extension_type": "property-extension",
            "tlp_2_0": "amber+strict",
        }
    },
}
OPENCTI_AMBER_STRICT = "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37"


def test_tlp_marking_is_the_oasis_object():
    assert tlp_marking("amber+strict") == OASIS_AMBER_STRICT
    assert tlp_marking(Tlp.CLEAR)["id"] == "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
    assert tlp_extension_definition()["id"] == TLP2_EXTENSION_ID
    assert tlp_extension_definition()["created_by_ref"] == "identity--b3bca3c2-1f3d-4b54-b44f-dac42c3a8f01"


def test_tlp_order_and_parse():
    assert Tlp.CLEAR < Tlp.GREEN < Tlp.AMBER < Tlp.AMBER_STRICT < Tlp.RED
    assert max([Tlp.AMBER, Tlp.RED, Tlp.GREEN]) is Tlp.RED
    assert Tlp.CLEAR < "amber" and Tlp.RED >= "TLP:AMBER+STRICT" and not Tlp.GREEN > "green"
    assert Tlp.parse("TLP:WHITE") is Tlp.CLEAR
    assert Tlp.parse("amber_strict") is Tlp.AMBER_STRICT
    assert Tlp.parse("TLP:AMBER+STRICT") is Tlp.AMBER_STRICT
    with pytest.raises(InputError):
        Tlp.parse("purple")


@pytest.mark.parametrize(
    ("old", "level"),
    [
        (stix2.TLP_WHITE.id, Tlp.CLEAR),
        (stix2.TLP_GREEN.id, Tlp.GREEN),
        (stix2.TLP_AMBER.id, Tlp.AMBER),
        (stix2.TLP_RED.id, Tlp.RED),
        (OPENCTI_AMBER_STRICT, Tlp.AMBER_STRICT),
    ],
)
def test_tlp1_and_opencti_ids_map_to_tlp2(old, level):
    assert canonical_marking_id(old) == TLP_MARKING_IDS[level]
    assert read_markings({"id": "x", "object_marking_refs": [old]}).tlp == level.value


def test_canonical_keeps_other_ids():
    other = "marking-definition--00000000-0000-4000-8000-000000000000"
    assert canonical_marking_id(other) == other
    assert canonical_marking_id(TLP_MARKING_IDS[Tlp.RED]) == TLP_MARKING_IDS[Tlp.RED]


@pytest.mark.parametrize(
    "definition",
    [
        {"definition_type": "tlp", "definition": {"tlp": "amber+strict"}},
        {"definition_type": "statement", "definition": {"statement": "TLP:AMBER+STRICT"}},
        {"definition_type": "statement", "definition": {"statement": "x"}, "x_opencti_definition": "TLP:AMBER+STRICT"},
        {"name": "TLP:AMBER+STRICT"},
    ],
)
def test_tlp_recognised_by_definition(definition):
    marking = {"type": "marking-definition", "id": "marking-definition--11111111-1111-4111-8111-111111111111"}
    assert tlp_of_definition({**marking, **definition}) is Tlp.AMBER_STRICT


def test_statement_marking_is_not_tlp():
    assert tlp_of_definition({"id": "m", "definition_type": "statement", "definition": {"statement": "Copyright"}}) is None


def test_releasability_deterministic_and_normalised():
    a = releasability_marking(["sa", "user:ali", "EG", "SA"])
    b = releasability_marking(["EG", "user:ali", "SA"])
    assert a == b
    assert release_to_of_definition(a) == ["EG", "SA", "user:ali"]
    assert a["extensions"][RELEASABILITY_EXTENSION_ID]["extension_type"] == "property-extension"
    assert releasability_marking(["EG"])["id"] != a["id"]


@pytest.mark.parametrize("bad", [[], ["Saudi"], ["identity--nope"], ["user:"], ["SAU"]])
def test_releasability_rejects_bad_entries(bad):
    with pytest.raises(InputError):
        releasability_marking(bad)


recipient = st.one_of(
    st.sampled_from(["SA", "EG", "IQ", "MA", "DZ", "TN", "JO"]),
    st.uuids(version=4).map(lambda u: f"identity--{u}"),
    st.from_regex(r"user:[a-z][a-z0-9_.]{0,15}", fullmatch=True),
)


@given(st.lists(recipient, min_size=1, max_size=8), st.randoms())
def test_releasability_id_ignores_order_and_duplicates(entries, rnd):
    shuffled = list(entries) + entries[:1]
    rnd.shuffle(shuffled)
    assert releasability_marking(entries)["id"] == releasability_marking(shuffled)["id"]


def test_read_markings_with_resolver_and_intersection():
    rel1 = releasability_marking(["SA", "EG", "user:ali"])
    rel2 = releasability_marking(["EG", "user:ali", "JO"])
    store = {rel1["id"]: rel1, rel2["id"]: rel2}
    obj = {"id": "incident--1", "object_marking_refs": [TLP_MARKING_IDS[Tlp.GREEN], rel1["id"], rel2["id"],
                                                          TLP_MARKING_IDS[Tlp.AMBER]]}
    got = read_markings(obj, resolve=store.get)
    assert got.tlp == "amber"
    assert got.release_to == ["EG", "user:ali"]


def test_read_markings_edge_cases():
    assert read_markings({"id": "x"}).tlp is None
    assert read_markings({"id": "x"}).release_to is None
    statement = {"id": "marking-definition--22222222-2222-4222-8222-222222222222", "definition_type": "statement",
                 "definition": {"statement": "Copyright Marsad"}}
    got = read_markings({"id": "x", "object_marking_refs": [statement["id"]]}, resolve={statement["id"]: statement}.get)
    assert got.tlp is None and got.release_to is None
    with pytest.raises(UnknownMarking, match="incident--9"):
        read_markings({"id": "incident--9", "object_marking_refs": [statement["id"]]})


def test_mark_replaces_and_keeps():
    copyright_id = "marking-definition--33333333-3333-4333-8333-333333333333"
    obj = {"id": "report--1", "object_marking_refs": [stix2.TLP_WHITE.id, copyright_id]}
    marked = mark(obj, tlp="red", release_to=["user:ali"])
    assert obj["object_marking_refs"] == [stix2.TLP_WHITE.id, copyright_id]  # input untouched
    assert marked["object_marking_refs"][0] == TLP_MARKING_IDS[Tlp.RED]
    assert copyright_id in marked["object_marking_refs"]
    assert read_markings(marked, resolve=lambda i: None if i != copyright_id else {"id": i}).release_to == ["user:ali"]
    kept = mark(marked, tlp=KEEP, release_to=["SA"])
    assert read_markings(kept, resolve=lambda i: {"id": i}).tlp == "red"
    assert read_markings(kept, resolve=lambda i: {"id": i} if i == copyright_id else None).release_to == ["SA"]
    cleared = mark(kept, tlp=None, release_to=None)
    assert cleared["object_marking_refs"] == [copyright_id]
    assert "object_marking_refs" not in mark({"id": "x", "object_marking_refs": [stix2.TLP_RED.id]}, tlp=None)
