"""in_values / values_of: the same rows as an IN list, odd strings included; SQLite searches whatever its statistics."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from marsad.store import open_store, stix_objects
from marsad.store.lookups import in_values, values_of

#: ids needing quotes in PostgreSQL's array text or escapes in JSON, and non-ASCII ones
_ODD = st.text(st.sampled_from('ab"\',[]{}\\ \tم0é'), max_size=6).map(lambda s: f"indicator--{s}")


@pytest.fixture
def stored(store, collection, make):
    """A store holding a few objects, some with odd ids (ids only need ``--`` to be stored)."""
    objects = [make(n=n) for n in range(1, 6)] + [dict(make(), id=i) for i in ('indicator--a"b', "indicator--م,\\{}")]
    store.put_objects(objects, collection_id=collection)
    return store


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_in_values_selects_what_an_in_list_selects(stored, data):
    with stored.engine.connect() as conn:
        pks = conn.execute(select(stix_objects.c.pk, stix_objects.c.stix_id)).all()
        ids = [stix_id for _, stix_id in pks]
        wanted = data.draw(st.lists(st.sampled_from(ids), unique=True)) + data.draw(st.lists(_ODD, max_size=4))
        clause = in_values(stix_objects.c.stix_id, "ids")[conn.dialect.name]
        got = conn.execute(select(stix_objects.c.stix_id).where(clause), {"ids": values_of(conn, wanted)}).scalars()
        assert sorted(got) == sorted(set(ids) & set(wanted))
        numbers = data.draw(st.lists(st.sampled_from([pk for pk, _ in pks] + [0, -1, 10**12]), unique=True))
        clause = in_values(stix_objects.c.pk, "pks")[conn.dialect.name]
        got = conn.execute(select(stix_objects.c.pk).where(clause), {"pks": values_of(conn, numbers)}).scalars()
        assert sorted(got) == sorted({pk for pk, _ in pks} & set(numbers))


def test_empty_list_selects_nothing(stored):
    with stored.engine.connect() as conn:
        clause = in_values(stix_objects.c.stix_id, "ids")[conn.dialect.name]
        assert conn.execute(select(stix_objects.c.pk).where(clause), {"ids": values_of(conn, [])}).all() == []


def test_sqlite_searches_the_index_whatever_its_statistics(tmp_path):
    """Statistics claiming a table of 10 rows made SQLite scan it for a 2,000-value IN list; the JSON form is
    planned as a search per value (the query plan, not a timing)."""
    store = open_store(f"sqlite:///{tmp_path / 'plan.db'}")
    ids = [f"indicator--{n}" for n in range(2000)]
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE tbl = 'stix_objects'")
        conn.exec_driver_sql("INSERT INTO sqlite_stat1 VALUES ('stix_objects', 'sqlite_autoindex_stix_objects_1', "
                             "'10 1 1')")
        conn.exec_driver_sql("ANALYZE sqlite_schema")
    with store.engine.connect() as conn:
        listed = select(stix_objects.c.pk, stix_objects.c.content_hash).where(stix_objects.c.stix_id.in_(ids))
        plan = _plan(conn, listed.compile(conn, compile_kwargs={"literal_binds": True}))
        assert any(step.startswith("SCAN stix_objects") for step in plan)  # what an IN list did
        clause = in_values(stix_objects.c.stix_id, "ids")["sqlite"]
        compiled = select(stix_objects.c.pk, stix_objects.c.content_hash).where(clause).compile(conn)
        plan = _plan(conn, compiled, (values_of(conn, ids),))
        assert not any(step.startswith("SCAN stix_objects") for step in plan)
        assert any(step.startswith("SEARCH stix_objects") for step in plan)
    store.engine.dispose()


def _plan(conn, compiled, parameters=()) -> list[str]:
    return [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", parameters)]
