"""Filing reports into incidents: merge or open, provenance, toll history, markings, idempotence (both backends)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from stix2validator import validate_instance

from marsad.model.incident import incident_fields, make_incident
from marsad.model.markings import TLP_MARKING_IDS, Tlp
from marsad.monitor import incident_files as files
from marsad.monitor.incident_compose import FiledRow, compose
from marsad.monitor.incident_files import file_report, incident_version, marking_key
from marsad.monitor.merging import EventFacts
from marsad.store.incident_reports import incident_band_keys, incident_file_reports, incident_files
from tests.monitor.filing_world import T0, report

AMBER = (TLP_MARKING_IDS[Tlp.AMBER],)
ORG = "identity--11111111-1111-4111-8111-111111111111"


def file(engine, filed, now=None):
    with engine.begin() as conn:
        return file_report(conn, filed, now=now or filed.received)


def test_two_reports_of_one_event_make_one_incident_with_a_rising_toll(engine):
    first = file(engine, report(1, killed=3, wounded=10))
    second = file(engine, report(2, hours=5, killed=7, wounded=15, text="Officials in Kirkuk raised the toll of the "
                                 "car bomb at the police checkpoint near the market to 7 dead and 15 wounded."))
    assert first.opened and not first.toll_rose
    assert second.incident_id == first.incident_id and not second.opened and second.toll_rose
    fields = incident_fields(second.incident)
    assert fields["report_refs"] == [report(1).report_id, report(2).report_id] and fields["report_count"] == 2
    assert (fields["killed"], fields["wounded"]) == (7, 15) and fields["toll_source"] == report(2).report_id
    assert [h["killed"] for h in fields["toll_history"]] == [3, 7]
    assert fields["agreement"]["city"] == 1.0 and fields["agreement"]["killed"] == 0.5
    assert fields["modified"] > incident_fields(first.incident)["modified"]
    assert fields["confidence"] > incident_fields(first.incident)["confidence"]


def test_a_lower_later_figure_is_shown_but_the_history_keeps_both_and_no_rise(engine):
    file(engine, report(1, killed=9, wounded=0))
    later = file(engine, report(2, hours=3, killed=6, wounded=0))
    assert not later.toll_rose and incident_fields(later.incident)["killed"] == 6
    assert [h["killed"] for h in incident_fields(later.incident)["toll_history"]] == [9, 6]


def test_other_city_or_far_date_opens_another_incident(engine):
    a = file(engine, report(1))
    b = file(engine, report(2, city="Mosul", admin1="Nineveh", latitude=36.34, longitude=43.13,
                            text="Gunmen attacked a checkpoint in Mosul."))
    c = file(engine, report(3, date="2026-11-02", text="An old bombing in Kirkuk."))
    assert len({a.incident_id, b.incident_id, c.incident_id}) == 3 and b.opened and c.opened


def test_undated_follow_up_merges_by_publication_date(engine):
    a = file(engine, report(1))
    b = file(engine, report(2, hours=20, date=None, killed=6))
    assert b.incident_id == a.incident_id


def test_an_undated_report_opens_an_incident_indexed_at_its_publication_date(engine):
    """No report dates the event: the incident is indexed at the publication date with precision "published"
    (PostgreSQL refused the 9 characters before migration 0016, so the report failed to file)."""
    filed = file(engine, report(1, date=None))
    assert filed.opened
    with engine.connect() as conn:
        row = conn.execute(select(incident_files.c.occurred, incident_files.c.occurred_precision)).one()
    assert (row.occurred, row.occurred_precision) == (report(1).published.date(), "published")


def test_not_an_incident_is_not_filed(engine):
    assert file(engine, report(1, is_incident=False)) is None
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(incident_files)).scalar_one() == 0


def test_filing_the_same_report_again_changes_nothing(engine):
    a = file(engine, report(1))
    again = file(engine, report(1), now=T0 + timedelta(days=1))
    assert again.incident == a.incident and not again.opened
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(incident_file_reports)).scalar_one() == 1


def test_markings_separate_incidents_and_restricted_ones_link_to_the_open_one(engine):
    open_one = file(engine, report(1))
    amber = file(engine, report(2, hours=1, tlp="amber", marking=AMBER, created_by_ref=ORG))
    assert amber.opened and amber.incident_id != open_one.incident_id
    assert amber.incident["object_marking_refs"] == list(AMBER) and amber.incident["created_by_ref"] == ORG
    related = [o for o in amber.objects if o["type"] == "relationship" and o["relationship_type"] == "related-to"]
    assert [r["target_ref"] for r in related] == [open_one.incident_id]
    assert all(o["object_marking_refs"] == list(AMBER) for o in amber.objects)
    assert marking_key("amber", (), ORG) != marking_key("clear", (), None)


def test_objects_are_valid_stix_with_location_and_threat_actor(engine):
    filed = file(engine, report(1, perpetrator="Islamic State of Iraq and the Levant (ISIL)"))
    kinds = {o["type"]: o for o in filed.objects if o["type"] != "relationship"}
    assert set(kinds) == {"incident", "location"}
    assert kinds["location"]["country"] == "IQ" and kinds["location"]["city"] == "Kirkuk"
    rels = {o["relationship_type"]: o["target_ref"] for o in filed.objects if o["type"] == "relationship"}
    assert rels["located-at"] == kinds["location"]["id"] and rels["attributed-to"].startswith("threat-actor--")
    for obj in filed.objects:
        result = validate_instance(obj)
        assert result.is_valid, [str(e) for e in result.errors]


def test_candidates_come_from_the_index_window_and_marking_only(engine):
    near = file(engine, report(1)).incident_id
    file(engine, report(2, date="2026-10-01", text="An October bombing in Kirkuk."))
    file(engine, report(3, tlp="amber", marking=AMBER, created_by_ref=ORG))
    file(engine, report(4, country="SY", admin1="Raqqa", city="Raqqa", latitude=35.95, longitude=39.01, text="Raqqa."))
    month = file(engine, report(5, date="2026-11-01", date_precision="month", city=None, admin1=None, latitude=None,
                                longitude=None, text="Bombings in Iraq this month.")).incident_id
    facts = EventFacts.from_record(report(6).record, published=T0.date())
    with engine.connect() as conn:
        ids = files._candidate_ids(conn, marking_key("clear", (), None), facts, [])
    assert ids == sorted([near, month])


def test_band_candidates_are_found_in_either_band_tree(engine):
    """On SQLite a batch's band keys may still wait in ``incident_band_keys_recent``: the one-by-one lookup finds
    an incident by keys held in either tree (PostgreSQL: the main table only)."""
    one = file(engine, report(1)).incident_id
    two = file(engine, report(4, country="SY", admin1="Raqqa", city="Raqqa", latitude=35.95, longitude=39.01,
                                text="Raqqa.")).incident_id
    with engine.connect() as conn:
        rows = conn.execute(select(incident_band_keys.c.band_key, incident_band_keys.c.report_id)).all()
        keys = sorted({key for key, _ in rows})
        before = files._candidate_ids(conn, "no marking", EventFacts(), keys)
        if engine.dialect.name == "sqlite":  # half of the keys, of both reports, into the recent tree
            conn.exec_driver_sql("INSERT INTO incident_band_keys_recent SELECT band_key, report_id "
                                 "FROM incident_band_keys WHERE band_key % 2 = 0")
            conn.exec_driver_sql("DELETE FROM incident_band_keys WHERE band_key % 2 = 0")
            moved = conn.exec_driver_sql("SELECT count(*) FROM incident_band_keys_recent").scalar_one()
            assert 0 < moved < len(rows)
            assert files._candidate_ids(conn, "no marking", EventFacts(), keys) == before
            recent_only = [key for key in keys if key % 2 == 0]  # keys held by the recent tree only
            assert files._candidate_ids(conn, "no marking", EventFacts(), recent_only) == before
        conn.rollback()
    assert before == sorted([one, two])


def test_the_incident_built_directly_is_what_make_incident_validates():
    rows = [FiledRow(r.report_id, r.received, r.published, r.title, r.record)
            for r in (report(1, perpetrator="Islamic State of Iraq and the Levant (ISIL)"), report(2, hours=3, killed=9))]
    comp = compose(rows, {"description": "Checked by an analyst"})
    built = incident_version(comp, incident_id="incident--00000000-0000-4000-8000-000000000001", created=T0,
                             modified=T0 + timedelta(hours=4), created_by_ref=ORG, marking_refs=AMBER)
    fields = {k: v for k, v in comp.fields.items() if v not in (None, [])}
    head = {k: fields.pop(k) for k in ("name", "description", "determination", "investigation_status")}
    reference = make_incident(
        head.pop("name"), **head, incident_id=built["id"], created=built["created"], modified=built["modified"],
        created_by_ref=ORG, confidence=comp.confidence, report_refs=comp.report_refs, report_count=2,
        agreement=comp.agreement, toll_history=comp.toll_history, toll_source=comp.toll_source,
        edited_fields=comp.edited_fields, **fields)
    assert built == {**reference, "object_marking_refs": list(AMBER)}
    result = validate_instance(built)
    assert result.is_valid, [str(e) for e in result.errors]


@settings(max_examples=200)
@given(st.sampled_from(["clear", "green", "amber", "amber+strict", "red"]), st.lists(st.text(max_size=8), max_size=4),
       st.none() | st.text(max_size=10), st.booleans())
def test_marking_key_is_the_hash_of_tlp_sorted_list_and_originator(tlp, release_to, originator, as_list):
    data = json.dumps([tlp, sorted(release_to), originator or ""], separators=(",", ":"))
    given_list = list(release_to) if as_list else tuple(release_to)
    assert marking_key(tlp, given_list, originator) == hashlib.sha256(data.encode()).hexdigest()
    assert marking_key(tlp, list(reversed(release_to)), originator) == marking_key(tlp, release_to, originator)


_ZONES = st.sampled_from([timezone.utc, timezone(timedelta(hours=3)), timezone(timedelta(hours=-9, minutes=-30))])


@settings(max_examples=300)
@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)), _ZONES)
def test_stix_time_is_the_utc_strftime_text(value, zone):
    value = value.replace(tzinfo=zone)
    utc = value.astimezone(timezone.utc)
    assert files._stix_time(value) == utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
