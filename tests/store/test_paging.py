"""Cursors: round-trip their position, refuse tampering and reuse with other filters."""

from datetime import datetime, timezone

import pytest
from hypothesis import given, strategies as st

from marsad.errors import InvalidFilter
from marsad.store.paging import Page, StoredObject, decode_cursor, encode_cursor


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    st.integers(min_value=0, max_value=2**62),
)
def test_cursor_round_trip(stamp, seq):
    aware = stamp.replace(tzinfo=timezone.utc)
    assert decode_cursor(encode_cursor(aware, seq, "q"), "q") == (aware, seq)


def test_cursor_refuses_other_filters_and_edits():
    cursor = encode_cursor(datetime(2024, 1, 1, tzinfo=timezone.utc), 5, "types=report")
    with pytest.raises(InvalidFilter):
        decode_cursor(cursor, "types=indicator")
    for bad in ("", "!!!", cursor[:-3], cursor.swapcase()):
        with pytest.raises(InvalidFilter):
            decode_cursor(bad, "types=report")


def test_page_first_and_last_added():
    early, late = datetime(2024, 1, 1, tzinfo=timezone.utc), datetime(2024, 2, 1, tzinfo=timezone.utc)
    page = Page(objects=[StoredObject({"id": "x--1"}, early), StoredObject({"id": "x--2"}, late)])
    assert (page.first_added, page.last_added) == (early, late)
    assert Page().first_added is None
    assert StoredObject({"id": "x--3", "created": "2024-01-01T00:00:00Z"}, late).version == "2024-01-01T00:00:00Z"
