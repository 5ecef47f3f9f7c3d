"""Audit chain storage: entries link by hash, the head follows, and concurrent appends never fork the chain."""

from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest

from marsad.store import metadata
from marsad.store.audit import (
    GENESIS_HASH,
    append_entry,
    canonical_json,
    entry_fields,
    entry_hash,
    iter_entries,
    read_head,
    storable_detail,
)

T0 = datetime(2026, 11, 23, 16, 0, 0, 123456, tzinfo=timezone.utc)


@pytest.fixture
def engine(new_engine):
    """An engine on an empty database, the tables made from their declarations (not the migrations)."""
    eng = new_engine(None)
    metadata.create_all(eng)
    return eng


def _append(conn, n: int, **kw):
    values = dict(at=T0, actor=f"user{n}", org="SA CT", action="read", object_ids=[f"indicator--{n}"],
                  detail={"page": n, "نص": "عربي"}, remote_addr="10.0.0.1")
    return append_entry(conn, **{**values, **kw})


def test_entries_link_and_round_trip(engine):
    with engine.begin() as conn:
        first, second = _append(conn, 1), _append(conn, 2)
    assert first.prev_hash == GENESIS_HASH and second.prev_hash == first.hash
    with engine.connect() as conn:
        stored = list(iter_entries(conn))
        head = read_head(conn)
    assert [e.seq for e in stored] == [1, 2] and head.seq == 2 and head.hash == second.hash
    for entry in stored:  # what comes back from the database hashes to what was written
        assert entry_hash(entry.prev_hash, entry.fields()) == entry.hash
    assert stored[0].at == T0 and stored[0].detail == {"page": 1, "نص": "عربي"}


def test_hash_covers_every_field():
    base = entry_fields(1, T0, "ali", "SA CT", "read", ["indicator--1"], {"a": 1}, "10.0.0.1")
    digest = entry_hash(GENESIS_HASH, base)
    for key, other in [("actor", "bob"), ("org", None), ("action", "write"), ("object_ids", []),
                       ("detail", {"a": 2}), ("remote_addr", None), ("at", "2026-11-23T16:00:00.123457Z"),
                       ("seq", 2)]:
        assert entry_hash(GENESIS_HASH, {**base, key: other}) != digest, key
    assert entry_hash("1" * 64, base) != digest
    assert canonical_json({"b": 1, "a": [1, "é"]}) == '{"a":[1,"é"],"b":1}'


def test_iter_entries_since_and_batches(engine):
    with engine.begin() as conn:
        for n in range(1, 8):
            _append(conn, n, at=T0.replace(second=n))
    with engine.connect() as conn:
        assert [e.seq for e in iter_entries(conn, batch=3)] == list(range(1, 8))
        assert [e.seq for e in iter_entries(conn, since=T0.replace(second=5), batch=2)] == [5, 6, 7]


def test_concurrent_appends_never_fork_the_chain(engine):
    errors: list[BaseException] = []

    def writer(worker: int) -> None:
        try:
            for n in range(15):
                with engine.begin() as conn:
                    _append(conn, worker * 100 + n)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with engine.connect() as conn:
        entries = list(iter_entries(conn))
    assert [e.seq for e in entries] == list(range(1, 61))
    prev = GENESIS_HASH
    for entry in entries:
        assert entry.prev_hash == prev and entry_hash(prev, entry.fields()) == entry.hash
        prev = entry.hash


def test_detail_round_trips_exactly_even_with_awkward_numbers(engine):
    detail = {"big": 10**20, "float": 1e20, "small": 0.1, "nested": [{"x": None, "ok": True}]}
    with engine.begin() as conn:
        written = _append(conn, 1, detail=detail)
    assert written.detail == {"big": 10**20, "float": "1e+20", "small": "0.1", "nested": [{"x": None, "ok": True}]}
    with engine.connect() as conn:
        stored = next(iter_entries(conn))
    assert stored.detail == written.detail and entry_hash(stored.prev_hash, stored.fields()) == stored.hash
    with pytest.raises(ValueError):
        storable_detail({"bad": float("nan")})
    with pytest.raises(ValueError):
        storable_detail({"bad": {1, 2}})
