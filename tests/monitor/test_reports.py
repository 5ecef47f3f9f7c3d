"""An item's marking, officer fields over machine fields, and its STIX report (valid, stable id)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import stix2

from marsad.errors import InputError
from marsad.model.markings import TLP_MARKING_IDS, Tlp, releasability_marking
from marsad.monitor.items import make_item
from marsad.monitor.reports import apply_officer_fields, item_marking, report_id_of, report_object

WHEN = datetime(2026, 11, 20, 8, 30, 15, 123456, tzinfo=timezone.utc)
IDENTITY = "identity--5b2a8a3e-2f61-4b0a-9d0e-7c1d2e3f4a5b"


def item(**metadata):
    return make_item(source_id=3, key="feed#42", url="https://news.example/a", title="Blast in the market",
                     text="A bomb exploded in the market.", published=WHEN, language="en", fetched_at=WHEN,
                     metadata=metadata)


def test_open_source_items_are_clear():
    marking = item_marking(item())
    assert marking.tlp == "clear" and marking.release_to == () and marking.created_by_ref is None
    assert marking.marking_refs == (TLP_MARKING_IDS[Tlp.CLEAR],) and marking.definitions == ()


def test_a_submission_carries_its_submitters_marking():
    marking = item_marking(item(tlp="amber+strict", release_to=["jo", "SA"], created_by_ref=IDENTITY))
    definition = releasability_marking(["JO", "SA"])
    assert marking.tlp == "amber+strict" and marking.release_to == ("JO", "SA")
    assert marking.marking_refs == (TLP_MARKING_IDS[Tlp.AMBER_STRICT], definition["id"])
    assert marking.definitions == (definition,) and marking.created_by_ref == IDENTITY


@pytest.mark.parametrize("metadata", [{"tlp": "purple"}, {"release_to": ["not a recipient"]}])
def test_bad_markings_are_refused(metadata):
    with pytest.raises(InputError):
        item_marking(item(**metadata))


def test_officer_fields_win():
    record = {"id": "x", "is_incident": False, "incident_probability": 0.2, "country": "SY", "killed": None,
              "date": "2026-11-19", "attack_types": []}
    out = apply_officer_fields(record, {"country": "JO", "killed": 4, "occurred": "2026-11-18", "city": ""})
    assert out["country"] == "JO" and out["killed"] == 4 and out["date"] == "2026-11-18"
    assert out["is_incident"] is True and out["incident_probability"] == 0.5
    assert apply_officer_fields(record, None) == record and record["country"] == "SY"


def test_report_is_valid_stix_with_a_stable_id():
    source = item(tlp="amber", release_to=["JO"], created_by_ref=IDENTITY)
    marking = item_marking(source)
    obj = report_object(source, marking, report_id=report_id_of(source), object_refs=["incident--" + "1" * 8 + "-1111-4111-8111-" + "1" * 12],
                        lang="en", source_name="wire")
    parsed = stix2.parse(obj, allow_custom=False)
    assert parsed.name == "Blast in the market" and obj["created"] == "2026-11-20T08:30:15.123Z"
    assert obj["external_references"] == [{"source_name": "wire", "external_id": "feed#42", "url": "https://news.example/a"}]
    assert obj["created_by_ref"] == IDENTITY and obj["lang"] == "en"
    assert report_id_of(item()) == report_id_of(source)  # same source, key and content: same report
    other = make_item(source_id=3, key="feed#42", url=None, title="Blast", text="Another text", published=None,
                      language=None)
    assert report_id_of(other) != report_id_of(source)
