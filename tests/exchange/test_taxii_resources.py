"""TAXII 2.1 resource shapes: the fields the specification names, counts that agree, headers per page."""

from datetime import datetime, timezone

from marsad.exchange.taxii.resources import (
    PageInfo,
    api_root_resource,
    collection_resource,
    collections_resource,
    date_added_headers,
    discovery_resource,
    envelope,
    manifest_resource,
    status_resource,
    versions_resource,
)

WHEN = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=timezone.utc)


def test_discovery_points_at_the_one_api_root():
    body = discovery_resource("http://hub.example:8800/", contact="ops@example.org")
    assert body["default"] == "http://hub.example:8800/taxii2/marsad/"
    assert body["api_roots"] == [body["default"]] and body["contact"] == "ops@example.org"


def test_api_root_lists_taxii_2_1_and_the_size_limit():
    body = api_root_resource(1234)
    assert body["versions"] == ["application/taxii+json;version=2.1"] and body["max_content_length"] == 1234


def test_collection_resource_carries_the_users_rights():
    body = collection_resource("c1", "Title", alias="a", can_read=False, can_write=True)
    assert (body["can_read"], body["can_write"]) == (False, True)
    assert body["media_types"] == ["application/stix+json;version=2.1"] and "description" not in body
    assert collections_resource([]) == {} and collections_resource([body]) == {"collections": [body]}


def test_envelope_has_next_only_when_there_is_more():
    assert envelope([], PageInfo()) == {"more": False}
    assert envelope([{"id": "x"}], PageInfo(more=True, next="tok")) == {"more": True, "next": "tok",
                                                                         "objects": [{"id": "x"}]}
    assert "next" not in envelope([{"id": "x"}], PageInfo(more=False, next="tok"))


def test_manifest_and_versions_records():
    body = manifest_resource([("indicator--1", WHEN, "2026-01-01T00:00:00.000Z", "2.1")], PageInfo())
    assert body["objects"] == [{"id": "indicator--1", "date_added": "2026-01-02T03:04:05.678901Z",
                                "version": "2026-01-01T00:00:00.000Z",
                                "media_type": "application/stix+json;version=2.1"}]
    assert versions_resource([WHEN], PageInfo())["versions"] == ["2026-01-02T03:04:05.678901Z"]


def test_status_counts_agree_with_the_lists():
    ok = [{"id": "a", "version": "v"}, {"id": "b", "version": "v"}]
    bad = [{"id": "c", "version": "v", "message": "conflict"}]
    body = status_resource("s1", WHEN, ok, bad)
    assert body["status"] == "complete" and body["request_timestamp"] == "2026-01-02T03:04:05.678901Z"
    assert (body["total_count"], body["success_count"], body["failure_count"], body["pending_count"]) == (3, 2, 1, 0)
    assert status_resource("s2", WHEN, [], [], [{"id": "p"}])["status"] == "pending"


def test_date_added_headers_only_for_non_empty_pages():
    assert date_added_headers(PageInfo()) == {}
    headers = date_added_headers(PageInfo(first_added=WHEN, last_added=WHEN))
    assert headers == {"X-TAXII-Date-Added-First": "2026-01-02T03:04:05.678901Z",
                       "X-TAXII-Date-Added-Last": "2026-01-02T03:04:05.678901Z"}
