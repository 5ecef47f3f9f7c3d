"""Feeds: RSS and Atom entries become items; unsafe, broken and non-feed XML is refused; no entity expands."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings, strategies as st

from feeds_data import ATOM, BILLION_LAUGHS, EXTERNAL_ENTITY, HTML_PAGE, RSS, TRUNCATED, XHTML, rss_of
from marsad.errors import InputError
from marsad.monitor.feeds import html_to_text, parse_feed
from marsad.monitor.items import unique_items


def test_rss_entries_become_items():
    items = parse_feed(RSS, source_id=7, base_url="https://wire.example/feed.xml")
    assert [i.key for i in items] == ["w-1", "w-2"]  # the empty entry is dropped
    first, second = items
    assert first.title == "انفجار في المدينة"
    assert first.text == "First paragraph.\nSecond."  # HTML reduced to text, script dropped
    assert first.published == datetime(2026, 11, 2, 8, 30, tzinfo=timezone.utc)
    assert first.language == "ar" and first.source_id == 7
    assert first.metadata["feed_title"] == "Test wire"
    assert second.url == "https://wire.example/a/2"  # relative link resolved against the feed URL
    assert second.published is None
    assert first.as_report() == {"id": "w-1", "text": first.text, "title": first.title, "published": "2026-11-02",
                                 "lang": "ar"}


def test_atom_entries_become_items():
    (item,) = parse_feed(ATOM)
    assert (item.key, item.title, item.text, item.url) == ("urn:e1", "Attaque signalée", "Texte complet.",
                                                          "https://fil.example/e1")
    assert item.language == "fr"
    assert item.published == datetime(2026, 11, 1, 10, tzinfo=timezone.utc)


def test_billion_laughs_is_refused_quickly():
    started = time.monotonic()
    with pytest.raises(InputError, match="unsafe XML"):
        parse_feed(BILLION_LAUGHS)
    assert time.monotonic() - started < 2


def test_external_entity_is_refused():
    with pytest.raises(InputError, match="unsafe XML"):
        parse_feed(EXTERNAL_ENTITY)


@pytest.mark.parametrize("data, reason", [(TRUNCATED, "not a well-formed"), (HTML_PAGE, "root element <html>"),
                                          (b"<html><p>unclosed<br></html>", "not a well-formed"),
                                          (XHTML, "root element <html>"), (b"", "not a well-formed"),
                                          (b"\xff\xfe\x00garbage", "not a well-formed")])
def test_broken_or_non_feed_documents_are_refused(data, reason):
    with pytest.raises(InputError, match=reason):
        parse_feed(data)


def test_entry_without_id_or_link_is_keyed_by_content():
    (item,) = parse_feed(rss_of([("", "Only a title", "and a body")]).replace(b"<guid></guid>", b""))
    assert item.key == f"sha256:{item.content_hash}"


def test_html_to_text_keeps_paragraphs_and_drops_scripts():
    assert html_to_text("<p>a &amp; b</p><style>x{}</style><p>c</p>") == "a & b\nc"
    assert html_to_text("no markup") == "no markup"


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_crash(data):
    try:
        parse_feed(b'<?xml version="1.0"?><rss><channel>' + data)
    except InputError:
        pass


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from(["x", "y"])), max_size=30))
def test_items_are_unique_by_key_after_dedupe(entries):
    items = unique_items(parse_feed(rss_of([(g, f"title {t}", f"body {t}") for g, t in entries])))
    assert len({i.key for i in items}) == len(items) and len({i.content_hash for i in items}) == len(items)
    assert len(items) <= min(len({g for g, _ in entries}), len({t for _, t in entries}))
