"""Source records: validation, unique names, removal with seen items, due sources and backoff after failures."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from marsad.errors import Conflict, InputError, NotFound
from marsad.monitor.sources import (MAX_BACKOFF, add_source, due_sources, get_source, list_sources, next_poll,
                                    record_failure, record_success, remove_source)
from marsad.store import sources as table

NOW = datetime(2026, 11, 23, 12, tzinfo=timezone.utc)


@pytest.fixture
def engine(new_engine):
    """The schema of revision 0006, the sources table's."""
    return new_engine("0006")


def test_add_list_get_remove(engine, tmp_path):
    feed = add_source(engine, " wire ", "feed", "https://wire.example/rss", interval_seconds=60)
    folder = add_source(engine, "drop", "folder", str(tmp_path), allow_private=True)
    assert (feed.name, feed.kind, feed.interval_seconds, feed.allow_private) == ("wire", "feed", 60, False)
    assert folder.location == str(tmp_path.resolve()) and folder.allow_private
    assert feed.enabled and feed.healthy and feed.next_poll_at is None and feed.items_seen == 0
    with engine.connect() as conn:
        assert [s.name for s in list_sources(conn)] == ["drop", "wire"]
        assert get_source(conn, "wire").id == feed.id
    remove_source(engine, "wire")
    with pytest.raises(NotFound, match="wire"):
        remove_source(engine, "wire")
    with engine.connect() as conn, pytest.raises(NotFound):
        get_source(conn, "wire")


@pytest.mark.parametrize("name, kind, location, interval, reason", [
    ("", "feed", "https://x.example/", 60, "1 to 100"),
    ("x" * 101, "feed", "https://x.example/", 60, "1 to 100"),
    ("a", "feed", "ftp://x.example/", 60, "http"),
    ("a", "page", "not a url", 60, "http"),
    ("a", "page", "https://u:p@x.example/", 60, "credentials"),
    ("a", "feed", "https://x.example/", 1, "at least"),
    ("a", "folder", "/no/such/folder", 60, "not an existing folder"),
    ("a", "mail", "x", 60, "kind"),
])
def test_invalid_sources_are_refused(engine, name, kind, location, interval, reason):
    with pytest.raises(InputError, match=reason):
        add_source(engine, name, kind, location, interval_seconds=interval)


def test_duplicate_name_is_a_conflict_and_keeps_the_first(engine):
    add_source(engine, "wire", "feed", "https://wire.example/rss")
    with pytest.raises(Conflict, match="wire"):
        add_source(engine, "wire", "page", "https://other.example/")
    with engine.connect() as conn:
        assert get_source(conn, "wire").location == "https://wire.example/rss"


def test_due_sources_follow_the_schedule_and_backoff(engine):
    source = add_source(engine, "wire", "feed", "https://wire.example/rss", interval_seconds=100)
    with engine.begin() as conn:
        assert [s.name for s in due_sources(conn, NOW)] == ["wire"]
        record_failure(conn, source, NOW, "HTTP 503")
        failed = get_source(conn, "wire")
        record_failure(conn, failed, NOW, "HTTP 503 again")
        twice = get_source(conn, "wire")
    assert (twice.consecutive_failures, twice.last_error, twice.last_error_at) == (2, "HTTP 503 again", NOW)
    assert timedelta(seconds=360) <= twice.next_poll_at - NOW <= timedelta(seconds=440)  # 100 × 2², ±10 %
    with engine.begin() as conn:
        assert due_sources(conn, NOW + timedelta(seconds=300)) == []
        assert [s.name for s in due_sources(conn, NOW + timedelta(seconds=500))] == ["wire"]
        record_success(conn, twice, NOW, new_items=4, etag='"e"', last_modified="lm")
        ok = get_source(conn, "wire")
    assert ok.healthy and ok.items_seen == 4 and (ok.etag, ok.last_modified) == ('"e"', "lm")
    assert ok.last_error == "HTTP 503 again"  # history is kept; health is the failure count
    assert timedelta(seconds=90) <= ok.next_poll_at - NOW <= timedelta(seconds=110)


def test_disabled_sources_are_never_due(engine):
    source = add_source(engine, "wire", "feed", "https://wire.example/rss")
    with engine.begin() as conn:
        table.update_source(conn, source.id, {"enabled": False})
        assert due_sources(conn, NOW) == []


@given(st.integers(10, 100_000), st.integers(0, 200), st.integers(0, 2**32))
def test_backoff_grows_and_is_capped(interval, failures, seed):
    rng = random.Random(seed)
    delay = (next_poll(NOW, interval, failures, rng=rng) - NOW).total_seconds()
    cap = max(MAX_BACKOFF, interval)
    assert 0.9 * min(interval * 2 ** min(failures, 20), cap) <= delay <= 1.1 * cap
    assert delay >= 0.9 * interval
