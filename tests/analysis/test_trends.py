"""Trends on a known, hand-written history; and counts never include what the viewer may not see."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from marsad.access import Viewer, can_see, object_facts
from marsad.analysis.trends import counts, latest_period, period_range, shift_period, trend_report, visibility
from marsad.errors import InputError
from marsad.model import incident_fields, make_incident
from marsad.model.markings import releasability_marking
from marsad.store import collection_objects, open_store, stix_objects

ORG_A = "identity--0000000a-0000-4000-8000-000000000000"
ORG_B = "identity--0000000b-0000-4000-8000-000000000000"


@pytest.fixture
def store(database_url):
    opened = open_store(database_url)
    yield opened
    opened.engine.dispose()


def _put(store, rows, collection=None, tlp="clear"):
    objects = [make_incident(f"i{n}", incident_id=f"incident--{uuid.uuid4()}", created="2024-01-01T00:00:00.000Z",
                             tlp=row.pop("tlp", tlp), **row) for n, row in enumerate(rows)]
    store.put_objects(objects, collection_id=collection)
    return objects


#: (occurred, country, attack types, killed) — a small history written for these tests
HISTORY = [
    ("2023-03-05", "IQ", ["Armed Assault"], 2), ("2023-03-20", "IQ", ["Bombing/Explosion"], 5),
    ("2024-02-10", "IQ", ["Armed Assault"], 1), ("2024-03-01", "IQ", ["Armed Assault", "Bombing/Explosion"], 7),
    ("2024-03-02", "IQ", ["Bombing/Explosion"], 0), ("2024-03-30", "IQ", ["Hijacking"], 3),
    ("2024-03-15", "SY", ["Bombing/Explosion"], 4), ("2024-02-01", "SY", ["Armed Assault"], 0),
    ("2024-02-28", "SY", ["Armed Assault"], 1), ("2023-03-31", "YE", ["Assassination"], 1),
]


@pytest.fixture
def history(store):
    _put(store, [{"occurred": d, "country": c, "attack_types": a, "killed": k} for d, c, a, k in HISTORY])
    _put(store, [{"occurred": "2024-03", "occurred_precision": "month", "country": "SY"},
                 {"occurred": "2024", "occurred_precision": "year", "country": "LY"}])
    return store


def test_report_by_country_with_comparisons(history):
    with history.engine.connect() as conn:
        report = trend_report(conn, "country", "month", where=visibility(None))
    assert (report.current, report.previous, report.last_year) == (date(2024, 3, 1), date(2024, 2, 1), date(2023, 3, 1))
    lines = {line.key: line for line in report.lines}
    assert lines["IQ"].current.incidents == 3 and lines["IQ"].current.killed == 10
    assert lines["IQ"].previous.incidents == 1 and lines["IQ"].last_year.incidents == 2
    assert lines["IQ"].change_previous == 200.0 and lines["IQ"].change_last_year == 50.0
    assert (lines["SY"].current.incidents, lines["SY"].previous.incidents) == (2, 2)  # month-precise one counts
    assert lines["YE"].current.incidents == 0 and lines["YE"].change_last_year == -100.0
    assert "LY" not in lines  # known only to the year: not in a monthly trend
    assert report.total.current.incidents == 5 and report.total.previous.incidents == 3


def test_multi_valued_attack_types_count_once_each(history):
    with history.engine.connect() as conn:
        cells = counts(conn, "attack_type", "month", where=visibility(None), periods=[date(2024, 3, 1)])
        report = trend_report(conn, "attack_type", "month", where=visibility(None))
    assert report.total.current.incidents == 5  # incidents, not incident-types; one has no type at all
    got = {c.key: (c.tally.incidents, c.tally.killed) for c in cells}
    assert got == {"Armed Assault": (1, 7), "Bombing/Explosion": (3, 11), "Hijacking": (1, 3)}


def test_all_time_and_yearly_totals_and_filters(history):
    with history.engine.connect() as conn:
        totals = {c.key: c.tally.incidents for c in counts(conn, "country", None, where=visibility(None))}
        yearly = {(c.key, c.period.year) for c in counts(conn, "country", "year", where=visibility(None))}
        filtered = counts(conn, "country", None, where=visibility(None), filters={"attack_type": "Armed Assault"})
        assert latest_period(conn, "week", where=visibility(None)) == date(2024, 3, 25)
    assert totals == {"IQ": 6, "SY": 4, "YE": 1, "LY": 1}
    assert ("LY", 2024) in yearly
    assert {c.key: c.tally.incidents for c in filtered} == {"IQ": 3, "SY": 2}


def test_clear_only_without_viewer(store):
    _put(store, [{"occurred": "2024-01-01", "country": "IQ"}], tlp="green")
    _put(store, [{"occurred": "2024-01-01", "country": "SY"}], tlp="clear")
    with store.engine.connect() as conn:
        assert {c.key for c in counts(conn, "country", None, where=visibility(None))} == {"SY"}


def test_unknown_dimension_and_period_are_refused(store):
    with store.engine.connect() as conn, pytest.raises(InputError, match="break trends down"):
        counts(conn, "colour", None, where=None)
    with store.engine.connect() as conn, pytest.raises(InputError, match="period"):
        counts(conn, "country", "fortnight", where=None)


def test_period_arithmetic():
    assert shift_period(date(2024, 1, 1), "month", -1) == date(2023, 12, 1)
    assert shift_period(date(2024, 1, 1), "year", 2) == date(2026, 1, 1)
    assert period_range(date(2024, 2, 28), date(2024, 3, 5), "week") == [date(2024, 2, 26), date(2024, 3, 4)]


MARKINGS = st.sampled_from(["clear", "green", "amber", "amber+strict", "red", None])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(MARKINGS, st.sampled_from(["IQ", "SY", "YE"]),
                               st.sampled_from([None, ORG_A, ORG_B]),
                               st.sampled_from([None, ("JO",), (ORG_A,), ("user:ali",), (ORG_B, "SA")])),
                     min_size=1, max_size=12),
       member=st.booleans(), grant=st.sampled_from([None, "green", "amber", "red"]))
def test_counts_equal_what_can_see_allows(store, rows, member, grant):
    collection = store.create_collection(f"c-{uuid.uuid4()}").id
    objects = []
    for n, (tlp, country, author, release) in enumerate(rows):
        objects.append(make_incident(f"x{n}", incident_id=f"incident--{uuid.uuid4()}", occurred="2024-05-01",
                                     country=country, tlp=tlp, release_to=list(release) if release else None,
                                     created_by_ref=author, created="2024-01-01T00:00:00.000Z"))
    definitions = {m["id"]: m for r in rows if r[3] for m in [releasability_marking(list(r[3]))]}
    store.put_objects([*definitions.values(), *objects], collection_id=collection)
    viewer = Viewer("ali", org_id="a", identity_id=ORG_A, country="JO",
                    member_read=frozenset({collection}) if member else frozenset(),
                    grants={collection: grant} if grant else {})
    with store.engine.connect() as conn:
        got = {c.key: c.tally.incidents for c in counts(conn, "country", None, where=visibility(viewer, collection))}
        member = collection_objects.c.object_pk == stix_objects.c.pk
        stored = conn.execute(select(stix_objects).join(collection_objects, member).where(
            collection_objects.c.collection_id == collection, stix_objects.c.type == "incident"))
        expected = Counter(incident_fields(row.object)["country"]
                           for row in stored if can_see(viewer, object_facts(row), [collection]))
    assert got == dict(expected)
