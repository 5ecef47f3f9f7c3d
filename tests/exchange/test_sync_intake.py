"""What a pull lets in: valid objects whose markings resolve; refused markings take what they mark with them."""

from __future__ import annotations

import uuid

from marsad.exchange.sync_intake import accept_page, complete_markings, marking_refs
from marsad.model.markings import TLP_MARKING_IDS, Tlp, releasability_marking
from marsad.store import open_store


def _indicator(refs: list[str]) -> dict:
    stamp = "2026-01-01T00:00:00.000Z"
    return {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}", "created": stamp,
            "modified": stamp, "name": "x", "pattern_type": "stix", "pattern": "[domain-name:value = 'x.example']",
            "valid_from": stamp, "object_marking_refs": refs}


class Peer:
    url = "http://peer.test/"

    def __init__(self, objects):
        self.objects = {o["id"]: o for o in objects}

    def get_object(self, collection, object_id):
        return [self.objects[object_id]] if object_id in self.objects else []


def test_marking_refs_ignores_tlp_and_junk():
    release = releasability_marking(["JO"])["id"]
    assert marking_refs([_indicator([TLP_MARKING_IDS[Tlp.AMBER], release]), "junk", {"object_marking_refs": "x"}]) \
        == {release}


def test_missing_definitions_are_fetched_and_pages_accepted(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'm.db'}")
    release = releasability_marking(["JO"])
    marked = _indicator([TLP_MARKING_IDS[Tlp.AMBER], release["id"]])
    page = complete_markings(store, Peer([release]), "c", [marked])
    assert [o["id"] for o in page] == [release["id"], marked["id"]]
    accepted, failures = accept_page(store, page)
    assert not failures and {o["id"] for o in accepted} == {release["id"], marked["id"]}
    store.put_objects([release])
    assert complete_markings(store, Peer([]), "c", [marked]) == [marked]  # stored here: nothing to fetch


def test_refusals_one_by_one(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'm.db'}")
    forged = {**releasability_marking(["SA"]), "id": f"marking-definition--{uuid.uuid4()}"}
    orphan = _indicator([f"marking-definition--{uuid.uuid4()}"])
    marked, fine = _indicator([forged["id"]]), _indicator([TLP_MARKING_IDS[Tlp.GREEN]])
    accepted, failures = accept_page(store, [forged, marked, orphan, fine, {"type": "indicator"}])
    assert [o["id"] for o in accepted] == [fine["id"]]
    assert {f["id"] for f in failures} == {forged["id"], marked["id"], orphan["id"], None}
    assert all(f["message"] for f in failures)
