"""TAXII-style reads: every filter, version choice, added_after, keyset paging, manifest, count, delete."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from marsad.errors import InvalidFilter, NotFound


def _ids(page):
    return [item.object["id"] for item in page.objects]


def _three_versions(make, n):
    v1 = make(n=n, modified="2024-01-01T00:00:00.000Z", name="one")
    return [v1, dict(v1, modified="2024-02-01T00:00:00.000Z", name="two"), dict(v1, modified="2024-03-01T00:00:00.000Z", name="three")]


def test_type_id_and_spec_version_filters(store, collection, make):
    a, b, c = make("indicator", n=1), make("threat-actor", n=2), make("report", n=3, spec_version="2.0")
    store.put_objects([a, b, c], collection_id=collection)
    assert set(_ids(store.query(collection, types=["indicator", "report"]))) == {a["id"], c["id"]}
    assert _ids(store.query(collection, ids=[b["id"]])) == [b["id"]]
    assert _ids(store.query(collection, spec_versions=["2.0"])) == [c["id"]]
    assert _ids(store.query(collection, types=[])) == []
    assert store.count(collection, types=["threat-actor"]) == 1


def test_versions_last_first_all_and_listed(store, collection, make):
    versions = _three_versions(make, 10)
    store.put_objects(versions, collection_id=collection)
    names = lambda page: [o.object["name"] for o in page.objects]  # noqa: E731
    assert names(store.query(collection)) == ["three"]
    assert names(store.query(collection, versions="first")) == ["one"]
    assert sorted(names(store.query(collection, versions="all"))) == ["one", "three", "two"]
    listed = store.query(collection, versions=["2024-02-01T00:00:00Z", "2024-01-01T00:00:00.000Z"])
    assert sorted(names(listed)) == ["one", "two"]
    assert names(store.query(collection, versions="2024-03-01T00:00:00.000Z")) == ["three"]
    with pytest.raises(InvalidFilter):
        store.query(collection, versions=["yesterday"])


def test_added_after_is_strict(store, collection, make):
    first = store.put_objects([make(n=20)], collection_id=collection)
    second = store.put_objects([make(n=21)], collection_id=collection)
    page = store.query(collection, added_after=first.date_added)
    assert _ids(page) == [second.outcomes[0].id]
    assert page.first_added == second.date_added == page.last_added
    assert _ids(store.query(collection, added_after=second.date_added)) == []
    with pytest.raises(InvalidFilter):
        store.query(collection, added_after="last tuesday")


def test_paging_returns_each_object_once_even_with_arrivals(store, collection, make):
    store.put_objects([make(n=100 + i) for i in range(25)], collection_id=collection)
    seen, cursor, pages = [], None, 0
    while True:
        page = store.query(collection, limit=4, cursor=cursor)
        seen += _ids(page)
        pages += 1
        if pages == 2:  # new objects arrive mid-paging: they come at the end, nothing repeats
            store.put_objects([make(n=200 + i) for i in range(5)], collection_id=collection)
        if not page.more:
            assert page.next is None
            break
        cursor = page.next
    assert len(seen) == len(set(seen)) == 30


def test_bad_or_foreign_cursor_is_invalid_filter(store, collection, make):
    store.put_objects([make(n=300 + i) for i in range(3)], collection_id=collection)
    page = store.query(collection, limit=1)
    for bad in ("garbage", page.next[:-2] + "xx", page.next + "A"):
        with pytest.raises(InvalidFilter):
            store.query(collection, limit=1, cursor=bad)
    with pytest.raises(InvalidFilter):
        store.query(collection, types=["report"], limit=1, cursor=page.next)
    with pytest.raises(InvalidFilter):
        store.query(collection, limit=0)


def test_manifest_and_versions(store, collection, make):
    versions = _three_versions(make, 30)
    store.put_objects(versions, collection_id=collection)
    manifest = store.manifest(collection, versions="all")
    assert sorted(e.version for e in manifest.objects) == sorted(v["modified"] for v in versions)
    assert {e.media_type for e in manifest.objects} == {"application/stix+json;version=2.1"}
    assert [e.version for e in store.versions(versions[0]["id"], collection)] == [v["modified"] for v in versions]
    with pytest.raises(NotFound):
        store.versions("indicator--00000000-0000-4000-8000-00000000ffff")


def test_queries_without_collection_page_the_whole_store(store, make):
    store.put_objects([make(n=400 + i) for i in range(7)])
    page = store.query(limit=5)
    assert len(page.objects) == 5 and page.more
    rest = store.query(limit=5, cursor=page.next)
    assert len(set(_ids(page) + _ids(rest))) == 7 and not rest.more


def test_delete_from_collection_and_store(store, collection, make):
    versions = _three_versions(make, 50)
    store.put_objects(versions, collection_id=collection)
    assert store.delete_object(versions[0]["id"], collection, versions="last") == 1
    assert store.get_object(versions[0]["id"], collection_id=collection).object["name"] == "two"
    assert store.count(versions="all") == 3  # still stored, only out of the collection
    assert store.delete_object(versions[0]["id"]) == 3
    with pytest.raises(NotFound):
        store.delete_object(versions[0]["id"])
    with pytest.raises(NotFound):
        store.query("no-such-collection")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.lists(st.integers(0, 40), min_size=1, max_size=12), min_size=1, max_size=5),
       limit=st.integers(1, 9))
def test_random_puts_then_paging_returns_exactly_the_set(store, make, batches, limit):
    collection = store.create_collection("property").id
    expected = set()
    for batch in batches:
        objects = [make(n=10_000 + n) for n in batch]
        store.put_objects(objects, collection_id=collection)
        expected |= {o["id"] for o in objects}
    seen, cursor = [], None
    while True:
        page = store.query(collection, limit=limit, cursor=cursor)
        seen += _ids(page)
        if not page.more:
            break
        cursor = page.next
    assert len(seen) == len(set(seen)) and set(seen) == expected
    assert store.count(collection) == len(expected)
    store.delete_collection(collection)
