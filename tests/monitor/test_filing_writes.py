"""A filed batch's rows written by the driver are stored as SQLAlchemy's own inserts and update store them (both
backends, values from hypothesis: odd characters, None, times in other zones, floats and whole numbers)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select, text, update

from marsad.monitor.filing_writes import FILE_COLUMNS, INDEX_COLUMNS, REPORT_COLUMNS, record_text, write_batch
from marsad.store.incident_reports import incident_band_keys, incident_file_reports, incident_files
from marsad.store.json_codec import column_text_serialiser

_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
_ZONES = st.sampled_from([timezone.utc, timezone(timedelta(hours=3)), timezone(timedelta(hours=-5, minutes=-30))])
_TIMES = st.builds(lambda d, z: d.replace(tzinfo=z),
                   st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1)), _ZONES)
_FLOATS = st.floats(-90, 90, allow_nan=False) | st.integers(-90, 90)
_JSON = st.recursive(st.none() | st.booleans() | st.integers(-2 ** 53, 2 ** 53) | st.floats(allow_nan=False,
                     allow_infinity=False) | _TEXT, lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(_TEXT, inner, max_size=3), max_leaves=8)


def _file(n: int, draw) -> dict:
    created = draw(_TIMES)
    return {"incident_id": f"incident--{n}", "marking_key": "k" * 64, "tlp": draw(st.sampled_from(["clear", "amber"])),
            "release_to": draw(st.lists(_TEXT, max_size=3)), "created_by_ref": draw(st.none() | _TEXT),
            "marking_refs": draw(st.lists(_TEXT, max_size=2)), "state": "open", "merged_into": None,
            "occurred": draw(st.none() | st.dates(date(1900, 1, 1), date(2100, 1, 1))),
            "occurred_precision": draw(st.sampled_from([None, "day", "month", "year"])),
            "country": draw(st.none() | st.sampled_from(["IQ", "SY"])), "admin1": draw(st.none() | _TEXT),
            "city": draw(st.none() | _TEXT), "latitude": draw(st.none() | _FLOATS),
            "longitude": draw(st.none() | _FLOATS), "attack_types": draw(st.lists(_TEXT, max_size=3)),
            "perpetrator": draw(st.none() | _TEXT), "killed": draw(st.none() | st.integers(0, 10 ** 6)),
            "wounded": draw(st.none() | st.integers(0, 10 ** 6)), "created": created,
            "modified": created + timedelta(microseconds=draw(st.integers(0, 10 ** 9)))}


def _report(n: int, incident: str, draw) -> dict:
    return {"report_id": f"report--{n}", "incident_id": incident, "item_key": draw(_TEXT), "source": draw(
        st.none() | _TEXT), "url": draw(st.none() | _TEXT), "title": draw(_TEXT), "lang": draw(st.none() | st.text(max_size=8, alphabet="abc-é")),
            "published": draw(st.none() | _TIMES), "received": draw(_TIMES),
            "record": draw(st.dictionaries(_TEXT, _JSON, max_size=5)), "signature": draw(st.none() | st.binary())}


@st.composite
def batches(draw):
    files = [_file(n, draw) for n in range(draw(st.integers(1, 4)))]
    reports = [_report(n, draw(st.sampled_from(files))["incident_id"], draw) for n in range(draw(st.integers(0, 5)))]
    bands = sorted({(draw(st.integers(-2 ** 63, 2 ** 63 - 1)), r["report_id"]) for r in reports})
    changed = [{**_file(0, draw), "incident_id": f["incident_id"]} for f in files if draw(st.booleans())]
    return files, reports, bands, changed


def _dump(conn) -> list:
    """Every row as the database holds it (raw: SQLite's text forms, PostgreSQL's values), comparable; band keys
    from both trees (on SQLite new ones wait in the recent one)."""
    return [sorted(repr(tuple(r)) for r in conn.exec_driver_sql(f"SELECT * FROM {t}"))
            for t in ("incident_files", "incident_file_reports",
                      "(SELECT * FROM incident_band_keys UNION ALL SELECT * FROM incident_band_keys_recent) AS b")]


def _clear(conn) -> None:
    for table in ("incident_band_keys", "incident_band_keys_recent", "incident_file_reports", "incident_files"):
        conn.execute(text(f"DELETE FROM {table}"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=batches())
def test_driver_writes_store_what_sqlalchemy_stores(engine, batch):
    files, reports, bands, changed = batch
    with engine.connect() as conn:
        with conn.begin():
            conn.execute(insert(incident_files), files)
            if reports:
                conn.execute(insert(incident_file_reports), reports)
            if bands:
                conn.execute(insert(incident_band_keys), [{"band_key": b, "report_id": r} for b, r in bands])
            for row in changed:
                conn.execute(update(incident_files).where(incident_files.c.incident_id == row["incident_id"]).values(
                    **{name: row[name] for name in INDEX_COLUMNS}))
            expected = _dump(conn)
            _clear(conn)
        with conn.begin():
            as_text = record_text(conn)
            write_batch(conn, files, [tuple(as_text(r[name]) if name == "record" else r[name]
                                            for name in REPORT_COLUMNS) for r in reports], bands, changed)
            got = _dump(conn)
            _clear(conn)
    assert got == expected


def test_record_text_is_the_engines_serialisation_as_text(engine):
    """On both backends a record's text is ``str`` (PostgreSQL's engine serialises to bytes, which COPY would write
    as a bytea literal) and is the engine's own serialisation, so the record is stored as SQLAlchemy stores it."""
    record = {"t": "هجوم — Kaboul", "n": [1, 2.5, None], "big": 2 ** 64, "small": 1e-7, "": {}}
    own = engine.dialect._json_serializer(record)
    with engine.connect() as conn:
        as_text = record_text(conn)
        assert as_text is column_text_serialiser(conn)
        assert type(as_text(record)) is str
        assert as_text(record) == (own.decode() if isinstance(own, bytes) else own)


def test_the_columns_are_the_tables():
    assert FILE_COLUMNS == tuple(c.name for c in incident_files.c)
    assert set(REPORT_COLUMNS) == {c.name for c in incident_file_reports.c}
    assert set(INDEX_COLUMNS) < set(FILE_COLUMNS)


def test_a_bad_row_fails_the_whole_write(engine):
    """A report of an incident that does not exist breaks the foreign key: nothing of the batch stays."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys = ON")
        row = {name: None for name in FILE_COLUMNS} | {
            "incident_id": "incident--1", "marking_key": "k", "tlp": "clear", "release_to": [], "marking_refs": [],
            "state": "open", "attack_types": [], "created": datetime.now(timezone.utc),
            "modified": datetime.now(timezone.utc)}
        report = ("report--1", "incident--missing", "k", None, None, "", None, None, datetime.now(timezone.utc),
                  "{}", None)
        with pytest.raises(Exception):
            with conn.begin():
                write_batch(conn, [row], [report], [], [])
        assert conn.execute(select(incident_files.c.incident_id)).all() == []
