"""STIX timestamps: parsed to aware UTC datetimes with microseconds, formatted back the STIX way."""

from datetime import datetime, timezone

import pytest
from hypothesis import given, strategies as st

from marsad.store.timestamps import format_timestamp, parse_timestamp


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-05-01T12:00:00Z", datetime(2024, 5, 1, 12, tzinfo=timezone.utc)),
        ("2024-05-01T12:00:00.1Z", datetime(2024, 5, 1, 12, 0, 0, 100000, tzinfo=timezone.utc)),
        ("2024-05-01T12:00:00.123456789Z", datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)),
        ("2024-05-01T14:30:00+02:30", datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)),
        ("2024-05-01 12:00:00", datetime(2024, 5, 1, 12, tzinfo=timezone.utc)),
    ],
)
def test_parse(text, expected):
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize("bad", ["", "yesterday", "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z", None, 5])
def test_bad_values_raise_value_error(bad):
    with pytest.raises(ValueError):
        parse_timestamp(bad)


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)))
def test_format_then_parse_round_trips(value):
    aware = value.replace(tzinfo=timezone.utc)
    assert parse_timestamp(format_timestamp(aware)) == aware
