"""Merged-incident tables: built by the migration as declared; a report feeds one incident; deletes cascade."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from marsad.store import metadata
from marsad.store.incident_reports import (
    band_rows_sql,
    incident_band_keys,
    incident_band_keys_recent,
    incident_edits,
    incident_file_reports,
    incident_files,
    record_band_keys,
)
from marsad.store.lookups import values_of
from marsad.store.migrate import upgrade
from marsad.store.pipeline_items import NEAR_KEY_PARTS

MINE = {"incident_files", "incident_file_reports", "incident_band_keys", "incident_band_keys_recent", "incident_edits"}
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def _file(incident_id: str = "incident--1", **extra) -> dict:
    row = dict(incident_id=incident_id, marking_key="k", tlp="clear", release_to=[], marking_refs=["m"],
               state="open", attack_types=["Bombing/Explosion"], occurred=date(2026, 11, 22), created=NOW,
               modified=NOW)
    row.update(extra)
    return row


def _report(report_id: str, incident_id: str = "incident--1") -> dict:
    return dict(report_id=report_id, incident_id=incident_id, item_key="k", title="t", received=NOW,
                record={"country": "IQ"}, signature=b"\x01\x02")


def _diffs_of_mine(engine) -> list:
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
    flat = [d for group in diffs for d in (group if isinstance(group, list) else [group])]
    return [d for d in flat if any(name in repr(d) for name in MINE)]


def test_migration_matches_the_table_definitions(engine):
    assert _diffs_of_mine(engine) == []


def test_rows_round_trip_and_a_report_feeds_one_incident(engine):
    with engine.begin() as conn:
        conn.execute(insert(incident_files).values(**_file()))
        conn.execute(insert(incident_files).values(**_file("incident--2")))
        conn.execute(insert(incident_file_reports).values(**_report("report--a")))
        conn.execute(insert(incident_band_keys).values(band_key=-(2 ** 63), report_id="report--a"))
        conn.execute(insert(incident_edits).values(incident_id="incident--1", at=NOW, actor="ana", field="killed",
                                                   old=3, new=5, note="ministry figure"))
    with engine.connect() as conn:
        row = conn.execute(select(incident_files)).first()
        assert row.occurred == date(2026, 11, 22) and row.attack_types == ["Bombing/Explosion"]
        assert conn.execute(select(incident_file_reports.c.record)).scalar_one() == {"country": "IQ"}
        assert conn.execute(select(incident_edits.c.new)).scalar_one() == 5
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(incident_file_reports).values(**_report("report--a", "incident--2")))


def test_deleting_an_incident_file_deletes_its_rows(engine):
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.execute(insert(incident_files).values(**_file()))
        conn.execute(insert(incident_file_reports).values(**_report("report--a")))
        conn.execute(insert(incident_band_keys).values(band_key=-(2 ** 63), report_id="report--a"))
        conn.execute(delete(incident_files))
        assert conn.execute(select(func.count()).select_from(incident_band_keys)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(incident_file_reports)).scalar_one() == 0


def test_deleting_a_report_deletes_its_band_keys_only(engine):
    """No foreign key since migration 0015: a trigger keeps what its ON DELETE CASCADE did."""
    with engine.begin() as conn:
        conn.execute(insert(incident_files).values(**_file()))
        conn.execute(insert(incident_file_reports).values(**_report("report--a")))
        conn.execute(insert(incident_file_reports).values(**_report("report--b")))
        conn.execute(insert(incident_band_keys), [{"band_key": k, "report_id": r} for k in (2 ** 63 - 1, 7, -7)
                                                  for r in ("report--a", "report--b")])
        conn.execute(delete(incident_file_reports).where(incident_file_reports.c.report_id == "report--a"))
        kept = conn.execute(select(incident_band_keys.c.band_key, incident_band_keys.c.report_id)).all()
    assert sorted(map(tuple, kept)) == [(-7, "report--b"), (7, "report--b"), (2 ** 63 - 1, "report--b")]


def test_unknown_state_is_refused(engine):
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(incident_files).values(**_file(state="gone")))


def test_migration_0013_drops_the_band_keys_report_index_and_its_downgrade_restores_it(new_engine):
    from alembic import command
    from sqlalchemy import inspect

    from marsad.store.migrate import alembic_config, current

    engine = new_engine("0012")
    names = lambda: {i["name"] for i in inspect(engine).get_indexes("incident_band_keys")}  # noqa: E731
    assert "ix_incident_band_keys_report_id" in names()
    upgrade(engine)
    assert current(engine) >= "0013" and "ix_incident_band_keys_report_id" not in names()
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0012")
    assert "ix_incident_band_keys_report_id" in names()
    upgrade(engine)


def test_deleting_a_report_deletes_its_recent_band_keys_too(engine):
    """SQLite: keys not yet moved wait in the recent tree; the report's delete takes them too (migration 0018)."""
    with engine.begin() as conn:
        conn.execute(insert(incident_files).values(**_file()))
        conn.execute(insert(incident_file_reports), [_report("report--a"), _report("report--b")])
        record_band_keys(conn, [(k, r) for k in (2 ** 63 - 1, 7, -7) for r in ("report--a", "report--b")], part=0)
        conn.execute(delete(incident_file_reports).where(incident_file_reports.c.report_id == "report--a"))
        kept = [tuple(row) for t in (incident_band_keys, incident_band_keys_recent)
                for row in conn.execute(select(t.c.band_key, t.c.report_id))]
    assert sorted(kept) == [(-7, "report--b"), (7, "report--b"), (2 ** 63 - 1, "report--b")]


KEYS = st.one_of(st.integers(-(2 ** 63), 2 ** 63 - 1), st.sampled_from([-(2 ** 63), 2 ** 63 - 1, 0, -1, 5]))
BATCHES = st.lists(st.tuples(st.lists(st.tuples(KEYS, st.sampled_from(["report--a", "report--b"])), max_size=12),
                             st.integers(0, NEAR_KEY_PARTS - 1)), min_size=1, max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=BATCHES, probe=st.lists(KEYS, max_size=10))
def test_band_reads_through_both_trees_equal_reads_of_the_merged_rows(engine, batches, probe):
    """Batches recorded with any key ranges moved: the rows read by key are those of one merged table, each once
    (a move loses none and doubles none), whichever tree holds them; PostgreSQL writes the main table only."""
    written: set[tuple[int, str]] = set()
    with engine.connect() as conn, conn.begin() as transaction:
        conn.execute(insert(incident_files).values(**_file()))
        conn.execute(insert(incident_file_reports), [_report("report--a"), _report("report--b")])
        for rows, part in batches:
            rows = sorted(set(rows) - written)
            record_band_keys(conn, rows, part=part)
            written.update(rows)
        recent = conn.execute(select(func.count()).select_from(incident_band_keys_recent)).scalar_one()
        keys = sorted(set(probe) | {key for key, _ in list(written)[:5]})
        dialect = engine.dialect.name
        copies = 2 if dialect == "sqlite" else 1
        got = conn.exec_driver_sql(band_rows_sql(dialect), (values_of(conn, keys),) * copies).all() if keys else []
        transaction.rollback()
    assert sorted(map(tuple, got)) == sorted(row for row in written if row[0] in set(keys))
    assert dialect == "sqlite" or recent == 0
