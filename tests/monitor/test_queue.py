"""The pipeline queue: enqueue in the caller's transaction, leases, concurrent claimers, give-up after N attempts."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from marsad.monitor.items import make_item
from marsad.monitor.queue import claim, enqueue, fail, item_from_payload, item_payload, queue_counts, release
from marsad.store.base import metadata
from marsad.store.pipeline_items import PIPELINE_TABLES

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def items(count: int, prefix: str = "k"):
    return [make_item(source_id=None, key=f"{prefix}{n}", url=f"https://example.org/{prefix}{n}", title=f"Title {n}",
                      text=f"Body of report {n}", published=NOW, language="en",
                      metadata={"tlp": "amber", "release_to": ["JO"], "fields": {"killed": n}}) for n in range(count)]


def test_migration_matches_the_table_definitions(engine):
    names = {t.name for t in PIPELINE_TABLES}
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
    assert [d for d in diffs if names & set(repr(d).split("'"))] == []


def test_payload_round_trip_keeps_metadata():
    item = items(1)[0]
    assert item_from_payload(item_payload(item)) == item


def test_enqueue_is_part_of_the_callers_transaction(engine):
    with pytest.raises(RuntimeError):
        with engine.begin() as conn:
            enqueue(conn, items(3))
            raise RuntimeError("the poll failed after queueing")
    with engine.begin() as conn:
        assert queue_counts(conn)["pending"] == 0
        assert enqueue(conn, items(3)) == 3
    with engine.connect() as conn:
        assert queue_counts(conn) == {"pending": 3, "done": 0, "duplicate": 0, "failed": 0}


def test_a_lease_hides_items_until_it_expires(engine):
    with engine.begin() as conn:
        enqueue(conn, items(5))
    first = claim(engine, "a", 3, lease_seconds=60, now=NOW)
    assert [q.item.key for q in first] == ["k0", "k1", "k2"] and {q.attempts for q in first} == {1}
    assert first[0].item.metadata["release_to"] == ["JO"]
    assert [q.item.key for q in claim(engine, "b", 10, lease_seconds=60, now=NOW)] == ["k3", "k4"]
    assert claim(engine, "c", 10, now=NOW + timedelta(seconds=30)) == []
    again = claim(engine, "c", 10, now=NOW + timedelta(seconds=61))  # a and b were killed: their leases ran out
    assert [q.item.key for q in again] == ["k0", "k1", "k2", "k3", "k4"] and {q.attempts for q in again} == {2}


def test_release_and_fail(engine):
    with engine.begin() as conn:
        enqueue(conn, items(2))
    one, two = claim(engine, "a", 2, now=NOW)
    with engine.begin() as conn:
        release(conn, "a", [one.id])
        assert not fail(conn, "a", two, "parser bug", max_attempts=2, now=NOW)  # back to the queue
        release(conn, "someone-else", [two.id])  # not theirs: no effect
    again = claim(engine, "a", 5, now=NOW)
    assert [(q.item.key, q.attempts) for q in again] == [("k0", 2), ("k1", 2)]
    with engine.begin() as conn:
        assert fail(conn, "a", again[1], "parser bug", max_attempts=2, now=NOW)
    with engine.connect() as conn:
        assert queue_counts(conn)["failed"] == 1


def test_an_item_that_kills_every_worker_is_given_up(engine):
    with engine.begin() as conn:
        enqueue(conn, items(1))
    for attempt in range(3):
        (queued,) = claim(engine, f"w{attempt}", 5, lease_seconds=1, max_attempts=3, now=NOW + timedelta(seconds=5 * attempt))
        assert queued.attempts == attempt + 1
    assert claim(engine, "w", 5, max_attempts=3, now=NOW + timedelta(seconds=60)) == []
    with engine.connect() as conn:
        assert queue_counts(conn)["failed"] == 1


def test_concurrent_claimers_never_share_an_item(engine):
    with engine.begin() as conn:
        enqueue(conn, items(400))
    got: dict[str, list[int]] = {"a": [], "b": [], "c": []}
    start = threading.Barrier(3)

    def worker(name: str) -> None:
        start.wait()
        while batch := claim(engine, name, 7):
            got[name] += [q.id for q in batch]

    threads = [threading.Thread(target=worker, args=(name,)) for name in got]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [i for ids in got.values() for i in ids]
    assert len(every) == len(set(every)) == 400
