"""TAXII 2.1 URL filters: defaults, checked values, clamped limits, ignored unknown parameters."""

from datetime import datetime, timezone

import pytest
from hypothesis import given, strategies as st

from marsad.errors import InvalidFilter
from marsad.exchange.taxii.filters import (
    OBJECT_FILTERS,
    OBJECTS_FILTERS,
    VERSIONS_FILTERS,
    format_timestamp,
    parse_query,
    parse_timestamp,
)

ID = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"


def test_defaults_are_last_version_and_the_default_page():
    query = parse_query({}, OBJECTS_FILTERS, default_limit=50, max_limit=1000)
    assert query.versions == ("last",) and query.limit == 50 and query.next is None
    assert query.added_after is None and query.ids == () and query.types == ()


def test_all_filters_parsed():
    params = {"added_after": ["2024-01-31T12:00:00.123Z"], "match[id]": [f"{ID},{ID}"],
              "match[type]": ["indicator,malware", "report"], "match[version]": ["first,2024-02-01T00:00:00Z"],
              "match[spec_version]": ["2.1"], "limit": ["10"], "next": ["abc"]}
    query = parse_query(params, OBJECTS_FILTERS)
    assert query.added_after == datetime(2024, 1, 31, 12, 0, 0, 123000, tzinfo=timezone.utc)
    assert query.ids == (ID,) and query.types == ("indicator", "malware", "report")
    assert query.version_keywords == ("first",)
    assert query.version_timestamps == (datetime(2024, 2, 1, tzinfo=timezone.utc),)
    assert query.spec_versions == ("2.1",) and query.limit == 10 and query.next == "abc"


def test_limit_is_clamped_to_the_server_maximum():
    assert parse_query({"limit": ["5000"]}, OBJECTS_FILTERS, max_limit=1000).limit == 1000


@pytest.mark.parametrize("params", [
    {"limit": ["0"]}, {"limit": ["-3"]}, {"limit": ["ten"]}, {"limit": ["1", "2"]},
    {"added_after": ["yesterday"]}, {"added_after": ["2024-13-01T00:00:00Z"]},
    {"added_after": ["2024-01-01T00:00:00Z,2024-01-02T00:00:00Z"]},
    {"match[id]": ["not-an-id"]}, {"match[type]": ["Indicator"]}, {"match[type]": ["a,,b"]},
    {"match[version]": ["latest"]}, {"match[spec_version]": ["two"]},
])
def test_malformed_values_are_400_naming_the_parameter(params):
    with pytest.raises(InvalidFilter) as caught:
        parse_query(params, OBJECTS_FILTERS)
    assert caught.value.status == 400
    assert list(params)[0] in caught.value.message


def test_unknown_and_unsupported_parameters_are_ignored():
    query = parse_query({"match[type]": ["indicator"], "match[color]": ["red"], "foo": ["1"]}, OBJECT_FILTERS)
    assert query.types == () and set(query.ignored) == {"match[type]", "match[color]", "foo"}
    assert parse_query({"match[version]": ["first"]}, VERSIONS_FILTERS, default_versions=("all",)).versions \
        == ("all",)


@given(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1)))
def test_timestamps_round_trip(moment):
    aware = moment.replace(tzinfo=timezone.utc)
    assert parse_timestamp(format_timestamp(aware)) == aware
