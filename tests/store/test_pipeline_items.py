"""insert_many stores exactly the rows given, on both backends (one array statement on PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from marsad.store.engine import make_engine
from marsad.store.migrate import upgrade
from marsad.store.pipeline_items import among, insert_many, pipeline_near_keys


@pytest.fixture
def engine(database_url):
    made = make_engine(database_url)
    upgrade(made)
    with made.begin() as conn:
        conn.execute(delete(pipeline_near_keys))
    yield made
    made.dispose()


def test_insert_many_stores_every_row_and_nothing_for_none(engine):
    rows = [{"band_key": f"{n:02d}:abc", "item_id": 10 ** 12 + n} for n in range(40)]
    with engine.begin() as conn:
        insert_many(conn, pipeline_near_keys, rows)
        insert_many(conn, pipeline_near_keys, [])
        stored = conn.execute(select(pipeline_near_keys.c.band_key, pipeline_near_keys.c.item_id)).all()
    assert sorted(map(tuple, stored)) == sorted((r["band_key"], r["item_id"]) for r in rows)


#: strings the array text form must carry unchanged: quotes, backslashes, separators, braces, blanks, the word NULL
AWKWARD = ['a"b', "back\\slash", "c,d", "{e}", " f ", "", "NULL", "null", "tab\tnew\nline", "عربي é", "\\\"", "x'y"]


def test_insert_many_and_among_carry_any_string_unchanged(engine):
    rows = [{"band_key": key, "item_id": n} for n, key in enumerate(AWKWARD)]
    with engine.begin() as conn:
        insert_many(conn, pipeline_near_keys, rows)
        stored = conn.execute(select(pipeline_near_keys.c.band_key, pipeline_near_keys.c.item_id)).all()
        c = pipeline_near_keys.c
        found = conn.execute(select(c.band_key).where(among(conn, c.band_key, [*AWKWARD, "absent"]))).scalars().all()
        one = conn.execute(select(c.item_id).where(among(conn, c.band_key, ['a"b']))).scalars().all()
    assert sorted(map(tuple, stored)) == sorted((r["band_key"], r["item_id"]) for r in rows)
    assert sorted(found) == sorted(AWKWARD)
    assert one == [0]

def test_insert_many_is_all_or_nothing_on_a_duplicate_key(engine):
    with pytest.raises(IntegrityError):
        with engine.begin() as conn:
            insert_many(conn, pipeline_near_keys, [{"band_key": "k", "item_id": 1}, {"band_key": "k", "item_id": 1}])
    with engine.connect() as conn:
        assert conn.execute(select(pipeline_near_keys)).all() == []


def test_among_selects_the_rows_whose_value_is_listed_whatever_the_count(engine):
    with engine.begin() as conn:
        insert_many(conn, pipeline_near_keys, [{"band_key": f"k{n}", "item_id": n} for n in range(10)])
        c = pipeline_near_keys.c
        for wanted in ([3], [1, 5, 9, 42], list(range(0, 10, 2)), []):
            found = conn.execute(select(c.item_id).where(among(conn, c.item_id, wanted))).scalars().all()
            assert sorted(found) == [n for n in wanted if n < 10]
        keys = conn.execute(select(c.item_id).where(among(conn, c.band_key, ["k2", "k7", "nope"]))).scalars().all()
        assert sorted(keys) == [2, 7]


def test_among_generic_plan_never_searches_the_array_row_by_row(engine):
    """psycopg prepares a statement on its 5th run and the server may then plan it without the values. With
    ``= ANY($1)`` on a table without statistics that plan was a sequential scan testing every row against the
    array one element at a time (200-300 ms per 500-key lookup in the pipeline); ``among`` must stay a join."""
    if engine.dialect.name != "postgresql":
        pytest.skip("prepared statements and generic plans are PostgreSQL's")
    from sqlalchemy.dialects import postgresql

    c = pipeline_near_keys.c
    with engine.begin() as conn:
        insert_many(conn, pipeline_near_keys, [{"band_key": f"k{n}", "item_id": n} for n in range(3000)])
        query = select(c.band_key, c.item_id).where(among(conn, c.band_key, ["k1"]))
        sql = str(query.compile(dialect=postgresql.dialect(paramstyle="numeric_dollar")))
        conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
        conn.exec_driver_sql(f"PREPARE among_probe AS {sql}")
        try:
            plan = "\n".join(conn.exec_driver_sql(
                "EXPLAIN EXECUTE among_probe(ARRAY[" + ",".join(f"'k{n}'" for n in range(0, 3000, 6)) + "])").scalars())
            found = conn.execute(query.where(c.item_id < 0)).all()
        finally:
            conn.exec_driver_sql("DEALLOCATE among_probe")
    assert "ANY" not in plan, plan
    assert found == []
