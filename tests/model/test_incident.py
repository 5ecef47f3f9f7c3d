"""Incident: build, read back, vocabulary and value errors, schema file current, stix2-validator clean."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stix2validator import validate_instance

from marsad.errors import InputError
from marsad.model import incident
from marsad.model.bundle import parse_stix
from marsad.model.incident import (
    GTD_EXTENSION_ID,
    INCIDENT_CORE_EXTENSION_ID,
    SCHEMA_FILE,
    field_labels,
    gtd_extension_definition,
    incident_fields,
    incident_schema,
    make_incident,
)
from marsad.model.markings import read_markings
from marsad.model.vocab import ATTACK_TYPES, TARGET_TYPES, THEMES, WEAPON_TYPES

FULL = dict(
    occurred="2024-03-17", attack_types=["Bombing/Explosion", "Armed Assault"], target_types=["Police"],
    weapon_types=["Explosives", "Firearms"], killed=4, wounded=11, hostages=0, suicide=True, success=True,
    themes=["soft-targets"], country="iq", admin1="Al Anbar", city="Ramadi", latitude=33.42, longitude=43.3,
    perpetrator="ISIL",
)


def assert_clean(obj):
    result = validate_instance(obj)
    assert result.is_valid, [str(e) for e in result.errors]
    assert [str(w) for w in result.warnings] == []


def test_build_and_read_back():
    obj = make_incident("هجوم انتحاري على مركز شرطة", description="…", determination="confirmed", **FULL)
    fields = incident_fields(obj)
    assert fields["name"] == "هجوم انتحاري على مركز شرطة"
    assert fields["determination"] == "confirmed" and fields["investigation_status"] == "new"
    for key, value in FULL.items():
        expected = value.upper() if key == "country" else value
        assert fields[key] == expected, key
    assert fields["occurred_precision"] == "day"
    assert obj["extensions"][INCIDENT_CORE_EXTENSION_ID]["extension_type"] == "property-extension"
    jsonschema.validate(obj["extensions"][GTD_EXTENSION_ID], incident_schema())
    assert_clean(obj)
    assert parse_stix(json.dumps(obj), thorough=True) == [obj]


def test_minimal_incident_reads_back_defaults():
    fields = incident_fields(make_incident("Attaque à Gao"))
    assert fields["attack_types"] == [] and fields["killed"] is None and fields["occurred"] is None


@pytest.mark.parametrize(
    ("occurred", "precision", "stored"),
    [
        ("2024-03", None, ("2024-03-01", "month")),
        ("2024", None, ("2024-01-01", "year")),
        (date(2024, 3, 17), "month", ("2024-03-01", "month")),
        ("2024-03-17", "year", ("2024-01-01", "year")),
    ],
)
def test_occurred_precision(occurred, precision, stored):
    fields = incident_fields(make_incident("x", occurred=occurred, occurred_precision=precision))
    assert (fields["occurred"], fields["occurred_precision"]) == stored


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"attack_types": ["Bombing"]}, "attack_types"),
        ({"target_types": ["Police", "Cops"]}, "target_types"),
        ({"weapon_types": ["Laser"]}, "weapon_types"),
        ({"themes": ["weather"]}, "themes"),
        ({"killed": -1}, "killed"),
        ({"wounded": 2.5}, "wounded"),
        ({"hostages": True}, "hostages"),
        ({"suicide": "yes"}, "suicide"),
        ({"country": "XX"}, "XX"),
        ({"latitude": 95, "longitude": 0}, "latitude"),
        ({"latitude": 10}, "longitude"),
        ({"occurred": "17/03/2024"}, "occurred"),
        ({"occurred": "2024-02-30"}, "real date"),
        ({"occurred": "2024-03", "occurred_precision": "day"}, "precise"),
        ({"occurred_precision": "week", "occurred": "2024"}, "occurred_precision"),
        ({"nkill": 3}, "nkill"),
        ({"determination": "maybe"}, "determination"),
    ],
)
def test_errors_name_the_field(change, message):
    with pytest.raises(InputError, match=message):
        make_incident("x", **change)


def test_markings_and_labels():
    obj = make_incident("x", tlp="amber+strict", release_to=["IQ", "SA"], **FULL)
    assert read_markings(obj).tlp == "amber+strict"
    assert read_markings(obj).release_to == ["IQ", "SA"]
    labels = field_labels(incident_fields(obj), "ar")
    assert labels["attack_types"] == ["تفجير", "هجوم مسلح"]
    assert labels["country"] == "العراق"
    assert field_labels(incident_fields(obj), "fr")["weapon_types"] == ["Explosifs", "Armes à feu"]


def test_schema_file_is_current_and_embedded():
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == incident_schema()
    definition = gtd_extension_definition()
    assert json.loads(definition["schema"]) == incident_schema()
    assert_clean(definition)


def names(vocab):
    return st.lists(st.sampled_from(vocab.names), unique=True, max_size=3)


@settings(max_examples=30, deadline=None)
@given(names(ATTACK_TYPES), names(TARGET_TYPES), names(WEAPON_TYPES), names(THEMES),
       st.none() | st.integers(0, 5000), st.none() | st.booleans(), st.dates(date(1970, 1, 1), date(2030, 12, 31)))
def test_any_valid_fields_round_trip(attack, target, weapon, themes, killed, success, day):
    obj = make_incident("x", attack_types=attack, target_types=target, weapon_types=weapon, themes=themes,
                        killed=killed, success=success, occurred=day)
    fields = incident_fields(obj)
    assert (fields["attack_types"], fields["target_types"], fields["weapon_types"]) == (attack, target, weapon)
    assert (fields["themes"], fields["killed"], fields["success"]) == (themes, killed, success)
    assert fields["occurred"] == day.isoformat()
    jsonschema.validate(obj["extensions"][GTD_EXTENSION_ID], incident_schema())
    assert_clean(obj)


def test_merge_provenance_round_trips_and_validates():
    history = [{"at": "2026-11-23T10:00:00.000Z", "killed": 3, "wounded": None, "report_ref": "report--" + "1" * 36},
               {"at": "2026-11-23T12:00:00.000Z", "killed": 7, "report_ref": "report--" + "2" * 36}]
    obj = make_incident("x", confidence=70, report_refs=["report--" + "1" * 36, "report--" + "2" * 36],
                        report_count=2, agreement={"country": 1.0, "killed": 0.5}, toll_history=history,
                        toll_source="report--" + "2" * 36, edited_fields=["perpetrator"], killed=7)
    fields = incident_fields(obj)
    assert fields["confidence"] == 70 and fields["report_count"] == 2
    assert fields["agreement"] == {"country": 1.0, "killed": 0.5}
    assert fields["toll_history"][0] == {"at": "2026-11-23T10:00:00.000Z", "killed": 3, "report_ref": "report--" + "1" * 36}
    assert fields["edited_fields"] == ["perpetrator"] and fields["toll_source"].endswith("2" * 36)
    jsonschema.validate(obj["extensions"][GTD_EXTENSION_ID], incident_schema())
    assert_clean(obj)
    plain = incident_fields(make_incident("y"))
    assert plain["report_refs"] == [] and plain["agreement"] == {} and plain["confidence"] is None
    with pytest.raises(InputError, match="report_refs"):
        make_incident("z", report_refs=["incident--x"])
    with pytest.raises(InputError, match="agreement"):
        make_incident("z", agreement={"country": 2})
    assert make_incident("r", revoked=True)["revoked"] is True


def _outcome(function, value, precision):
    try:
        return function(value, precision)
    except InputError as exc:
        return ("error", str(exc))


@settings(max_examples=300)
@given(st.one_of(st.dates(), st.from_regex(r"\A\d{4}(-\d{2}(-\d{2})?)?\Z"), st.text(max_size=12),
                 st.datetimes()),
       st.sampled_from([None, "day", "month", "year", "week"]))
def test_remembered_occurred_is_the_computed_one(value, precision):
    """The remembered dates (text, dates; not datetimes) give what computing them gives, errors included, also
    asked twice."""
    expected = _outcome(incident._occurred_of, value, precision)
    assert _outcome(incident._occurred, value, precision) == expected
    assert _outcome(incident._occurred, value, precision) == expected


def test_occurred_of_one_instant_in_two_zones_keeps_each_date():
    late = datetime(2024, 1, 1, 23, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert incident._occurred(late, None) == ("2024-01-01", "day")
    assert incident._occurred(late.astimezone(timezone.utc), None) == ("2024-01-02", "day")
