"""What a batch reads of its candidates: the same values as SQLAlchemy's typed reads, on both backends."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import and_, create_engine, func, or_, select, text, true

from marsad.monitor.filing_batch import file_reports
from marsad.monitor.filing_view import (
    _NARROW,
    BatchView,
    Probe,
    _report_rows,
    _utc_text,
    _whole_rows,
    _window_rows,
    newest_signatures,
    read_batch,
)
from marsad.monitor.merging import EventFacts
from marsad.monitor.similarity import NUM_PERM
from marsad.store import make_engine
from marsad.store.incident_reports import (
    incident_band_keys, incident_band_keys_recent, incident_file_reports, incident_files,
)
from marsad.store.migrate import upgrade
from marsad.store.rows import sqlite_time
from tests.conftest import BACKENDS
from tests.monitor.filing_world import T0, report

MOSUL = dict(city="Mosul", admin1="Nineveh", latitude=36.34, longitude=43.13,
             text="Gunmen attacked a checkpoint in Mosul.")


@pytest.fixture(scope="module", params=BACKENDS)
def filed(tmp_path_factory, request):
    """A store (SQLite, then PostgreSQL when configured) holding a few merged and separate incidents."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('view') / 'view.db'}"
    else:
        url = request.getfixturevalue("postgres_database")
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        admin.dispose()
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        file_reports(conn, [report(1, killed=3), report(2, hours=5, killed=7), report(3, **MOSUL),
                            report(4, hours=1, tlp="amber", release_to=("JO",)),
                            dataclasses.replace(report(5, hours=2, **MOSUL), published=None)],
                     now=T0 + timedelta(days=1))
    yield [engine]
    engine.dispose()


def _ids(engine):
    with engine.connect() as conn:
        return sorted(conn.execute(select(incident_files.c.incident_id)).scalars())


def test_whole_rows_are_the_typed_rows(filed):
    """Whole rows read with their JSON lists as text and SQLite's dates as text decode to what the table gives."""
    for engine in filed:
        ids = _ids(engine)
        with engine.connect() as conn:
            typed = {r.incident_id: r._asdict() for r in conn.execute(select(incident_files))}
            got = {}
            for row in _whole_rows(conn, ids):
                values = row._asdict()
                values.update(release_to=json.loads(row.release_to), marking_refs=json.loads(row.marking_refs))
                got[row.incident_id] = values
        assert got == typed and len(got) >= 3
        assert all(v["created"].tzinfo is not None for v in got.values())


def test_report_rows_are_the_typed_rows(filed):
    """The reports read by the driver (SQLite's times as text, parsed; PostgreSQL's in UTC; the record as its
    JSON text) equal SQLAlchemy's typed values (published None kept)."""
    _r = incident_file_reports.c
    for engine in filed:
        with engine.connect() as conn:
            typed = sorted(tuple(r) for r in conn.execute(select(
                _r.incident_id, _r.report_id, _r.received, _r.published, _r.title, _r.record, _r.signature)))
            ids = sorted({t[0] for t in typed})
            got = sorted((*r[:5], json.loads(r[5]), r[6]) for r in _report_rows(conn, ids))
        assert got == typed and len(got) == 5
        assert all(r[2].tzinfo is timezone.utc for r in got) and any(r[3] is None for r in got)


def test_band_lookup_gives_the_incidents_of_the_keys(filed):
    """The batch's band-key read (driver SQL) finds what a join of the typed tables finds, the keys in either
    tree (on SQLite a batch's keys may wait in ``incident_band_keys_recent``: half of them are moved there)."""
    _r = incident_file_reports.c
    for engine in filed:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("INSERT INTO incident_band_keys_recent SELECT band_key, report_id "
                                     "FROM incident_band_keys WHERE band_key % 2 = 0")
                conn.exec_driver_sql("DELETE FROM incident_band_keys WHERE band_key % 2 = 0")
                assert conn.execute(select(func.count()).select_from(incident_band_keys_recent)).scalar_one()
            pairs = sorted(tuple(r) for t in (incident_band_keys, incident_band_keys_recent)
                           for r in conn.execute(select(t.c.band_key, _r.incident_id).join(
                               incident_file_reports, t.c.report_id == _r.report_id)))
            view = BatchView()
            read_batch(conn, [Probe("k", EventFacts(), [b for b, _ in pairs[::3]] + [12345], None)], view)
            conn.rollback()
        assert {(b, i) for b, ids in view.bands.items() for i in ids} == {p for p in pairs if p[0] in {
            b for b, _ in pairs[::3]}} and pairs


def _or_of_ranges(with_country: bool, ranges: list[dict]):
    """The reference: the open rows of ``ranges`` as one ``OR`` (a range with a country: that country or none;
    one without: any country), what the window lookup asked before it was a join."""
    _f = incident_files.c
    terms = [and_(_f.marking_key == r["k"], _f.occurred.between(r["lo"], r["hi"]),
                  or_(_f.country == r["c"], _f.country.is_(None)) if with_country else true()) for r in ranges]
    return select(_f.incident_id).where(_f.state == "open", or_(*terms))


def _ranges(data, keys: list[str], with_country: bool) -> list[dict]:
    day = st.integers(-4, 4).map(lambda n: (T0 + timedelta(days=n)).date())
    return [{"k": k, "lo": min(a, b), "hi": max(a, b), "c": c} for k, a, b, c in data.draw(st.lists(
        st.tuples(st.sampled_from(keys), day, day, st.sampled_from(["IQ", "SY"] if with_country else [None])),
        min_size=1, max_size=5))]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_window_rows_are_the_or_of_their_ranges(filed, data):
    """The join on the ranges (SQLite: JSON; PostgreSQL: arrays) gives the rows, once each, the OR of them gives."""
    for engine in filed:
        with engine.connect() as conn:
            keys = sorted(set(conn.execute(select(incident_files.c.marking_key)).scalars())) + ["other"]
            with_country = data.draw(st.booleans())
            ranges = _ranges(data, keys, with_country)
            got = [row.incident_id for row in _window_rows(conn, with_country, ranges)]
            expected = conn.execute(_or_of_ranges(with_country, ranges)).scalars().all()
        assert len(got) == len(set(got)) and sorted(got) == sorted(expected)


#: a random incident_files row: marking key (one needing quotes in an array's text), country, day (offset from
#: T0, or none), state
_KEYS = ["ka", 'k"b\\, {c}']
_ROW = st.tuples(st.sampled_from(_KEYS), st.sampled_from(["IQ", "SY", "JO", None]),
                 st.one_of(st.none(), st.integers(-6, 6)), st.sampled_from(["open", "open", "merged"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_window_rows_on_random_stores(filed, data):
    """On random rows (keys, countries or none, days or none, open or merged), the window lookup gives each row
    the OR of the ranges gives, once, and the narrow columns as the table holds them; nothing committed."""
    rows = data.draw(st.lists(_ROW, min_size=1, max_size=40))
    with_country = data.draw(st.booleans())
    ranges = _ranges(data, [*_KEYS, "kc"], with_country)
    for engine in filed:
        with engine.connect() as conn, conn.begin() as transaction:
            conn.execute(incident_files.insert(), [dict(
                incident_id=f"incident--h7-{n}", marking_key=key, tlp="clear", release_to=[], marking_refs=[],
                state=state, occurred=None if day is None else (T0 + timedelta(days=day)).date(), country=country,
                attack_types=[], created=T0, modified=T0) for n, (key, country, day, state) in enumerate(rows)])
            got = list(_window_rows(conn, with_country, ranges))
            expected = conn.execute(_or_of_ranges(with_country, ranges)).scalars().all()
            narrow = {r.incident_id: tuple(r) for r in conn.execute(select(*_NARROW))}
            transaction.rollback()
        ids = [row.incident_id for row in got]
        assert len(ids) == len(set(ids)) and sorted(ids) == sorted(expected)
        assert all(tuple(row)[:len(_NARROW)] == narrow[row.incident_id] and row.state == "open" for row in got)


def _entry(received_minutes: int, report: int, value: int) -> tuple:
    """A (received, report id, signature bytes) entry with a distinct report id and a recognisable signature."""
    values = np.full(NUM_PERM, value, dtype="<u4")
    return T0 + timedelta(minutes=received_minutes), f"report--{report:04d}", values.tobytes()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["append", "copy", "replace", "ask"]),
                          st.integers(0, 5), st.integers(0, 2**32 - 1)), max_size=40))
def test_newest_is_newest_signatures_after_appends_and_copies(steps):
    """The view's remembered newest signatures equal :func:`newest_signatures` of the whole list, whatever the
    appends (a list grows in place while its incident is touched), copies (as load_incident and the flush make)
    and other lists in between; received times repeat so the report id decides ties."""
    view, entries, reports = BatchView(), [], iter(range(10_000))
    for action, minutes, value in steps:
        if action == "append":
            entries.append(_entry(minutes, next(reports), value))
        elif action == "copy":
            entries = [*entries, _entry(minutes, next(reports), value)]
        elif action == "replace":  # another list of the same incident: ranked afresh
            entries = [_entry(minutes, next(reports), value) for _ in range(value % 4)]
        got = view.newest("incident--1", entries)
        assert [s.values.tolist() for s in got] == [s.values.tolist() for s in newest_signatures(entries)]
        assert view.newest("incident--1", entries) is got


@given(st.datetimes(datetime(1900, 1, 1), datetime(2200, 1, 1), timezones=st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))),
       st.booleans())
def test_utc_text_reads_back_the_stored_time_in_utc(when, whole_seconds):
    """SQLite's stored text of an aware time (any UTC offset; with or without a fraction of a second) reads back
    as the same instant, in UTC (tzinfo ``timezone.utc`` itself, as SQLAlchemy's typed read gives it)."""
    when = when.replace(microsecond=0) if whole_seconds else when
    text_value = sqlite_time(when)
    got = _utc_text(text_value if not whole_seconds else text_value.removesuffix(".000000"))
    assert got == when and got.tzinfo is timezone.utc and got.utcoffset() == timedelta(0)
