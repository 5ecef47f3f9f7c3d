"""The incident page's reads: marking, timeline and export only over what the viewer may see."""

from marsad.access.context import load_viewer
from marsad.monitor.incident_views import get_incident
from marsad.store import Store
from marsad.web.incident_page_data import map_point, marking_of, stix_bundle, timeline


def _viewer(seeded, name):
    with seeded.engine.connect() as conn:
        return load_viewer(conn, name)


def test_marking_timeline_and_bundle(seeded):
    store, saudi = Store(seeded.engine), _viewer(seeded, "sa_analyst")
    restricted = get_incident(store, saudi, seeded.incidents["amber_sa"]["id"])
    assert marking_of(store, saudi, restricted.object).tlp == "amber"
    assert marking_of(store, saudi, restricted.object).release_to == ("SA",)
    kirkuk = get_incident(store, saudi, seeded.incidents["kirkuk"]["id"])
    kinds = [e.kind for e in timeline(store, saudi, kirkuk.object)]
    assert kinds[0] in ("toll", "recorded") and "recorded" in kinds and "toll" in kinds
    bundle = stix_bundle(store, saudi, kirkuk)
    assert bundle["type"] == "bundle" and {o["type"] for o in bundle["objects"]} >= {"incident", "report",
                                                                                    "marking-definition"}


def test_map_point():
    assert map_point({"latitude": 31.95, "longitude": 35.93}) == "31.95000,35.93000"
    assert map_point({"latitude": None, "longitude": 1}) is None
