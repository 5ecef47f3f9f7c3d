"""Migration 0018: the recent band-key tree is created as declared (with its cascade on SQLite); its downgrade
keeps the keys not yet moved (in the main table) and an upgrade after it gives the same rows."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from alembic import command
from sqlalchemy import func, inspect, select, text

from marsad.store.incident_reports import (
    incident_band_keys,
    incident_band_keys_recent,
    incident_file_reports,
    record_band_keys,
)
from marsad.store.migrate import alembic_config, current, upgrade
from tests.store.test_migration_0015 import _diffs

NOW = datetime(2026, 11, 24, 6, 0, tzinfo=timezone.utc)


@pytest.fixture
def engine(new_engine):
    """The schema before the migration under test."""
    return new_engine("0017")


def _fill(engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO incident_files (incident_id, marking_key, tlp, release_to, marking_refs, state, "
                          "attack_types, created, modified) VALUES ('incident--1', 'k', 'clear', '[]', '[]', 'open', "
                          "'[]', :now, :now)"), {"now": NOW})
        for n in range(2):
            conn.execute(text("INSERT INTO incident_file_reports (report_id, incident_id, item_key, title, received, "
                              "record) VALUES (:r, 'incident--1', 'k', 't', :now, '{}')"),
                         {"r": f"report--{n}", "now": NOW})
        conn.execute(text("INSERT INTO incident_band_keys (band_key, report_id) VALUES (:k, :r)"),
                     [{"k": k, "r": f"report--{n}"} for n in range(2) for k in (-(2 ** 63), 3, 2 ** 63 - 1)])


def _rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        tables = [t for t in (incident_band_keys, incident_band_keys_recent) if inspect(conn).has_table(t.name)]
        return sorted(tuple(row) for t in tables for row in conn.execute(select(t.c.band_key, t.c.report_id)))


def test_0018_creates_the_recent_tree_and_its_cascade(engine):
    _fill(engine)
    upgrade(engine, "0018")
    assert current(engine) >= "0018" and _diffs(engine) == []
    with engine.begin() as conn:
        record_band_keys(conn, [(2 ** 62, "report--0"), (2 ** 62, "report--1")], part=0)  # not moved (SQLite)
        recent = conn.execute(select(func.count()).select_from(incident_band_keys_recent)).scalar_one()
        assert recent == (2 if engine.dialect.name == "sqlite" else 0)
        conn.execute(incident_file_reports.delete().where(incident_file_reports.c.report_id == "report--0"))
        left = sorted(tuple(row) for t in (incident_band_keys, incident_band_keys_recent)
                      for row in conn.execute(select(t.c.band_key, t.c.report_id)))
        assert left == [(-(2 ** 63), "report--1"), (3, "report--1"), (2 ** 62, "report--1"), (2 ** 63 - 1, "report--1")]
        conn.rollback()


def test_0018_downgrade_moves_the_recent_keys_to_the_main_table_and_upgrading_again_gives_the_same_rows(engine):
    _fill(engine)
    upgrade(engine)
    with engine.begin() as conn:
        record_band_keys(conn, [(2 ** 62, "report--0"), (-5, "report--1")], part=0)
    first = _rows(engine)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0017")
    assert current(engine) == "0017"
    assert "incident_band_keys_recent" not in inspect(engine).get_table_names()
    assert _rows(engine) == first and (2 ** 62, "report--0") in first
    upgrade(engine)
    assert _rows(engine) == first and _diffs(engine) == []
    with engine.begin() as conn:  # the cascade of the main table still works, and there is no stale trigger
        conn.execute(incident_file_reports.delete())
        assert _count(conn) == 0
        conn.rollback()


def _count(conn) -> int:
    return sum(conn.execute(select(func.count()).select_from(t)).scalar_one()
               for t in (incident_band_keys, incident_band_keys_recent))
