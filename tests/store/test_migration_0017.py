"""Migration 0017: on PostgreSQL the large per-item columns compress new values with LZ4, values written before and
after read back identical (search included), and the downgrade returns the columns to the server's default; on
SQLite it changes nothing."""

from __future__ import annotations

import importlib

import pytest
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from marsad.store.migrate import alembic_config, current, upgrade
from marsad.store.objects import stix_objects
from marsad.store.rows import default_marking_reader
from marsad.store.writes import put_objects

MIGRATION = importlib.import_module("marsad.store.migrations.versions.0017_lz4_compression")
_COMPRESSION = text("SELECT attname, attcompression FROM pg_attribute WHERE attrelid = CAST(:table AS regclass) "
                    "AND attnum > 0 AND NOT attisdropped")


@pytest.fixture
def engine(new_engine):
    """The schema before the migration under test."""
    return new_engine(MIGRATION.down_revision)


def _methods(engine) -> dict[str, dict[str, str]]:
    with engine.connect() as conn:
        return {table: dict(conn.execute(_COMPRESSION, {"table": table}).all()) for table in MIGRATION.COLUMNS}


def _has_lz4(engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(MIGRATION._HAS_LZ4).scalar())


def _note(n: int, body: str) -> dict:
    # a large body: the row passes the TOAST threshold, so its values are compressed
    return {"type": "note", "spec_version": "2.1", "id": f"note--00000000-0000-4000-8000-{n:012d}",
            "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
            "content": body, "object_refs": [f"note--00000000-0000-4000-8000-{n:012d}"]}


def _put(conn, obj: dict) -> None:
    put_objects(conn, [obj], collection_id=None, all_or_nothing=True, reader=default_marking_reader)


def _stored(engine) -> dict[str, tuple]:
    with engine.connect() as conn:
        rows = conn.execute(select(stix_objects.c.stix_id, stix_objects.c.object, stix_objects.c.search_text))
        return {row.stix_id: (row.object, row.search_text) for row in rows}


def test_0017_sets_lz4_on_postgresql_and_downgrade_restores_the_default(engine):
    if engine.dialect.name != "postgresql":
        upgrade(engine, "0017")
        assert current(engine) >= "0017"
        return
    if not _has_lz4(engine):
        pytest.skip("this PostgreSQL has no LZ4")
    before = _methods(engine)
    assert all(before[t][c] == "" for t, columns in MIGRATION.COLUMNS.items() for c in columns)
    upgrade(engine, "0017")
    after = _methods(engine)
    for table, columns in MIGRATION.COLUMNS.items():
        assert {c: after[table][c] for c in columns} == {c: "l" for c in columns}
        # no other column changes
        assert {c: m for c, m in after[table].items() if c not in columns} == \
               {c: m for c, m in before[table].items() if c not in columns}
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), MIGRATION.down_revision)
    assert _methods(engine) == before


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                              min_size=1, max_size=12), min_size=300, max_size=600))
def test_values_written_before_and_after_read_back_the_same(engine, words):
    """A large object stored under pglz and one stored under LZ4 read back as written (and the downgrade keeps
    both readable)."""
    body = " ".join(words)
    if current(engine) != MIGRATION.down_revision:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), MIGRATION.down_revision)
    with engine.begin() as conn:
        conn.execute(stix_objects.delete())
        _put(conn, _note(1, body))
    upgrade(engine, "0017")
    with engine.begin() as conn:
        _put(conn, _note(2, body))
    stored = _stored(engine)
    first, second = stored["note--00000000-0000-4000-8000-000000000001"], \
        stored["note--00000000-0000-4000-8000-000000000002"]
    assert first[0]["content"] == second[0]["content"] == body
    assert first[1] == second[1] or first[1].replace("000000000001", "000000000002") == second[1]
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), MIGRATION.down_revision)
    assert _stored(engine) == stored
