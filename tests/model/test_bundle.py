"""parse_stix: accepted shapes, each kind of bad input, marking mapping; stix2-validator on the output."""

from __future__ import annotations

import json
import uuid

import pytest
import stix2
from hypothesis import given, settings
from hypothesis import strategies as st
from stix2validator import validate_instance

from marsad.errors import InvalidJSON, InvalidSTIX, TooLarge, UnknownMarking
from marsad.model.bundle import check_object, parse_stix
from marsad.model.markings import TLP_MARKING_IDS, Tlp, releasability_marking

T = "2024-03-01T10:00:00.000Z"


def incident(name="Attack on a checkpoint", **extra):
    return {"type": "incident", "spec_version": "2.1", "id": f"incident--{uuid.uuid4()}", "created": T,
            "modified": T, "name": name, **extra}


def bundle(*objects):
    return {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": list(objects)}


def test_shapes_bundle_object_list_jsonl():
    a, b = incident("a"), incident("b")
    assert parse_stix(bundle(a, b)) == [a, b]
    assert parse_stix(a) == [a]
    assert parse_stix([a, bundle(b)]) == [a, b]
    assert parse_stix(json.dumps(bundle(a, b)).encode()) == [a, b]
    jsonl = "\n".join(json.dumps(o) for o in (a, b)) + "\n"
    assert parse_stix(jsonl) == [a, b]
    assert parse_stix("\ufeff" + json.dumps(a)) == [a]


def test_invalid_json():
    with pytest.raises(InvalidJSON, match="line 1"):
        parse_stix(b'{"type": "bundle", ')
    with pytest.raises(InvalidJSON):
        parse_stix(b"\xff\xfe not utf8")


def test_bad_jsonl_line_is_named():
    text = json.dumps(incident()) + "\n" + json.dumps(incident()) + "\n{broken\n"
    with pytest.raises(InvalidJSON, match="line 3"):
        parse_stix(text)


def test_invalid_object_named_with_reason():
    good, bad = incident(), incident()
    del bad["name"]
    with pytest.raises(InvalidSTIX) as err:
        parse_stix(bundle(good, bad))
    assert bad["id"] in err.value.message and "name" in err.value.message
    assert err.value.details[0]["index"] == 1


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"id": "incident--not-a-uuid"}, "id"),
        ({"created": "2024-03-01 10:00"}, "created"),
        ({"modified": "2020-01-01T00:00:00Z"}, "earlier"),
        ({"created_by_ref": "nobody"}, "created_by_ref"),
        ({"labels": []}, "labels"),
        ({"confidence": "high"}, "confidence"),
        ({"object_marking_refs": ["identity--" + str(uuid.uuid4())]}, "marking-definition"),
        ({"description": None}, "null"),
        ({"x-bad-name": "v"}, "not allowed"),
        ({"name\n": "v"}, "not allowed"),
        ({"created": T + "\n"}, "created"),
        ({"created_by_ref": f"identity--{uuid.uuid4()}\n"}, "created_by_ref"),
    ],
)
def test_invalid_properties(change, reason):
    with pytest.raises(InvalidSTIX, match=reason):
        parse_stix(incident(**change))


def test_checks_hold_when_values_repeat():
    """Timestamps checked once are remembered; names and times seen valid never let an invalid one through."""
    for _ in range(2):
        assert check_object(incident(x_custom_note="ok")) is None
        assert "earlier" in check_object(incident(created="2024-03-02T00:00:00Z", modified=T))
        assert "not a STIX timestamp" in check_object(incident(created="2024-03-01T10:00:00.000"))
        assert check_object(incident(created=T, modified=T)) is None


@pytest.mark.parametrize("version", [None, "2.0"])
def test_wrong_spec_version(version):
    obj = incident()
    if version is None:
        del obj["spec_version"]
    else:
        obj["spec_version"] = version
    with pytest.raises(InvalidSTIX, match="2.1"):
        parse_stix(obj)
    with pytest.raises(InvalidSTIX, match="2.0"):
        parse_stix({**bundle(incident()), "spec_version": "2.0"})


def test_sco_without_spec_version_is_fine():
    ip = {"type": "ipv4-addr", "id": f"ipv4-addr--{uuid.uuid4()}", "value": "192.0.2.1"}
    assert parse_stix(ip) == [ip]


def test_unknown_marking():
    foreign = "marking-definition--" + str(uuid.uuid4())
    obj = incident(object_marking_refs=[foreign])
    with pytest.raises(UnknownMarking, match=foreign):
        parse_stix(obj)
    assert parse_stix(obj, known_markings={foreign}.__contains__) == [obj]
    rel = releasability_marking(["SA"])
    marked = incident(object_marking_refs=[rel["id"]])
    assert parse_stix(bundle(rel, marked)) == [rel, marked]


def test_too_large_and_too_many():
    data = json.dumps(bundle(*(incident() for _ in range(5)))).encode()
    with pytest.raises(TooLarge):
        parse_stix(data, max_bytes=len(data) - 1)
    with pytest.raises(TooLarge):
        parse_stix(data.decode(), max_bytes=len(data) - 1)
    assert len(parse_stix(data, max_bytes=len(data))) == 5
    with pytest.raises(TooLarge, match="5"):
        parse_stix(data, max_objects=4)


def test_tlp1_and_opencti_markings_mapped():
    opencti_strict = {"type": "marking-definition", "spec_version": "2.1", "created": T,
                      "id": "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37", "name": "TLP:AMBER+STRICT",
                      "definition_type": "statement", "definition": {"statement": "custom"},
                      "x_opencti_definition_type": "TLP", "x_opencti_definition": "TLP:AMBER+STRICT"}
    other_strict = {**opencti_strict, "id": f"marking-definition--{uuid.uuid4()}"}
    white = json.loads(stix2.TLP_WHITE.serialize())
    a = incident(object_marking_refs=[stix2.TLP_WHITE.id])
    b = incident(object_marking_refs=[opencti_strict["id"]])
    c = incident(granular_markings=[{"marking_ref": other_strict["id"], "selectors": ["name"]}])
    out = parse_stix(bundle(white, opencti_strict, other_strict, a, b, c))
    assert [o["id"] for o in out] == [a["id"], b["id"], c["id"]]  # TLP definitions are built in, not returned
    assert out[0]["object_marking_refs"] == [TLP_MARKING_IDS[Tlp.CLEAR]]
    assert out[1]["object_marking_refs"] == [TLP_MARKING_IDS[Tlp.AMBER_STRICT]]
    assert out[2]["granular_markings"][0]["marking_ref"] == TLP_MARKING_IDS[Tlp.AMBER_STRICT]
    assert a["object_marking_refs"] == [stix2.TLP_WHITE.id]  # input not changed


def test_thorough_catches_what_stix2_catches():
    obj = {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}", "created": T,
           "modified": T, "pattern": "[not a pattern", "pattern_type": "stix", "valid_from": T}
    assert check_object(obj) is None
    assert check_object(obj, thorough=True)
    with pytest.raises(InvalidSTIX, match=obj["id"]):
        parse_stix(obj, thorough=True)


names = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)


@settings(max_examples=40, deadline=None)
@given(st.lists(names, min_size=1, max_size=6), st.sampled_from(list(Tlp)))
def test_round_trip_through_json_and_validator(titles, level):
    objs = [incident(t, object_marking_refs=[TLP_MARKING_IDS[level]]) for t in titles]
    for text in (json.dumps(bundle(*objs)), "\n".join(json.dumps(o, ensure_ascii=False) for o in objs)):
        out = parse_stix(text, thorough=True)
        assert out == objs
    result = validate_instance(out[0])
    assert result.is_valid, [str(e) for e in result.errors]


def test_forged_releasability_marking_refused():
    genuine = releasability_marking(["SA"])
    forged = json.loads(json.dumps(genuine))
    forged["extensions"][next(iter(forged["extensions"]))]["release_to"] = ["EG"]
    with pytest.raises(InvalidSTIX, match="releasability"):
        parse_stix(forged)
    unsorted = releasability_marking(["SA", "EG"])
    unsorted["extensions"][next(iter(unsorted["extensions"]))]["release_to"] = ["SA", "EG"]
    with pytest.raises(InvalidSTIX, match="sorted"):
        parse_stix(unsorted)
    bad_entry = json.loads(json.dumps(genuine))
    bad_entry["extensions"][next(iter(bad_entry["extensions"]))]["release_to"] = ["Saudi Arabia"]
    with pytest.raises(InvalidSTIX, match="recipient"):
        parse_stix(bad_entry)


def test_marking_definition_needs_a_definition():
    empty = {"type": "marking-definition", "spec_version": "2.1", "id": f"marking-definition--{uuid.uuid4()}",
             "created": T}
    with pytest.raises(InvalidSTIX, match="definition"):
        parse_stix(empty)
    with pytest.raises(InvalidSTIX, match="extension"):
        parse_stix(incident(extensions={"extension-definition--" + str(uuid.uuid4()): "x"}))
