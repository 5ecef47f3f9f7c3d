"""Migration 0015: the text LSH keys of a 0014 store become the integers the new code computes for the same texts
and URLs (so lookups still find them), on both backends; its downgrade restores the 0014 tables and an upgrade
after it gives back the same integers."""

from __future__ import annotations

import hashlib
import importlib.util
from datetime import datetime, timezone
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, inspect, select, text

import marsad.store.migrations as migrations
from marsad.monitor.items import make_item
from marsad.monitor.near_duplicates import _stored, fingerprint
from marsad.monitor.similarity import BANDS, ROWS, near_duplicate_key, signature
from marsad.store import metadata
from marsad.store.incident_reports import incident_band_keys, incident_file_reports
from marsad.store.migrate import alembic_config, current, upgrade
from marsad.store.pipeline_items import among, pipeline_near_keys, pipeline_near_keys_recent, record_near_keys

NOW = datetime(2026, 11, 24, 6, 0, tzinfo=timezone.utc)
TEXTS = ["Gunmen attacked a police checkpoint south of the city at dawn, killing four officers.",
         "انفجرت سيارة مفخخة قرب مركز للشرطة في وسط المدينة صباح الاثنين",
         "Une attaque contre un poste militaire a fait trois morts près de la frontière."]
URL = "https://news.example/live/1"


def _old_band_keys(text_: str) -> list[str]:
    """What the 0014 code stored: ``"NN:"`` + the band's 8-byte BLAKE2b digest in hex."""
    data = signature(text_).values.astype("<u4").tobytes()
    width = ROWS * 4
    return [f"{band:02d}:{hashlib.blake2b(data[band * width:(band + 1) * width], digest_size=8).hexdigest()}"
            for band in range(BANDS)]


def _old_url_key(url: str) -> str:
    return "url:" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:40]


def _fill_0014(engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO incident_files (incident_id, marking_key, tlp, release_to, marking_refs, state, "
                          "attack_types, created, modified) VALUES ('incident--1', 'k', 'clear', '[]', '[]', 'open', "
                          "'[]', :now, :now)"), {"now": NOW})
        for n, body in enumerate(TEXTS):
            conn.execute(text("INSERT INTO incident_file_reports (report_id, incident_id, item_key, title, received, "
                              "record) VALUES (:r, 'incident--1', 'k', 't', :now, '{}')"),
                         {"r": f"report--{n}", "now": NOW})
            conn.execute(text("INSERT INTO incident_band_keys (band_key, report_id) VALUES (:k, :r)"),
                         [{"k": key, "r": f"report--{n}"} for key in _old_band_keys(body)])
            keys = _old_band_keys(body) + [_old_url_key(URL)]
            conn.execute(text("INSERT INTO pipeline_near_keys (band_key, item_id) VALUES (:k, :i)"),
                         [{"k": key, "i": 100 + n} for key in keys])
        conn.execute(text("INSERT INTO pipeline_near_keys (band_key, item_id) VALUES ('odd key', 7)"))


def _rows(engine, tables=(pipeline_near_keys, pipeline_near_keys_recent)) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        near = [row for t in tables for row in conn.execute(select(t.c.band_key, t.c.item_id))]
        bands = conn.execute(select(incident_band_keys.c.band_key, incident_band_keys.c.report_id))
        return {"pipeline_near_keys": sorted(map(tuple, near)), "incident_band_keys": sorted(map(tuple, bands))}


def _diffs(engine) -> list:
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    flat = [d for group in diffs for d in (group if isinstance(group, list) else [group])]
    return [d for d in flat if "band_keys" in repr(d) or "near_keys" in repr(d)]


@pytest.fixture
def engine(new_engine):
    """The schema before the migration under test."""
    return new_engine("0014")


def test_0015_converts_text_keys_to_the_integers_lookups_use(engine):
    _fill_0014(engine)
    upgrade(engine, "0015")
    later = ("incident_band_keys_recent",)  # made by migration 0018
    assert current(engine) >= "0015" and [d for d in _diffs(engine) if not any(t in repr(d) for t in later)] == []
    item = make_item(source_id=None, key="k", url=URL, title="", text=TEXTS[0], published=None, language=None)
    with engine.begin() as conn:
        stored = _stored(conn, list(fingerprint(item).keys) + [fingerprint(item).url_key])
        assert stored[fingerprint(item).url_key] == [100, 101, 102]
        assert all(stored[key] == [100] for key in fingerprint(item).keys)
        for n, body in enumerate(TEXTS):
            c = incident_band_keys.c
            found = conn.execute(select(c.report_id).where(among(conn, c.band_key, near_duplicate_key(body)))
                                 .distinct()).scalars().all()
            assert found == [f"report--{n}"]
        assert conn.execute(select(func.count()).select_from(pipeline_near_keys)).scalar() == 3 * 17 + 1
        conn.execute(incident_file_reports.delete().where(incident_file_reports.c.report_id == "report--1"))
        assert conn.execute(select(func.count()).select_from(incident_band_keys)).scalar() == 2 * 16
        conn.rollback()


def test_0015_downgrade_restores_the_0014_tables_and_upgrading_again_gives_the_same_keys(engine):
    _fill_0014(engine)
    upgrade(engine)
    with engine.begin() as conn:  # a key not yet moved (SQLite): kept by the downgrade
        record_near_keys(conn, [(12345, 999)], part=0)
    first = _rows(engine)
    assert (12345, 999) in first["pipeline_near_keys"]
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0014")
    assert current(engine) == "0014"
    columns = {t: {c["name"]: c for c in inspect(engine).get_columns(t)} for t in first}
    assert all(str(columns[t]["band_key"]["type"]).startswith("VARCHAR") for t in first)
    assert inspect(engine).get_foreign_keys("incident_band_keys")[0]["referred_table"] == "incident_file_reports"
    with engine.connect() as conn:
        keys = conn.execute(text("SELECT band_key FROM pipeline_near_keys")).scalars().all()
    assert all(key.startswith("i:") for key in keys)
    assert "pipeline_near_keys_recent" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert _rows(engine) == first and _diffs(engine) == []
    with engine.begin() as conn:  # still one trigger, not two
        conn.execute(incident_file_reports.delete())
        assert conn.execute(select(func.count()).select_from(incident_band_keys)).scalar() == 0
        conn.rollback()


OLD_KEYS = st.one_of(
    st.builds(lambda band, digest: f"{band:02d}:{digest:016x}", st.integers(0, BANDS - 1), st.integers(0, 2 ** 64 - 1)),
    st.builds(lambda digest: f"url:{digest:040x}", st.integers(0, 2 ** 160 - 1)),
    st.builds(lambda n: f"i:{n}", st.integers(-(2 ** 63), 2 ** 63 - 1)),
    st.text(alphabet="0123456789abcdef:urli-xyz", max_size=24),
)


def test_the_python_and_postgresql_conversions_agree(database_url, new_engine):
    """SQLite runs the migration's Python function, PostgreSQL its SQL expression: the same integers."""
    if not database_url.startswith("postgresql"):
        pytest.skip("compares with PostgreSQL's expression")
    migration = _migration()
    engine = new_engine(None)

    @settings(max_examples=80, deadline=None)
    @given(st.lists(OLD_KEYS, min_size=1, max_size=30))
    def check(keys):
        with engine.connect() as conn:
            query = f"SELECT {migration.PG_INTEGER_KEY} FROM unnest(CAST(:keys AS TEXT[])) AS band_key"
            got = conn.execute(text(query), {"keys": keys}).scalars().all()
        assert got == [migration.integer_key(key) for key in keys]

    check()


def test_new_keys_are_the_old_keys_converted():
    migration = _migration()
    for body in TEXTS:
        assert [migration.integer_key(k) for k in _old_band_keys(body)] == near_duplicate_key(body)
    item = make_item(source_id=None, key="k", url=URL, title="", text=TEXTS[0], published=None, language=None)
    assert migration.integer_key(_old_url_key(URL)) == fingerprint(item).url_key


def _migration():
    """The migration's module (its file name is not an importable name)."""
    path = Path(next(iter(migrations.__path__))) / "versions" / "0015_integer_lsh_keys.py"
    spec = importlib.util.spec_from_file_location("migration_0015", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
