"""Analysts confirm, correct, split and merge incidents: roles, visibility, one transaction, audit, edits win."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marsad.access.context import Viewer
from marsad.errors import AccessDenied, Conflict, InputError, NotFound
from marsad.model.incident import incident_fields
from marsad.model.markings import TLP_MARKING_IDS, Tlp
from marsad.monitor.curation import confirm_incident, correct_incident, merge_incidents, split_incident
from marsad.monitor.incident_files import file_report
from marsad.store import Store, stix_objects
from marsad.store.audit import audit_log
from marsad.store.incident_reports import incident_edits
from marsad.store.rows import default_marking_reader
from marsad.store.writes import put_objects
from tests.monitor.filing_world import report

AMBER = (TLP_MARKING_IDS[Tlp.AMBER],)
ORG = "identity--11111111-1111-4111-8111-111111111111"


@pytest.fixture
def world(engine):
    collection = Store(engine).create_collection("Incidents", alias="incidents").id
    return engine, collection


def analyst(collection, *roles, member=True) -> Viewer:
    return Viewer("ana", org_id="1", org_name="Unit", identity_id="identity--22222222-2222-4222-8222-222222222222",
                  roles=frozenset(roles or ("analyst",)), member_read=frozenset({collection} if member else ()),
                  open_read=frozenset({collection}))


def filed(world, filed_report):
    engine, collection = world
    with engine.begin() as conn:
        filing = file_report(conn, filed_report, now=filed_report.received)
        put_objects(conn, filing.objects, collection_id=collection, all_or_nothing=True, reader=default_marking_reader)
    return filing


def versions(engine, incident_id) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(stix_objects)
                            .where(stix_objects.c.stix_id == incident_id)).scalar_one()


def audit_changes(engine) -> list:
    with engine.connect() as conn:
        return [(row.actor, row.action, (row.detail or {}).get("change")) for row in conn.execute(select(audit_log))]


def test_confirm_and_correct_make_audited_versions_and_edits_win_over_later_reports(world):
    engine, collection = world
    first = filed(world, report(1, killed=3))
    viewer = analyst(collection)
    confirmed = confirm_incident(engine, viewer, first.incident_id)
    assert incident_fields(confirmed)["determination"] == "confirmed" and confirmed["confidence"] >= 95
    corrected = correct_incident(engine, viewer, first.incident_id, {"killed": 20, "city": "Kirkuk"}, note="morgue")
    assert incident_fields(corrected)["killed"] == 20 and incident_fields(corrected)["edited_fields"] == [
        "city", "determination", "investigation_status", "killed"]
    later = filed(world, report(2, hours=4, killed=30))
    assert later.incident_id == first.incident_id and incident_fields(later.incident)["killed"] == 20
    assert versions(engine, first.incident_id) == 4
    assert ("ana", "write", "incident.confirm") in audit_changes(engine)
    assert ("ana", "write", "incident.correct") in audit_changes(engine)
    with engine.connect() as conn:
        edit = conn.execute(select(incident_edits).where(incident_edits.c.field == "killed")).one()
    assert (edit.old, edit.new, edit.actor, edit.note) == (3, 20, "ana", "morgue")


def test_bad_values_and_unknown_fields_keep_nothing(world):
    engine, collection = world
    first = filed(world, report(1))
    with pytest.raises(InputError, match="killed"):
        correct_incident(engine, analyst(collection), first.incident_id, {"killed": -1})
    with pytest.raises(InputError, match="report_refs"):
        correct_incident(engine, analyst(collection), first.incident_id, {"report_refs": []})
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(incident_edits)).scalar_one() == 0
    assert versions(engine, first.incident_id) == 1


def test_only_curators_who_can_see_the_incident(world):
    engine, collection = world
    open_one = filed(world, report(1))
    with pytest.raises(AccessDenied):
        confirm_incident(engine, analyst(collection, "liaison"), open_one.incident_id)
    amber = filed(world, report(2, tlp="amber", marking=AMBER, created_by_ref=ORG, release_to=("user:someone",)))
    outsider = analyst(collection, "admin", member=False)
    with pytest.raises(NotFound):
        confirm_incident(engine, outsider, amber.incident_id)
    with pytest.raises(NotFound):
        confirm_incident(engine, outsider, "incident--00000000-0000-4000-8000-000000000000")
    assert [c for c in audit_changes(engine) if c[1] == "deny"] and versions(engine, amber.incident_id) == 1


def test_split_moves_reports_to_a_new_incident(world):
    engine, collection = world
    filed(world, report(1))
    second = filed(world, report(2, hours=2, killed=9))
    viewer = analyst(collection)
    new = split_incident(engine, viewer, second.incident_id, [report(2).report_id])
    assert incident_fields(new)["report_refs"] == [report(2).report_id] and incident_fields(new)["killed"] == 9
    with engine.connect() as conn:
        last = conn.execute(select(stix_objects.c.object).where(stix_objects.c.stix_id == second.incident_id)
                            .order_by(stix_objects.c.modified.desc())).scalars().first()
    assert incident_fields(last)["report_refs"] == [report(1).report_id]
    with pytest.raises(InputError):
        split_incident(engine, viewer, second.incident_id, [report(1).report_id])  # all of them
    with pytest.raises(InputError):
        split_incident(engine, viewer, second.incident_id, ["report--nope"])


def test_merge_moves_reports_and_revokes_the_absorbed_incident(world):
    engine, collection = world
    a = filed(world, report(1))
    b = filed(world, report(2, city="Mosul", admin1="Nineveh", latitude=36.34, longitude=43.13, text="Mosul attack"))
    assert a.incident_id != b.incident_id
    viewer = analyst(collection)
    kept = merge_incidents(engine, viewer, a.incident_id, b.incident_id)
    assert incident_fields(kept)["report_count"] == 2
    with engine.connect() as conn:
        absorbed = conn.execute(select(stix_objects.c.object).where(stix_objects.c.stix_id == b.incident_id)
                                .order_by(stix_objects.c.modified.desc())).scalars().first()
        duplicate = conn.execute(select(func.count()).select_from(stix_objects).where(
            stix_objects.c.type == "relationship", stix_objects.c.object["relationship_type"].as_string() == "duplicate-of"
        )).scalar_one()
    assert absorbed["revoked"] is True and duplicate == 1
    with pytest.raises(Conflict):
        correct_incident(engine, viewer, b.incident_id, {"killed": 1})
    with pytest.raises(InputError):
        merge_incidents(engine, viewer, a.incident_id, a.incident_id)
    amber = filed(world, report(3, tlp="amber", marking=AMBER, created_by_ref=viewer.identity_id))
    with pytest.raises(Conflict, match="markings"):
        merge_incidents(engine, viewer, a.incident_id, amber.incident_id)
