"""Real TAXII 2.1 clients against a live Marsad hub: the OASIS taxii2-client (every endpoint), the stix2
library's TAXIICollectionSource/Sink, and the stix2-validator run over every object the hub serves.

The hub (see conftest.py) has four organisations; SA posts, the others read through the sharing policy.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

import pytest
import requests
import stix2
from stix2validator import ValidationOptions, validate_instance
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

from marsad.model.markings import releasability_marking
from taxii_world import PASSWORD, indicator, stamp

pytestmark = pytest.mark.slow


class BearerAuth(requests.auth.AuthBase):
    """Marsad API key as ``Authorization: Bearer``."""

    def __init__(self, key: str):
        self.key = key

    def __call__(self, request):
        request.headers["Authorization"] = f"Bearer {self.key}"
        return request


def _root(hub, org: str, *, key: bool = False) -> ApiRoot:
    url, world = hub
    if key:
        return ApiRoot(f"{url}/taxii2/marsad/", auth=BearerAuth(world.keys[org]))
    return ApiRoot(f"{url}/taxii2/marsad/", user=f"{org}_analyst", password=PASSWORD)


def _collection(hub, org: str, alias: str, *, key: bool = True) -> Collection:
    url, world = hub
    cid = world.collections[alias]
    auth = {"auth": BearerAuth(world.keys[org])} if key else {"user": f"{org}_analyst", "password": PASSWORD}
    return Collection(f"{url}/taxii2/marsad/collections/{cid}/", **auth)


def _envelope(objects) -> dict:
    return {"objects": list(objects)}


@pytest.fixture(scope="module")
def posted(live_hub):
    """250 GREEN indicators posted by SA to ``regional`` through taxii2-client (status polled)."""
    _, world = live_hub
    sa = world.orgs["sa"].identity_id
    objects = [indicator(sa, name=f"ioc {n}", pattern_value=f"host{n}.example") for n in range(250)]
    collection = _collection(live_hub, "sa", "regional")
    status = collection.add_objects(_envelope(objects), wait_for_completion=True, poll_interval=0.1, timeout=10)
    assert status.status == "complete" and status.success_count == 250 and status.failure_count == 0
    return objects


def test_discovery_api_root_and_collections_through_taxii2_client(live_hub):
    url, _ = live_hub
    server = Server(f"{url}/taxii2/", user="sa_analyst", password=PASSWORD)
    assert server.title
    assert server.default is not None and server.default.url.endswith("/taxii2/marsad/")
    root = server.api_roots[0]
    assert root.versions == ["application/taxii+json;version=2.1"]
    assert root.max_content_length == 1024 * 1024
    by_alias = {c.alias: c for c in root.collections}
    assert {"regional", "sa-jo", "sa-drop"} <= set(by_alias) and "empty" not in by_alias
    assert by_alias["regional"].can_read and by_alias["regional"].can_write
    assert by_alias["regional"].media_types == ["application/stix+json;version=2.1"]


def test_write_only_member_sees_its_rights(live_hub):
    drop = {c.alias: c for c in _root(live_hub, "jo", key=True).collections}["sa-drop"]
    assert drop.can_read is False and drop.can_write is True


def test_status_and_paging_with_as_pages(live_hub, posted):
    collection = _collection(live_hub, "sa", "regional")
    pages = list(as_pages(collection.get_objects, per_request=100, type="indicator"))
    sizes = [len(p.get("objects", [])) for p in pages]
    assert sum(sizes) >= 250 and all(s <= 100 for s in sizes) and pages[-1]["more"] is False
    got = {o["id"] for p in pages for o in p.get("objects", [])}
    assert {o["id"] for o in posted} <= got


def test_get_status_through_api_root(live_hub):
    _, world = live_hub
    collection = _collection(live_hub, "sa", "regional")
    obj = indicator(world.orgs["sa"].identity_id)
    status = collection.add_objects(_envelope([obj]), wait_for_completion=False)
    again = _root(live_hub, "sa", key=True).get_status(status.id)
    assert again.status == "complete" and again.successes[0]["id"] == obj["id"]
    with pytest.raises(requests.HTTPError) as caught:
        _root(live_hub, "jo", key=True).get_status(status.id)
    assert caught.value.response.status_code == 404


def test_versions_object_manifest_filters_and_delete(live_hub):
    _, world = live_hub
    sa = world.orgs["sa"].identity_id
    collection = _collection(live_hub, "sa", "regional", key=False)
    stix_id = f"indicator--{uuid.uuid4()}"
    versions = [indicator(sa, stix_id=stix_id, modified=m, name=f"v{m}") for m in (0, 60, 120)]
    before = datetime.now(timezone.utc)
    status = collection.add_objects(_envelope(versions), wait_for_completion=True, poll_interval=0.1)
    assert status.success_count == 3

    last = collection.get_object(stix_id)["objects"]
    assert [o["modified"] for o in last] == [stamp(120)]
    first = collection.get_object(stix_id, version="first")["objects"]
    assert [o["modified"] for o in first] == [stamp(0)]
    everything = collection.get_objects(id=stix_id, version="all")["objects"]
    assert sorted(o["modified"] for o in everything) == [stamp(0), stamp(60), stamp(120)]
    assert collection.object_versions(stix_id)["versions"] == [stamp(0), stamp(60), stamp(120)]

    manifest = collection.get_manifest(id=stix_id)
    assert [(m["id"], m["version"]) for m in manifest["objects"]] == [(stix_id, stamp(120))]
    assert manifest["objects"][0]["media_type"] == "application/stix+json;version=2.1"
    recent = collection.get_objects(added_after=before, id=stix_id)["objects"]
    assert [o["id"] for o in recent] == [stix_id]

    collection.delete_object(stix_id, version=stamp(120))
    assert collection.object_versions(stix_id)["versions"] == [stamp(0), stamp(60)]
    collection.delete_object(stix_id)
    with pytest.raises(requests.HTTPError) as caught:
        collection.get_object(stix_id)
    assert caught.value.response.status_code == 404


def test_stix2_taxii_data_source_and_sink(live_hub, posted):
    collection = _collection(live_hub, "sa", "regional")
    source = stix2.TAXIICollectionSource(collection)
    found = source.query([stix2.Filter("type", "=", "indicator")])
    assert {o["id"] for o in posted} <= {o.id for o in found}
    one = source.get(posted[7]["id"])
    assert one is not None and one.name == "ioc 7"

    sink = stix2.TAXIICollectionSink(collection)
    made = stix2.Indicator(name="from stix2", pattern="[ipv4-addr:value = '198.51.100.7']", pattern_type="stix",
                           created_by_ref=live_hub[1].orgs["sa"].identity_id,
                           object_marking_refs=[stix2.TLP_GREEN])  # TLP 1.0 GREEN is mapped to TLP 2.0
    sink.add(made)
    back = source.get(made.id)
    assert back is not None and back.name == "from stix2"


def test_every_served_object_passes_the_stix2_validator(live_hub, posted):
    collection = _collection(live_hub, "sa", "regional")
    options = ValidationOptions(strict=False, version="2.1")
    served = [o for page in as_pages(collection.get_objects, per_request=500) for o in page.get("objects", [])]
    assert served
    for obj in served:
        result = validate_instance(obj, options)
        assert result.is_valid, (obj["id"], [str(e) for e in result.errors])


def test_sharing_rules_seen_by_real_clients(live_hub):
    _, world = live_hub
    sa = world.orgs["sa"].identity_id
    strict = indicator(sa, tlp="amber+strict", release_to=["JO"], name="strict to JO")
    red = indicator(sa, tlp="red", release_to=["user:eg_analyst"], name="red to a user")
    marks = [releasability_marking(["JO"]), releasability_marking(["user:eg_analyst"])]
    _collection(live_hub, "sa", "regional").add_objects(_envelope([strict, red, *marks]), wait_for_completion=False)

    def seen(org: str) -> set[str]:
        pages = as_pages(_collection(live_hub, org, "regional").get_objects, per_request=1000)
        return {o["id"] for page in pages for o in page.get("objects", [])}

    jo, eg, sec = seen("jo"), seen("eg"), seen("sec")
    assert strict["id"] in jo and strict["id"] not in eg and strict["id"] not in sec
    assert red["id"] in eg and red["id"] not in jo and red["id"] not in sec

    listed = {c.alias for c in _root(live_hub, "sec", key=True).collections}
    assert "sa-jo" not in listed
    with pytest.raises(requests.HTTPError) as caught:
        _collection(live_hub, "sec", "sa-jo").refresh()
    assert caught.value.response.status_code == 404


def test_client_sees_spec_errors(live_hub):
    url, world = live_hub
    collection = _collection(live_hub, "sa", "regional")
    bad = {"type": "indicator", "id": f"indicator--{uuid.uuid4()}", "spec_version": "2.0", "name": "old"}
    with pytest.raises(requests.HTTPError) as caught:
        collection.add_objects(_envelope([bad]))
    assert caught.value.response.status_code == 400
    huge = json.dumps(_envelope([indicator(name="x" * 2_000_000)]))
    with pytest.raises(requests.HTTPError) as caught:
        collection.add_objects(huge)
    assert caught.value.response.status_code == 413
    with pytest.raises(requests.HTTPError) as caught:
        Server(f"{url}/taxii2/", user="sa_analyst", password="wrong password!").refresh()
    assert caught.value.response.status_code == 401
    assert caught.value.response.headers["WWW-Authenticate"].startswith("Basic")
