"""put_objects: versions kept, unchanged re-puts, conflicts in both modes, atomicity, collections, markings."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import insert, select, text

from marsad.errors import Conflict, InvalidSTIX, NotFound, UnknownMarking
from marsad.model.markings import releasability_marking
from marsad.store import object_releases, stix_objects
from marsad.store.search import search_text_of

from .conftest import GREEN, RED


def test_every_version_is_kept(store, collection, make):
    v1 = make(n=1, modified="2024-01-01T00:00:00.000Z", name="v1")
    v2 = dict(v1, modified="2024-02-01T00:00:00.123Z", name="v2")
    store.put_objects([v1], collection_id=collection)
    store.put_objects([v2], collection_id=collection)
    assert [e.version for e in store.versions(v1["id"])] == [v1["modified"], v2["modified"]]
    assert store.get_object(v1["id"]).object["name"] == "v2"
    assert store.get_object(v1["id"], "first").object["name"] == "v1"
    assert store.get_object(v1["id"], "2024-02-01T00:00:00.123Z").object == v2


def test_identical_reput_is_unchanged(store, collection, make):
    obj = make(n=2)
    assert [o.status for o in store.put_objects([obj], collection_id=collection).outcomes] == ["added"]
    result = store.put_objects([obj, dict(obj)], collection_id=collection)
    assert [o.status for o in result.outcomes] == ["unchanged", "unchanged"]
    assert store.count(collection) == 1


def test_conflict_all_or_nothing_stores_nothing(store, collection, make):
    stored = make(n=3)
    store.put_objects([stored], collection_id=collection)
    fresh, changed = make(n=4), dict(stored, name="different")
    with pytest.raises(Conflict) as raised:
        store.put_objects([fresh, changed], collection_id=collection)
    assert stored["id"] in raised.value.message
    assert raised.value.details[0]["id"] == stored["id"]
    assert store.count(collection) == 1
    with pytest.raises(NotFound):
        store.get_object(fresh["id"])


def test_conflict_reported_when_partial(store, collection, make):
    stored = make(n=5)
    store.put_objects([stored], collection_id=collection)
    fresh, changed = make(n=6), dict(stored, name="different")
    result = store.put_objects([fresh, changed], collection_id=collection, all_or_nothing=False)
    assert [o.status for o in result.outcomes] == ["added", "conflict"]
    assert stored["id"] in result.conflicts[0].message
    assert store.get_object(fresh["id"]).object == fresh
    assert store.get_object(stored["id"]).object == stored


def test_conflict_inside_one_bundle(store, make):
    obj = make(n=7)
    with pytest.raises(Conflict):
        store.put_objects([obj, dict(obj, name="other")])
    assert store.count() == 0


def test_failing_object_leaves_nothing_stored(store, collection, make):
    good = [make(n=i) for i in range(10, 20)]
    bad = make(n=20, modified="not a timestamp")
    with pytest.raises(InvalidSTIX):
        store.put_objects(good + [bad], collection_id=collection)
    assert store.count(collection) == 0 and store.count() == 0


def test_unknown_marking_rolls_back(store, make):
    marked = make(n=21, object_marking_refs=["marking-definition--00000000-0000-4000-8000-0000000000ff"])
    with pytest.raises(UnknownMarking):
        store.put_objects([make(n=22), marked])
    assert store.count() == 0


def test_existing_object_added_to_another_collection(store, make):
    first = store.create_collection("A").id
    second = store.create_collection("B").id
    obj = make(n=30)
    store.put_objects([obj], collection_id=first)
    assert store.put_objects([obj], collection_id=second).outcomes[0].status == "added"
    assert store.count(second) == 1 and store.count() == 1


def test_search_text_is_stored_for_the_versions_added_alongside_unchanged_ones(store, collection, make):
    """put_objects folds the search text of the versions it inserts only (see rows.build_row): a put mixing
    versions posted again with new ones stores each new one's text, and the earlier ones keep theirs."""
    old = [make(n=40 + i, description=f"Qafila École {i}") for i in range(3)]
    store.put_objects(old, collection_id=collection)
    new = [make(n=50 + i, description=f"قافلة Deuxième {i}") for i in range(2)]
    result = store.put_objects([old[0], new[0], old[1], new[1]], collection_id=collection)
    assert [o.status for o in result.outcomes] == ["unchanged", "added", "unchanged", "added"]
    with store.engine.connect() as conn:
        stored = dict(conn.execute(select(stix_objects.c.stix_id, stix_objects.c.search_text)).all())
    assert stored == {obj["id"]: search_text_of(obj) for obj in old + new}
    assert [h.object["id"] for h in store.search("deuxieme 1")] == [new[1]["id"]]


def test_large_put_stores_every_version_in_order_and_indexed(store, collection, make):
    """277 versions (SQLite: multi-row INSERTs of 256, 16 and 4 rows and one by one) keep the input order in their
    keys, all join the collection, and each is found by its own word."""
    objects = [make(n=1000 + i, description=f"lot{i}") for i in range(277)]
    result = store.put_objects(objects, collection_id=collection)
    assert [o.status for o in result.outcomes] == ["added"] * 277 and store.count(collection) == 277
    with store.engine.connect() as conn:
        ids = list(conn.execute(select(stix_objects.c.stix_id).order_by(stix_objects.c.pk)).scalars())
    assert ids == [obj["id"] for obj in objects]
    assert [h.object["id"] for h in store.search("lot276")] == [objects[276]["id"]]


def test_unknown_collection(store, make):
    with pytest.raises(NotFound):
        store.put_objects([make(n=31)], collection_id="no-such-collection")


def test_markings_columns_and_releases(store, make):
    release = releasability_marking(["SA", "user:amal"])
    red = make(n=40, object_marking_refs=[GREEN, RED, release["id"]])
    store.put_objects([release, red])
    with store.engine.connect() as conn:
        row = conn.execute(select(stix_objects).where(stix_objects.c.stix_id == red["id"])).one()
        entries = conn.execute(select(object_releases.c.entry).where(object_releases.c.object_pk == row.pk)).scalars()
        assert row.tlp == "red"
        assert row.release_to == ["SA", "user:amal"]
        assert sorted(entries) == ["SA", "user:amal"]
        assert row.marking_refs == [GREEN, RED, release["id"]]
    # the release marking is now stored: a later put resolves it from the store
    later = make(n=41, object_marking_refs=[release["id"]])
    store.put_objects([later])
    with store.engine.connect() as conn:
        assert conn.execute(select(stix_objects.c.release_to).where(stix_objects.c.stix_id == later["id"])).scalar() == [
            "SA",
            "user:amal",
        ]


def test_modified_column_is_aware_with_microseconds(store, make):
    obj = make(n=50, modified="2024-03-04T05:06:07.123456Z")
    store.put_objects([obj])
    with store.engine.connect() as conn:
        modified = conn.execute(select(stix_objects.c.modified)).scalar()
    assert modified.tzinfo is not None and modified.microsecond == 123456
    assert store.get_object(obj["id"]).object["modified"] == "2024-03-04T05:06:07.123456Z"


def test_date_added_strictly_increases_between_puts(store, make):
    stamps = [store.put_objects([make(n=60 + i)]).date_added for i in range(5)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 5


def test_concurrent_writers_keep_date_added_order(store, collection, make):
    from concurrent.futures import ThreadPoolExecutor

    def writer(w):
        return [store.put_objects([make(n=1000 + w * 100 + i)], collection_id=collection).date_added for i in range(5)]

    with ThreadPoolExecutor(4) as pool:
        stamps = [s for batch in pool.map(writer, range(4)) for s in batch]
    assert len(set(stamps)) == 20  # every transaction got its own, strictly later date_added
    page = store.query(collection, limit=100)
    added = [o.date_added for o in page.objects]
    assert len(added) == 20 and added == sorted(added)


def test_database_failure_midway_rolls_back_everything(store, collection, make, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from marsad.errors import StoreError
    from marsad.store import writes

    def broken(*_args, **_kwargs):
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(writes, "_add_to_collection", broken)  # fails after the versions were inserted
    with pytest.raises(StoreError) as raised:
        store.put_objects([make(n=i) for i in range(70, 80)], collection_id=collection)
    assert "nothing was changed" in raised.value.message
    assert store.count(versions="all") == 0


def test_batched_rows_are_indexed_like_triggered_ones(store, make):
    store.put_objects([make(n=90 + i, description=f"قافلة word{i}") for i in range(3)])
    obj = make(n=99)
    with store.engine.begin() as conn:  # a plain insert (no batching): the trigger indexes it
        conn.execute(insert(stix_objects).values(
            stix_id=obj["id"], type="indicator", spec_version="2.1", created=None,
            modified=datetime(2024, 1, 1, tzinfo=timezone.utc), date_added=datetime(2030, 1, 1, tzinfo=timezone.utc),
            marking_refs=[], revoked=False, content_hash="0" * 64, search_text="قافله word99", object=obj,
        ))
    assert len(store.search("قافلة")) == 4
    assert [h.object["id"] for h in store.search("word1")] == [make(n=91)["id"]]
    if store.engine.dialect.name == "sqlite":
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM object_search_deferred")).scalar() == 0
            conn.execute(text("INSERT INTO object_search(object_search) VALUES ('integrity-check')"))  # raises if not


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.timezones()))
def test_sqlite_time_text_is_what_sqlalchemy_binds(value):
    from sqlalchemy.dialects import sqlite

    from marsad.store.rows import sqlite_time as _sqlite_time

    dialect = sqlite.dialect()
    expected = stix_objects.c.modified.type.dialect_impl(dialect).bind_processor(dialect)(value)
    assert _sqlite_time(value) == expected


def test_rejected_row_insert_is_a_store_error_with_nothing_stored(store, make, monkeypatch):
    from marsad.errors import StoreError
    from marsad.store import writes

    store.put_objects([make(n=200)])
    taken = store.count(versions="all")
    monkeypatch.setattr(writes, "_new_pks", lambda conn, count: [1] * count)  # pk 1 is taken: the insert fails
    with pytest.raises(StoreError) as raised:
        store.put_objects([make(n=201), make(n=202)])
    assert "nothing was changed" in raised.value.message
    monkeypatch.undo()
    assert store.count(versions="all") == taken
    assert store.put_objects([make(n=201)]).added  # the store still works after the failure


def test_write_transaction_maps_database_failures_and_keeps_nothing(store, make):
    from marsad.errors import StoreError
    from marsad.store.writes import put_objects, write_transaction
    from marsad.store.rows import default_marking_reader

    before = store.count(versions="all")
    with pytest.raises(StoreError) as raised:
        with write_transaction(store.engine, "store the objects") as conn:
            put_objects(conn, [make(n=300)], collection_id=None, all_or_nothing=True, reader=default_marking_reader)
            conn.execute(text("SELECT * FROM no_such_table"))
    assert raised.value.message.startswith("could not store the objects")
    assert "nothing was changed" in raised.value.message
    assert store.count(versions="all") == before
    with pytest.raises(Conflict):  # Marsad's own errors pass through unchanged
        with write_transaction(store.engine, "store the objects") as conn:
            raise Conflict("same id and version, other content")


def test_new_pks_are_drawn_from_the_sequence_the_pk_column_owns_whatever_its_name(store):
    """PostgreSQL looks the column's sequence up once per statement (not per key): still the one it owns, even
    renamed; consecutive keys in one session. SQLite continues after the highest key ever used."""
    from marsad.store.writes import _new_pks

    with store.engine.connect() as conn:
        trans = conn.begin()
        try:
            if conn.dialect.name != "postgresql":
                top = conn.exec_driver_sql("SELECT coalesce(max(pk), 0) FROM stix_objects").scalar()
                assert _new_pks(conn, 3) == [top + 1, top + 2, top + 3]
                return
            owned = conn.exec_driver_sql("SELECT pg_get_serial_sequence('stix_objects', 'pk')").scalar()
            conn.exec_driver_sql(f"ALTER SEQUENCE {owned} RENAME TO pgcopy_renamed_seq")
            conn.exec_driver_sql(f"CREATE SEQUENCE {owned} START 900000")  # a decoy under the old name
            keys = _new_pks(conn, 5)
            last = conn.exec_driver_sql("SELECT last_value FROM pgcopy_renamed_seq").scalar()
            assert keys == list(range(keys[0], keys[0] + 5)) and last == keys[-1] < 900000
            assert _new_pks(conn, 0) == []
        finally:
            trans.rollback()
