"""Reading one incident for a viewer: the latest version, or the same NotFound whether hidden or missing."""

from __future__ import annotations

import pytest

from marsad.access.audit import export_entries
from marsad.analysis.incident_view import ANONYMOUS, visible_incident
from marsad.errors import NotFound
from marsad.model import make_incident
from tests.analysis.brief_world import brief_world, reader


@pytest.fixture
def world(database_url):
    store, collection, ids = brief_world(database_url)
    yield store, reader(collection), ids, collection
    store.engine.dispose()


def test_latest_version_is_read_and_audited(world):
    store, viewer, ids, collection = world
    newer = make_incident("target, corrected", incident_id=ids["target"], created="2024-05-01T00:00:00.000Z",
                          modified="2024-05-02T00:00:00.000Z", tlp="green", occurred="2024-03-10", killed=4)
    store.put_objects([newer], collection_id=collection)
    seen = visible_incident(store.engine, viewer, ids["target"], via="test")
    assert seen.obj["name"] == "target, corrected" and seen.facts["killed"] == 4
    entry = list(export_entries(store.engine))[-1]
    assert (entry["action"], entry["detail"]["via"], entry["object_ids"]) == ("read", "test", [ids["target"]])


def test_hidden_missing_and_malformed_ids_are_not_found(world):
    store, viewer, ids, _ = world
    for wanted in (ids["hidden"], "incident--00000000-0000-4000-8000-000000000000", "indicator--x", ""):
        with pytest.raises(NotFound):
            visible_incident(store.engine, viewer, wanted)
    with pytest.raises(NotFound):
        visible_incident(store.engine, None, ids["target"])
    entries = [e for e in export_entries(store.engine) if e["action"] == "deny"]
    assert len(entries) == 5 and entries[-1]["actor"] == ANONYMOUS


def test_audit_can_be_left_to_the_caller(world):
    store, viewer, ids, _ = world
    visible_incident(store.engine, viewer, ids["target"], audit_read=False)
    assert not list(export_entries(store.engine))
