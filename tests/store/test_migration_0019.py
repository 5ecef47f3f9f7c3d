"""Migration 0019: SQLite keeps ``incident_terms`` WITHOUT ROWID with the same rows, key, index and cascade; the
downgrade gives back a rowid table with the same rows, and the projection is kept current on either."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.migration import MigrationContext
from alembic.autogenerate import compare_metadata
from sqlalchemy import delete, inspect, select, text

from marsad.model import make_incident
from marsad.store import make_engine
from marsad.store.base import metadata
from marsad.store.incidents import incident_facts, incident_terms
from marsad.store.migrate import alembic_config, current, upgrade
from marsad.store.objects import stix_objects
from marsad.store.rows import default_marking_reader
from marsad.store.writes import put_objects


@pytest.fixture
def engine(database_url):
    made = make_engine(database_url)
    upgrade(made, "0018")
    yield made
    made.dispose()


def _incident(n: int, modified: str, **fields) -> dict:
    return make_incident(f"incident {n}", incident_id=f"incident--00000000-0000-4000-8000-{n:012d}",
                         created="2024-01-01T00:00:00.000Z", modified=modified, occurred="2023-05-17", **fields)


def _put(engine, objects) -> None:
    with engine.begin() as conn:
        put_objects(conn, objects, collection_id=None, all_or_nothing=True, reader=default_marking_reader)


def _terms(engine) -> list[tuple]:
    with engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(
            select(incident_facts.c.stix_id, incident_terms.c.vocabulary, incident_terms.c.term)
            .join(incident_facts, incident_facts.c.object_pk == incident_terms.c.object_pk)))


def _without_rowid(engine) -> bool:
    if engine.dialect.name != "sqlite":
        return False
    with engine.connect() as conn:
        sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'incident_terms'")).scalar_one()
    return "WITHOUT ROWID" in sql.upper()


def _diffs(engine) -> list:
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    flat = [d for group in diffs for d in (group if isinstance(group, list) else [group])]
    return [d for d in flat if "incident_terms" in repr(d)]


def test_0019_keeps_the_terms_and_their_cascade(engine):
    _put(engine, [_incident(1, "2024-01-01T00:00:00.000Z", attack_types=["Armed Assault", "Bombing/Explosion"]),
                  _incident(2, "2024-01-01T00:00:00.000Z", themes=["drones"], weapon_types=["Firearms"])])
    before = _terms(engine)
    assert ("incident--00000000-0000-4000-8000-000000000001", "attack_type", "Armed Assault") in before
    upgrade(engine, "0019")
    assert current(engine) >= "0019" and _terms(engine) == before and _diffs(engine) == []
    assert _without_rowid(engine) == (engine.dialect.name == "sqlite")
    assert "ix_incident_terms_vocabulary_term_object_pk" in {i["name"] for i in inspect(engine).get_indexes("incident_terms")}
    _put(engine, [_incident(1, "2024-02-01T00:00:00.000Z", attack_types=["Hijacking"])])  # replaces incident 1's terms
    after = _terms(engine)
    assert [t for t in after if t[0].endswith("1")] == [("incident--00000000-0000-4000-8000-000000000001",
                                                          "attack_type", "Hijacking")]
    assert [t for t in after if t[0].endswith("2")] == [t for t in before if t[0].endswith("2")]
    with engine.begin() as conn:  # deleting the versions cascades through the projection to the terms
        conn.execute(delete(stix_objects))
        assert conn.execute(select(incident_terms)).all() == []
        conn.rollback()


def test_0019_gathers_the_statistics_the_table_had(engine):
    _put(engine, [_incident(4, "2024-01-01T00:00:00.000Z", attack_types=["Armed Assault"])])
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as conn:
        conn.execute(text("ANALYZE incident_terms"))
        before = conn.execute(text("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'incident_terms'")).all()
    upgrade(engine, "0019")
    with engine.connect() as conn:
        after = conn.execute(text("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'incident_terms'")).all()
    assert before and {idx for idx, _ in after} >= {"ix_incident_terms_vocabulary_term_object_pk"}


def test_0019_downgrade_gives_back_a_rowid_table_with_the_same_rows(engine):
    _put(engine, [_incident(3, "2024-01-01T00:00:00.000Z", attack_types=["Armed Assault"], themes=["drones"])])
    upgrade(engine)
    first = _terms(engine)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0018")
    assert current(engine) == "0018" and _terms(engine) == first
    if engine.dialect.name == "sqlite":
        assert not _without_rowid(engine)
    _put(engine, [_incident(3, "2024-03-01T00:00:00.000Z", attack_types=["Hijacking"])])
    upgrade(engine)
    assert _terms(engine) == [("incident--00000000-0000-4000-8000-000000000003", "attack_type", "Hijacking")]
    assert _diffs(engine) == []
