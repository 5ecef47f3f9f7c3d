"""Sharing audiences: the projection's fast visibility test selects exactly what the sharing policy allows,
before settling, after settling, and after memberships change (triggers), on SQLite and PostgreSQL."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from sqlalchemy import delete, func, insert, select

from marsad.access import can_see, load_viewer, visible_clause
from marsad.store import collection_objects, stix_objects
from marsad.store.audiences import audience_collections, audience_releases, sharing_audiences
from marsad.store.incidents import incident_facts, on_audiences, on_facts, settle_incident_audiences
from tests.access.conftest import _engines, cheap_password_hashing, engine  # noqa: F401 (fixtures)
from tests.access.worlds import COLLECTIONS, DB_SETTINGS, T0, store_world, world_st


def _project(conn, stored) -> dict[int, tuple]:
    """Projection rows for the last stored version of each incident id (written straight, like the worlds)."""
    for table in (incident_facts, audience_collections, audience_releases, sharing_audiences):
        conn.execute(delete(table))
    last = {}
    for pk, (facts, homes, _) in sorted(stored.items()):
        if facts.type == "incident":
            last[facts.stix_id] = pk
    for stix_id, pk in last.items():
        facts = stored[pk][0]
        conn.execute(insert(incident_facts).values(object_pk=pk, stix_id=stix_id, modified=T0, source="report",
                                                   killed=0, wounded=0, tlp=facts.tlp,
                                                   created_by_ref=facts.created_by_ref))
    return {pk: stored[pk] for pk in last.values()}


def _homes(conn) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for pk, cid in conn.execute(select(collection_objects.c.object_pk, collection_objects.c.collection_id)):
        found.setdefault(pk, set()).add(cid)
    return found


def _check(conn, rows, world) -> None:
    homes = _homes(conn)
    for i in range(len(world["orgs"])):
        viewer = load_viewer(conn, f"u{i}")
        for collection in (None, *COLLECTIONS):
            chosen = conn.execute(select(incident_facts.c.object_pk).where(
                on_facts(visible_clause(viewer, collection)))).scalars()
            expected = {pk for pk, (facts, _, _) in rows.items() if can_see(
                viewer, facts, (homes.get(pk, set()) & {collection}) if collection else homes.get(pk, set()))}
            assert set(chosen) == expected, (viewer.username, collection)


@DB_SETTINGS
@given(world=world_st, seed=...)
def test_fast_test_equals_the_policy_through_settling_and_membership_changes(engine, world, seed: int):
    rng = random.Random(seed)
    with engine.begin() as conn:
        rows = _project(conn, store_world(conn, world))
        _check(conn, rows, world)  # unsettled: decided row by row
        settle_incident_audiences(conn)
        assert conn.execute(select(func.count()).where(incident_facts.c.audience.is_(None))).scalar_one() == 0
        _check(conn, rows, world)  # settled: decided by audience
        if rows:  # a membership added and one removed: the triggers unsettle exactly those rows
            pk = rng.choice(sorted(rows))
            free = [c for c in COLLECTIONS if c not in _homes(conn).get(pk, set())]
            if free:
                conn.execute(insert(collection_objects).values(collection_id=free[0], object_pk=pk, date_added=T0))
            conn.execute(delete(collection_objects).where(collection_objects.c.object_pk == rng.choice(sorted(rows))))
            _check(conn, rows, world)
            settle_incident_audiences(conn)
            _check(conn, rows, world)


def test_trigger_unsettles_only_the_changed_row(engine):
    with engine.begin() as conn:
        world = {"orgs": [{"country": "SA", "secretariat": False, "member": ["read"] * 3, "grant": [None] * 3}] * 2,
                 "open": [False] * 3,
                 "objects": [{"kind": "incident", "own_id": 4, "by": None, "tlp": "green", "release_to": [],
                              "collections": [COLLECTIONS[0]], "sid": sid} for sid in range(3)]}
        rows = _project(conn, store_world(conn, world))
        assert settle_incident_audiences(conn) == 3
        first, *others = sorted(rows)
        conn.execute(insert(collection_objects).values(collection_id=COLLECTIONS[1], object_pk=first, date_added=T0))
        unsettled = set(conn.execute(select(incident_facts.c.object_pk).where(
            incident_facts.c.audience.is_(None))).scalars())
        assert unsettled == {first}
        assert settle_incident_audiences(conn) == 1
        audiences = conn.execute(select(incident_facts.c.audience).order_by(incident_facts.c.object_pk)).scalars().all()
        assert audiences[1] == audiences[2] != audiences[0]  # same facts, same audience


def test_clauses_an_audience_does_not_decide_fall_back_to_rows():
    with pytest.raises(ValueError):
        on_audiences(stix_objects.c.stix_id == "incident--x")
    with pytest.raises(ValueError):
        on_audiences(stix_objects.c.modified > T0)
    assert "audience" not in str(on_facts(stix_objects.c.stix_id == "incident--x"))
    assert "sharing_audiences" in str(on_facts(stix_objects.c.tlp == "clear"))



def test_migration_0014_probes_changed_rows_by_key_and_its_downgrade_restores_the_join(database_url, new_engine):
    """The trigger function 0014 installs (the behaviour: test_trigger_unsettles_only_the_changed_row, at head)."""
    from alembic import command

    from marsad.store.migrate import alembic_config, upgrade

    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite's triggers are row-level: 0014 changes nothing there")
    fresh = new_engine()
    body = "SELECT pg_get_functiondef('audience_unsettle'::regproc)"
    with fresh.connect() as conn:
        assert "ANY (ARRAY(SELECT c.object_pk FROM changed_rows c))" in conn.exec_driver_sql(body).scalar()
    with fresh.begin() as conn:
        command.downgrade(alembic_config(conn), "0013")
    with fresh.connect() as conn:
        assert "ANY (ARRAY" not in conn.exec_driver_sql(body).scalar()
    upgrade(fresh)
    with fresh.connect() as conn:
        assert "ANY (ARRAY" in conn.exec_driver_sql(body).scalar()
