"""Sharing an incident more widely: only wider (checked against the policy's meaning of TLP and lists), only by
its originator's analysts/officers/administrators, a new version through the normal write path, audited."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from marsad.access.audit import export_entries
from marsad.access.context import Viewer, load_viewer
from marsad.access.policy import ObjectFacts, can_see, visible_clause
from marsad.errors import AccessDenied, Conflict, NotFound
from marsad.model.markings import TLP_MARKING_IDS, Tlp, releasability_marking
from marsad.monitor.curation import correct_incident, merge_incidents
from marsad.monitor.filing_batch import file_reports
from marsad.monitor.incident_files import file_report, marking_key
from marsad.monitor.sharing import ShareRefused, refusal, share_incident
from marsad.store import stix_objects
from marsad.store.incident_reports import incident_files
from marsad.store.rows import default_marking_reader
from marsad.store.writes import put_objects
from tests.monitor.filing_world import report
from tests.web.page_world import page_world

LEVELS = [None, "clear", "green", "amber", "amber+strict", "red"]
ENTRIES = ["SA", "JO", "identity--00000000-0000-4000-8000-000000000001", "user:ali"]


def _who(country, identity, member, username="bob"):
    return Viewer(username=username, org_id="o", identity_id=identity, country=country,
                  member_read=frozenset({"c"}) if member else frozenset(), roles=frozenset({"analyst"}))


VIEWERS = [_who(c, i, m, u) for c in ("SA", "JO") for i in (None, "identity--00000000-0000-4000-8000-000000000001")
           for m in (True, False) for u in ("ali", "bob")]


@given(old=st.sampled_from(LEVELS), new=st.sampled_from(LEVELS),
       old_list=st.lists(st.sampled_from(ENTRIES), unique=True, max_size=2),
       added=st.lists(st.sampled_from(ENTRIES), unique=True, max_size=2))
def test_an_accepted_change_hides_from_nobody(old, new, old_list, added):
    new_list = sorted(set(old_list) | set(added))
    if refusal(old, old_list, new, new_list) is not None:
        return
    before = ObjectFacts("incident--x", "incident", None, old, tuple(old_list))
    after = ObjectFacts("incident--x", "incident", None, new, tuple(new_list))
    for who in VIEWERS:
        assert not can_see(who, before, ["c"]) or can_see(who, after, ["c"]), (who, old, old_list, new, new_list)


def test_refusals_have_codes():
    assert refusal("amber", [], "amber", []).code == "unchanged"
    assert refusal("green", [], "amber", []).code == "stricter_tlp"
    assert refusal("amber", ["SA", "JO"], "amber", ["SA"]).code == "removed_recipient"
    assert refusal("amber", [], "amber", ["SA"]).code == "list_on_community"
    assert refusal("amber", ["SA"], "green", ["SA"]).code == "community_from_list"
    assert refusal("amber", [], "green", []) is None and refusal("red", ["SA"], "amber", ["SA", "JO"]) is None
    assert refusal("red", [], "green", []) is None  # originator only → community


@pytest.fixture
def world(database_url):
    built = page_world(database_url)
    yield built
    built.engine.dispose()


def _viewer(world, name):
    with world.engine.connect() as conn:
        return load_viewer(conn, name)


def test_widening_a_stored_incident_makes_a_new_version_others_now_see(world):
    amber = world.incidents["amber_sa"]["id"]  # SA's, AMBER released to SA
    jordan = _viewer(world, "jo_analyst")
    with pytest.raises(NotFound):  # hidden: like unknown, for sharing too
        share_incident(world.engine, jordan, amber, add_release_to=["JO"])
    saudi = _viewer(world, "sa_analyst")
    with pytest.raises(ShareRefused) as refused:
        share_incident(world.engine, saudi, amber, tlp="red")
    assert refused.value.code == "stricter_tlp" and refused.value.status == 409
    new = share_incident(world.engine, saudi, amber, add_release_to=["JO"])
    assert new["modified"] > world.incidents["amber_sa"]["modified"]
    assert releasability_marking(["JO", "SA"])["id"] in new["object_marking_refs"]
    with world.engine.connect() as conn:
        seen = conn.execute(select(stix_objects.c.modified).where(
            stix_objects.c.stix_id == amber, visible_clause(_viewer(world, "jo_analyst")))).all()
    assert len(seen) == 1  # the new version only: the old one stays released to SA alone
    entries = [e for e in export_entries(world.engine) if (e.get("detail") or {}).get("change") == "incident.share"]
    assert entries and entries[-1]["actor"] == "sa_analyst"


def test_only_the_originator_may_share(world):
    tunis = world.incidents["tunis"]["id"]  # EG's, GREEN: Jordan sees it but may not share it
    with pytest.raises(AccessDenied):
        share_incident(world.engine, _viewer(world, "jo_analyst"), tunis, tlp="clear")
    share_incident(world.engine, _viewer(world, "eg_analyst"), tunis, tlp="clear")


def test_a_merged_incident_is_shared_as_a_new_version(world):
    jo = world.world.orgs["jo"].identity_id
    filed_report = report(7, tlp="amber", marking=(TLP_MARKING_IDS[Tlp.AMBER],), created_by_ref=jo)
    with world.engine.begin() as conn:
        filing = file_report(conn, filed_report, now=filed_report.received)
        put_objects(conn, filing.objects, collection_id=world.world.collections["regional"], all_or_nothing=True,
                    reader=default_marking_reader)
    new = share_incident(world.engine, _viewer(world, "jo_analyst"), filing.incident_id, tlp="green")
    assert new["object_marking_refs"][0] == TLP_MARKING_IDS[Tlp.GREEN] and new["modified"] > filing.incident["modified"]
    with world.engine.connect() as conn:
        row = conn.execute(select(incident_files).where(incident_files.c.incident_id == filing.incident_id)).one()
        stored = conn.execute(select(stix_objects.c.tlp).where(stix_objects.c.stix_id == filing.incident_id)
                              .order_by(stix_objects.c.modified.desc())).scalars().all()
    assert stored == ["green", "amber"]
    assert (row.tlp, row.marking_refs[0]) == ("green", TLP_MARKING_IDS[Tlp.GREEN])  # the file takes the new marking
    assert row.marking_key == marking_key("amber", (), jo)  # ... and keeps its merge key


def _file_and_store(world, filer, filed_report):
    """File ``filed_report`` with ``filer`` (one by one or as a batch) and store what it wrote; the filing."""
    with world.engine.begin() as conn:
        filing = filer(conn, filed_report)
        put_objects(conn, filing.objects, collection_id=world.world.collections["regional"], all_or_nothing=True,
                    reader=default_marking_reader)
    return filing


FILERS = {"file_report": lambda conn, r: file_report(conn, r, now=r.received),
          "file_reports": lambda conn, r: file_reports(conn, [r], now=r.received)[0]}


def _latest_seen(world, viewer_name, stix_id):
    """(``modified``, TLP) of the latest version of ``stix_id`` the viewer may see, or None."""
    with world.engine.connect() as conn:
        row = conn.execute(select(stix_objects.c.object, stix_objects.c.tlp).where(
            stix_objects.c.stix_id == stix_id, visible_clause(_viewer(world, viewer_name)))
            .order_by(stix_objects.c.modified.desc())).first()
    return None if row is None else (row.object["modified"], row.tlp)


@pytest.mark.parametrize("filer", sorted(FILERS))
def test_a_widened_incident_keeps_its_marking_when_reports_and_edits_follow(world, filer):
    jo = world.world.orgs["jo"].identity_id
    red = dict(tlp="red", marking=(TLP_MARKING_IDS[Tlp.RED],), created_by_ref=jo)  # JO only
    first = _file_and_store(world, FILERS[filer], report(7, **red))
    assert _latest_seen(world, "sa_analyst", first.incident_id) is None
    shared = share_incident(world.engine, _viewer(world, "jo_analyst"), first.incident_id, tlp="amber")
    assert _latest_seen(world, "sa_analyst", first.incident_id) == (shared["modified"], "amber")

    later = _file_and_store(world, FILERS[filer], report(8, hours=2, killed=9, **red))  # the original marking
    assert later.incident_id == first.incident_id and not later.opened  # still merges (the key is kept)
    assert later.incident["modified"] > shared["modified"]
    assert {tuple(o["object_marking_refs"]) for o in later.objects} == {(TLP_MARKING_IDS[Tlp.AMBER],)}
    related = [o for o in later.objects if o["type"] != "incident"]
    assert related and all(o["modified"] == later.incident["modified"] for o in related)
    assert _latest_seen(world, "sa_analyst", first.incident_id) == (later.incident["modified"], "amber")
    assert all(_latest_seen(world, "sa_analyst", o["id"]) is not None for o in related)

    again = _file_and_store(world, FILERS[filer], report(8, hours=2, killed=9, **red))  # filed again: same versions
    assert again.objects == later.objects

    corrected = correct_incident(world.engine, _viewer(world, "jo_analyst"), first.incident_id, {"killed": 11})
    assert corrected["object_marking_refs"] == [TLP_MARKING_IDS[Tlp.AMBER]]
    assert _latest_seen(world, "sa_analyst", first.incident_id) == (corrected["modified"], "amber")


def test_a_widened_incident_is_not_merged_with_one_of_its_original_marking(world):
    jo = world.world.orgs["jo"].identity_id
    red = dict(tlp="red", marking=(TLP_MARKING_IDS[Tlp.RED],), created_by_ref=jo)
    widened = _file_and_store(world, FILERS["file_report"], report(7, **red))
    other = _file_and_store(world, FILERS["file_report"], report(9, city="Mosul", admin1="Nineveh", latitude=36.34,
                                                                  longitude=43.13, hours=24 * 40, **red))
    assert other.incident_id != widened.incident_id
    analyst = _viewer(world, "jo_analyst")
    share_incident(world.engine, analyst, widened.incident_id, tlp="amber")
    for keep, absorb in ((widened.incident_id, other.incident_id), (other.incident_id, widened.incident_id)):
        with pytest.raises(Conflict):
            merge_incidents(world.engine, analyst, keep, absorb)
