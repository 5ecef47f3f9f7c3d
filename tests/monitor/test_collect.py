"""One poll of a source end to end against a local server: new items once, health on every kind of bad input."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import marsad.monitor.collect as collect_module
from feeds_data import BILLION_LAUGHS, EXTERNAL_ENTITY, HTML_PAGE, RSS, TRUNCATED, rss_of
from local_http import LocalServer, Route
from marsad.monitor.collect import check, poll, poll_due
from marsad.monitor.fetch import FetchPolicy
from marsad.monitor.queue import claim, queue_counts
from marsad.monitor.sources import add_source, get_source
from marsad.store import sources as table
from marsad.store.engine import make_engine
from marsad.store.migrate import upgrade

RSS_TYPE = {"Content-Type": "application/rss+xml"}
POLICY = FetchPolicy(timeout=1.0, deadline=3.0, retries=0, max_bytes=100_000)


@pytest.fixture
def engine(tmp_path):
    made = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(made)
    yield made
    made.dispose()


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


def feed_source(engine, server, path="/feed", allow_private=True):
    return add_source(engine, "wire", "feed", server.url(path), interval_seconds=60, allow_private=allow_private)


def current(engine, name="wire"):
    with engine.connect() as conn:
        return get_source(conn, name)


def test_feed_items_are_new_once_and_304_is_cheap(engine, server):
    server.routes["/feed"] = lambda h: (Route(304) if h.headers.get("If-None-Match") == '"1"'
                                        else Route(body=RSS, headers={**RSS_TYPE, "ETag": '"1"'}))
    first = poll(engine, feed_source(engine, server), policy=POLICY)
    assert [i.key for i in first.items] == ["w-1", "w-2"] and first.error is None
    assert first.source.etag == '"1"' and first.source.items_seen == 2 and first.source.healthy
    second = poll(engine, first.source, policy=POLICY)
    assert second.items == [] and second.source.etag == '"1"' and second.source.items_seen == 2
    assert server.requests[-1]["headers"]["If-None-Match"] == '"1"'
    queued = claim(engine, "test", 10)  # queued with the poll that saw them, once
    assert [(q.item.key, q.item.title) for q in queued] == [(i.key, i.title) for i in first.items]


def test_a_failed_record_queues_nothing(engine, server, monkeypatch):
    server.routes["/feed"] = Route(body=RSS, headers=RSS_TYPE)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(collect_module, "record_success", broken)
    with pytest.raises(RuntimeError):
        poll(engine, feed_source(engine, server), policy=POLICY)
    with engine.connect() as conn:
        assert queue_counts(conn)["pending"] == 0
        assert table.seen_among(conn, current(engine).id, ["w-1"], []) == (set(), set())


def test_duplicate_flood_gives_one_item(engine, server):
    flood = rss_of([(f"id-{n}", "Same story", "Same body") for n in range(1_000)])
    server.routes["/feed"] = Route(body=flood, headers=RSS_TYPE)
    result = poll(engine, feed_source(engine, server), policy=POLICY)
    assert result.found == 1_000 and len(result.items) == 1
    again = poll(engine, result.source, policy=POLICY)
    assert again.items == [] and again.source.items_seen == 1


def test_new_url_with_known_text_is_not_new(engine, server):
    server.routes["/feed"] = Route(body=rss_of([("a", "Story", "Body")]), headers=RSS_TYPE)
    source = poll(engine, feed_source(engine, server), policy=POLICY).source
    server.routes["/feed"] = Route(body=rss_of([("b", "Story", "Body"), ("c", "Other", "Body")]), headers=RSS_TYPE)
    assert [i.key for i in poll(engine, source, policy=POLICY).items] == ["c"]


@pytest.mark.parametrize("route, message", [
    (Route(body=TRUNCATED, headers=RSS_TYPE), "not a well-formed feed"),
    (Route(body=HTML_PAGE, headers=RSS_TYPE), "not an RSS or Atom feed"),
    (Route(body=BILLION_LAUGHS, headers=RSS_TYPE), "unsafe XML"),
    (Route(body=EXTERNAL_ENTITY, headers=RSS_TYPE), "unsafe XML"),
    (Route(body=RSS, headers={"Content-Type": "text/html"}), "content type 'text/html'"),
    (Route(body=b"x" * 200_000, headers=RSS_TYPE), "over the limit"),
    (Route(endless=True, headers=RSS_TYPE), "over the limit"),
    (Route(delay=1.5, body=RSS, headers=RSS_TYPE), "timed out"),
    (Route(500), "HTTP 500"),
])
def test_bad_input_is_recorded_in_health_and_keeps_stored_data(engine, server, route, message):
    server.routes["/feed"] = Route(body=RSS, headers=RSS_TYPE)
    source = poll(engine, feed_source(engine, server), policy=POLICY).source
    server.routes["/feed"] = route
    failed = poll(engine, source, policy=POLICY)
    assert failed.items == [] and message in failed.error
    health = current(engine)
    assert message in health.last_error and health.consecutive_failures == 1 and not health.healthy
    assert health.items_seen == 2 and health.etag is None and health.next_poll_at > source.next_poll_at
    with engine.connect() as conn:
        assert table.seen_among(conn, source.id, ["w-1", "w-2"], []) == ({"w-1", "w-2"}, set())


def test_loopback_is_refused_unless_allowed(engine, server):
    server.routes["/feed"] = Route(body=RSS, headers=RSS_TYPE)
    result = poll(engine, feed_source(engine, server, allow_private=False), policy=POLICY)
    assert "non-public address 127.0.0.1" in result.error and server.hits == {}


def test_unexpected_parser_error_is_health_not_crash(engine, server, monkeypatch):
    server.routes["/feed"] = Route(body=RSS, headers=RSS_TYPE)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(collect_module, "parse_feed", broken)
    result = poll(engine, feed_source(engine, server), policy=POLICY)
    assert result.error == "unexpected RuntimeError while reading the source"
    assert current(engine).consecutive_failures == 1


def test_page_source(engine, server):
    body = ("<html><head><title>Statement</title></head><body><article><p>"
            + "The ministry reported an attack on a patrol near the border crossing this morning. " * 4
            + "</p></article></body></html>").encode()
    server.routes["/news"] = Route(body=body, headers={"Content-Type": "text/html; charset=utf-8"})
    source = add_source(engine, "ministry", "page", server.url("/news"), allow_private=True)
    (item,) = poll(engine, source, policy=POLICY).items
    assert "attack on a patrol" in item.text
    assert poll(engine, current(engine, "ministry"), policy=POLICY).items == []


def test_folder_source_remembers_files_and_reports_bad_ones(engine, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "a.txt").write_text("Report A")
    (drop / "b.json").write_text("{broken")
    source = add_source(engine, "drop", "folder", str(drop))
    first = poll(engine, source)
    assert [i.text for i in first.items] == ["Report A"] and first.source.healthy
    assert "b.json" in first.source.last_error
    (drop / "c.txt").write_text("Report C")
    assert [i.text for i in poll(engine, first.source).items] == ["Report C"]


def test_check_reads_everything_and_stores_only_health(engine, server):
    server.routes["/feed"] = Route(body=RSS, headers={**RSS_TYPE, "ETag": '"1"'})
    source = feed_source(engine, server)
    result = check(engine, source, policy=POLICY)
    assert len(result.items) == 2 and result.error is None
    after = current(engine)
    assert after.last_success is not None and after.etag is None and after.next_poll_at is None
    assert after.items_seen == 0
    with engine.connect() as conn:
        assert table.seen_among(conn, source.id, ["w-1"], []) == (set(), set())
    server.routes["/feed"] = Route(body=TRUNCATED, headers=RSS_TYPE)
    failed = check(engine, after, policy=POLICY)
    assert failed.error and current(engine).consecutive_failures == 1 and current(engine).next_poll_at is None


def test_poll_due_polls_each_due_source_and_survives_failures(engine, server, tmp_path):
    server.routes["/feed"] = Route(body=RSS, headers=RSS_TYPE)
    feed_source(engine, server)
    add_source(engine, "broken", "feed", server.url("/missing"), allow_private=True)
    results = {r.source.name: r for r in poll_due(engine, policy=POLICY)}
    assert len(results["wire"].items) == 2 and "HTTP 404" in results["broken"].error
    assert poll_due(engine, policy=POLICY) == []  # nothing due until the interval passes
    later = datetime.now(timezone.utc) + timedelta(hours=1)
    assert {r.source.name for r in poll_due(engine, now=later, policy=POLICY)} == {"wire", "broken"}
