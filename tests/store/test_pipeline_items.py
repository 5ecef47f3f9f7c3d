"""insert_many stores exactly the rows given, on both backends (one array statement on PostgreSQL, the driver's
executemany of tuples on SQLite); among selects exactly the rows listed."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from marsad.store.alerts import alert_log
from marsad.store.engine import make_engine
from marsad.store.incident_reports import incident_band_keys
from marsad.store.migrate import upgrade
from marsad.store.pipeline_items import (NEAR_KEY_PARTS, among, claim_rows, insert_many, item_hashes, item_payloads,
                                         mark_finished, near_key_rows, near_keys_select, pipeline_items,
                                         pipeline_near_keys, pipeline_near_keys_recent, record_near_keys)

INT64 = st.integers(min_value=-(2 ** 63), max_value=2 ** 63 - 1)


@pytest.fixture
def engine(engine):
    """The shared migrated engine, its near-duplicate key tables emptied."""
    with engine.begin() as conn:
        conn.execute(delete(pipeline_near_keys))
        conn.execute(delete(pipeline_near_keys_recent))
    return engine


def _near_rows(conn) -> list[tuple]:
    return sorted(map(tuple, conn.execute(select(pipeline_near_keys.c.band_key, pipeline_near_keys.c.item_id))))


def test_insert_many_stores_every_row_and_nothing_for_none(engine):
    rows = [{"band_key": (-1) ** n * 7 ** (n % 22), "item_id": 10 ** 12 + n} for n in range(40)]
    rows += [{"band_key": 2 ** 63 - 1, "item_id": 1}, {"band_key": -(2 ** 63), "item_id": 1}]
    with engine.begin() as conn:
        insert_many(conn, pipeline_near_keys, rows)
        insert_many(conn, pipeline_near_keys, [])
        assert _near_rows(conn) == sorted((r["band_key"], r["item_id"]) for r in rows)


#: strings the array text form must carry unchanged: quotes, backslashes, separators, braces, blanks, the word NULL
AWKWARD = ['a"b', "back\\slash", "c,d", "{e}", " f ", "", "NULL", "null", "tab\tnew\nline", "عربي é", "\\\"", "x'y"]


def test_insert_many_and_among_carry_any_string_unchanged(engine):
    rows = [{"band_key": n, "report_id": key} for n, key in enumerate(AWKWARD)]
    c = incident_band_keys.c
    with engine.begin() as conn:
        insert_many(conn, incident_band_keys, rows)
        stored = conn.execute(select(c.band_key, c.report_id)).all()
        found = conn.execute(select(c.report_id).where(among(conn, c.report_id, [*AWKWARD, "absent"]))).scalars().all()
        one = conn.execute(select(c.band_key).where(among(conn, c.report_id, ['a"b']))).scalars().all()
        conn.execute(delete(incident_band_keys))
    assert sorted(map(tuple, stored)) == sorted((r["band_key"], r["report_id"]) for r in rows)
    assert sorted(found) == sorted(AWKWARD)
    assert one == [0]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(INT64, st.text(max_size=12)), unique=True, max_size=60),
       probes=st.lists(INT64, max_size=20))
def test_insert_many_and_among_agree_with_sqlalchemys_insert_and_in(engine, rows, probes):
    """The fast paths (driver tuples on SQLite, text arrays on PostgreSQL) against SQLAlchemy's own statements."""
    rows = [(key, report.replace("\x00", "")) for key, report in rows]
    rows = list({row: None for row in rows})
    c = incident_band_keys.c
    wanted = [key for key, _ in rows[::2]] + probes
    with engine.begin() as conn:
        insert_many(conn, incident_band_keys, [{"band_key": k, "report_id": r} for k, r in rows])
        fast = sorted(map(tuple, conn.execute(select(c.band_key, c.report_id))))
        fast_found = sorted(map(tuple, conn.execute(select(c.band_key, c.report_id).where(
            among(conn, c.band_key, wanted)))))
        conn.execute(delete(incident_band_keys))
        if rows:
            conn.execute(incident_band_keys.insert(), [{"band_key": k, "report_id": r} for k, r in rows])
        reference = sorted(map(tuple, conn.execute(select(c.band_key, c.report_id))))
        reference_found = sorted(map(tuple, conn.execute(select(c.band_key, c.report_id).where(
            c.band_key.in_(wanted)))))
        conn.execute(delete(incident_band_keys))
    assert fast == reference == sorted(rows)
    assert fast_found == reference_found


def test_insert_many_of_columns_with_bind_processors_goes_through_sqlalchemy(engine):
    """JSON and datetimes need SQLAlchemy's conversions: the driver path is only for plain integers and strings."""
    now = datetime(2026, 11, 24, 6, 0, tzinfo=timezone.utc)
    row = {"source_id": None, "item_key": "k", "content_hash": "h", "payload": {"text": "نص", "n": [1, 2]},
           "status": "pending", "attempts": 0, "arrived_at": now}
    with engine.begin() as conn:
        insert_many(conn, pipeline_items, [row, {**row, "item_key": "k2"}])
        got = conn.execute(select(pipeline_items.c.payload, pipeline_items.c.arrived_at)
                           .where(among(conn, pipeline_items.c.item_key, ["k", "k2"]))).all()
        conn.execute(delete(pipeline_items))
    assert [(p, a) for p, a in got] == [(row["payload"], now)] * 2


def test_insert_many_is_all_or_nothing_on_a_duplicate_key(engine):
    with pytest.raises(IntegrityError):
        with engine.begin() as conn:
            insert_many(conn, pipeline_near_keys, [{"band_key": 5, "item_id": 1}, {"band_key": 5, "item_id": 1}])
    with engine.connect() as conn:
        assert conn.execute(select(pipeline_near_keys)).all() == []


def test_among_selects_the_rows_whose_value_is_listed_whatever_the_count(engine):
    with engine.begin() as conn:
        insert_many(conn, pipeline_near_keys, [{"band_key": -n, "item_id": n} for n in range(10)])
        c = pipeline_near_keys.c
        for wanted in ([3], [1, 5, 9, 42], list(range(0, 10, 2)), []):
            found = conn.execute(select(c.item_id).where(among(conn, c.item_id, wanted))).scalars().all()
            assert sorted(found) == [n for n in wanted if n < 10]
        keys = conn.execute(select(c.item_id).where(among(conn, c.band_key, [-2, -7, 2 ** 62]))).scalars().all()
        assert sorted(keys) == [2, 7]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stored=st.lists(st.text(st.sampled_from('ab"\',[]{}\\ \tم0'), max_size=6), unique=True, max_size=8),
       others=st.lists(st.text(st.sampled_from('ab"\',[]{}\\ \tم0'), max_size=6), max_size=4))
def test_among_finds_exactly_the_listed_strings(engine, stored, others):
    """One JSON (SQLite) or array (PostgreSQL) parameter finds exactly the listed values, odd characters included."""
    c = incident_band_keys.c
    with engine.begin() as conn:
        insert_many(conn, incident_band_keys, [{"band_key": n, "report_id": r} for n, r in enumerate(stored)])
        wanted = stored[::2] + others
        got = conn.execute(select(c.report_id).where(among(conn, c.report_id, wanted))).scalars().all()
        conn.execute(delete(incident_band_keys))
    assert sorted(got) == sorted(set(stored) & set(wanted))


def test_among_on_sqlite_searches_the_index_whatever_its_statistics(tmp_path):
    """Statistics claiming 10 rows made SQLite scan the table for a 2,000-value IN list (the alert log, every
    batch); ``among``'s JSON parameter is planned as a search per value (the query plan, not a timing)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE tbl = 'alert_log'")
        conn.exec_driver_sql("INSERT INTO sqlite_stat1 VALUES ('alert_log', 'ix_alert_log_incident_id', '10 1')")
        conn.exec_driver_sql("ANALYZE sqlite_schema")
    with engine.connect() as conn:
        wanted = [f"incident--{n}" for n in range(2000)]
        listed = select(alert_log.c.id, alert_log.c.toll).where(alert_log.c.incident_id.in_(wanted)).compile(
            conn, compile_kwargs={"literal_binds": True})
        assert any(row[-1].startswith("SCAN alert_log") for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {listed}"))
        query = select(alert_log.c.id, alert_log.c.toll).where(among(conn, alert_log.c.incident_id, wanted))
        compiled = query.compile(conn)
        plan = [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}",
                                                         tuple(compiled.params.values()))]
    engine.dispose()
    assert any(step.startswith("SEARCH alert_log") for step in plan), plan
    assert not any(step.startswith("SCAN alert_log") for step in plan), plan


def test_among_generic_plan_never_searches_the_array_row_by_row(engine):
    """psycopg prepares a statement on its 5th run and the server may then plan it without the values. With
    ``= ANY($1)`` on a table without statistics that plan was a sequential scan testing every row against the
    array one element at a time (200-300 ms per 500-key lookup in the pipeline); ``among`` must stay a join."""
    if engine.dialect.name != "postgresql":
        pytest.skip("prepared statements and generic plans are PostgreSQL's")
    from sqlalchemy.dialects import postgresql

    c = pipeline_near_keys.c
    with engine.begin() as conn:
        insert_many(conn, pipeline_near_keys, [{"band_key": n * 7919, "item_id": n} for n in range(3000)])
        query = select(c.band_key, c.item_id).where(among(conn, c.band_key, [7919]))
        sql = str(query.compile(dialect=postgresql.dialect(paramstyle="numeric_dollar")))
        conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
        conn.exec_driver_sql(f"PREPARE among_probe AS {sql}")
        try:
            keys = ",".join(str(n * 7919) for n in range(0, 3000, 6))
            plan = "\n".join(conn.exec_driver_sql("EXPLAIN EXECUTE among_probe('{" + keys + "}')").scalars())
            found = conn.execute(query.where(c.item_id < 0)).all()
        finally:
            conn.exec_driver_sql("DEALLOCATE among_probe")
    assert "ANY" not in plan, plan
    assert found == []


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.tuples(st.lists(st.tuples(INT64, st.integers(1, 10 ** 12)), max_size=40),
                                  st.integers(0, NEAR_KEY_PARTS - 1)), max_size=6),
       probes=st.lists(INT64, max_size=10))
def test_recorded_near_keys_are_found_wherever_they_wait(engine, batches, probes):
    """On SQLite keys wait in the recent tree until their range is moved; a lookup reads both trees."""
    recorded: set[tuple[int, int]] = set()
    with engine.begin() as conn:
        for rows, part in batches:
            fresh = [row for row in dict.fromkeys(rows) if row not in recorded]
            record_near_keys(conn, fresh, part=part)
            recorded.update(fresh)
        wanted = sorted({key for key, _ in recorded} | set(probes))
        found = sorted(map(tuple, conn.execute(near_keys_select(conn, wanted))))
        through_driver = sorted(map(tuple, near_key_rows(conn, wanted)))
        main = sorted(map(tuple, conn.execute(select(pipeline_near_keys.c.band_key, pipeline_near_keys.c.item_id))))
        conn.execute(delete(pipeline_near_keys))
        conn.execute(delete(pipeline_near_keys_recent))
    assert found == sorted(recorded)
    assert through_driver == found
    if engine.dialect.name != "sqlite":
        assert main == sorted(recorded)
        return
    span, seen, expected = 2 ** 64 // NEAR_KEY_PARTS, set(), set()
    for n, (rows, _) in enumerate(batches):  # a range moved by its batch or a later one holds it in the main tree
        for row in dict.fromkeys(rows):
            if row not in seen:
                seen.add(row)
                if min((row[0] + 2 ** 63) // span, NEAR_KEY_PARTS - 1) in {part for _, part in batches[n:]}:
                    expected.add(row)
    assert set(main) == expected


def test_every_range_moved_empties_the_recent_tree(engine):
    keys = [(-(2 ** 63) + n * (2 ** 64 // 97), n) for n in range(97)] + [(2 ** 63 - 1, 97)]
    with engine.begin() as conn:
        record_near_keys(conn, keys, part=0)
        for part in range(1, NEAR_KEY_PARTS):
            record_near_keys(conn, [], part=part)
        recent = conn.execute(select(pipeline_near_keys_recent)).all()
        main = sorted(map(tuple, conn.execute(select(pipeline_near_keys.c.band_key, pipeline_near_keys.c.item_id))))
    assert recent == [] and main == sorted(keys)


_PAYLOAD_TEXT = st.one_of(st.sampled_from(AWKWARD), st.text(st.characters(blacklist_categories=("Cs",),
                                                                         blacklist_characters="\x00"), max_size=10))


def _queue(conn, payloads: list[dict], **values) -> list[int]:
    now = datetime(2026, 11, 24, 8, 0, 0, 123456, tzinfo=timezone.utc)
    rows = [{"source_id": None, "item_key": f"k{n}", "content_hash": f"h{n}-{payload.get('title', '')}"[:64],
             "payload": payload, "status": "pending", "attempts": 0, "arrived_at": now + timedelta(seconds=n), **values}
            for n, payload in enumerate(payloads)]
    return [conn.execute(insert(pipeline_items).values(**row)).inserted_primary_key[0] for row in rows]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payloads=st.lists(st.dictionaries(_PAYLOAD_TEXT, st.one_of(_PAYLOAD_TEXT, st.none(), st.integers(-99, 99)),
                                         max_size=3), max_size=8),
       pick=st.lists(st.booleans(), min_size=8, max_size=8),
       absent=st.lists(st.integers(10 ** 9, 2 * 10 ** 9), max_size=3))
def test_item_hashes_and_payloads_read_what_sqlalchemy_reads(engine, payloads, pick, absent):
    c = pipeline_items.c
    with engine.begin() as conn:
        ids = _queue(conn, payloads)
        wanted = [i for i, keep in zip(ids, pick) if keep] + absent
        expected = conn.execute(select(c.id, c.content_hash, c.payload).where(c.id.in_(wanted))).all()
        hashes, whole = item_hashes(conn, wanted), item_payloads(conn, wanted)
        assert item_hashes(conn, []) == [] and item_payloads(conn, []) == []
        conn.execute(delete(pipeline_items))
    assert sorted(map(tuple, hashes)) == sorted((r.id, r.content_hash) for r in expected)
    assert sorted(map(tuple, whole), key=repr) == sorted(map(tuple, expected), key=repr)


def test_claim_rows_leases_the_oldest_claimable_rows_and_returns_them_as_sqlalchemy_reads_them(engine):
    c = pipeline_items.c
    now = datetime(2026, 11, 24, 9, 0, 0, 5, tzinfo=timezone.utc)
    with engine.begin() as conn:
        free = _queue(conn, [{"title": t} for t in AWKWARD[:4]])
        expired = _queue(conn, [{"title": "expired"}], lease_owner="old", lease_until=now - timedelta(microseconds=1))
        held = _queue(conn, [{"title": "held"}], lease_owner="other", lease_until=now + timedelta(seconds=1))
        done = _queue(conn, [{"title": "done"}], status="done")
        until = (now + timedelta(seconds=120)).astimezone(timezone(timedelta(hours=3)))
        claimed = claim_rows(conn, "w", 4, now, until)
        assert sorted(row[0] for row in claimed) == free  # the oldest, up to n (RETURNING gives them in any order)
        claimed += claim_rows(conn, "w", 10, now, until)
        typed = {r.id: r for r in conn.execute(select(pipeline_items).where(c.id.in_(free + expired + held + done)))}
        conn.execute(delete(pipeline_items))
    assert sorted(row[0] for row in claimed) == free + expired
    for item_id, payload, arrived_at, attempts in claimed:
        row = typed[item_id]
        assert (payload, arrived_at, attempts) == (row.payload, row.arrived_at, row.attempts) == (
            row.payload, row.arrived_at, 1)
        assert arrived_at.tzinfo == timezone.utc
        assert (row.lease_owner, row.lease_until) == ("w", until)
    assert (typed[held[0]].lease_owner, typed[held[0]].attempts) == ("other", 0)
    assert (typed[done[0]].lease_owner, typed[done[0]].attempts) == (None, 0)




def test_recording_a_near_key_twice_fails_and_keeps_nothing_of_the_batch(engine):
    """PostgreSQL writes the main table directly (by COPY): a row it already holds fails the whole statement as
    SQLAlchemy's IntegrityError, and the transaction keeps none of the batch's rows."""
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite moves keys with OR IGNORE: a row already there is the same fact")
    with engine.begin() as conn:
        record_near_keys(conn, [(5, 1)])
    with pytest.raises(IntegrityError):
        with engine.begin() as conn:
            record_near_keys(conn, [(-(2 ** 63), 2), (2 ** 63 - 1, 3), (5, 1)])
    with engine.begin() as conn:
        assert _near_rows(conn) == [(5, 1)]
        conn.execute(delete(pipeline_near_keys))


def test_a_near_key_not_an_integer_is_refused_not_copied_as_text(engine):
    """Only integers are written as COPY text; anything else takes insert_many's arrays (and the driver's error):
    a tab in a string must not split it into two columns."""
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite's integer affinity keeps such a value as given")
    with pytest.raises(DBAPIError, match="bigint"):
        with engine.begin() as conn:
            record_near_keys(conn, [("5\t6", 4)])
    with engine.begin() as conn:
        assert _near_rows(conn) == []


_OUTCOME_TEXT = st.none() | st.sampled_from(AWKWARD) | st.text(st.characters(blacklist_categories=("Cs",),
                                                                            blacklist_characters="\x00"), max_size=8)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(outcomes=st.lists(st.tuples(st.sampled_from(["done", "duplicate", "failed"]), _OUTCOME_TEXT, _OUTCOME_TEXT,
                                   st.none() | st.integers(1, 2 ** 62)), min_size=1, max_size=6),
       zone=st.sampled_from([timezone.utc, timezone(timedelta(hours=3)), timezone(timedelta(hours=-4))]))
def test_mark_finished_stores_what_sqlalchemys_update_stores(engine, outcomes, zone):
    """One statement of constant text (PostgreSQL: UPDATE … FROM unnest) stores what the executemany of
    SQLAlchemy's UPDATE stored: any text, NULLs, the time in UTC, lease and error cleared, other rows untouched."""
    c = pipeline_items.c
    now = datetime(2026, 11, 24, 9, 30, 1, 654321, tzinfo=zone)
    columns = [c.id, c.status, c.processed_at, c.report_id, c.incident_id, c.duplicate_of, c.lease_owner,
               c.lease_until, c.error, c.attempts]
    statement = update(pipeline_items).where(c.id == bindparam("item")).values(
        status=bindparam("state"), processed_at=bindparam("processed"), report_id=bindparam("report"),
        incident_id=bindparam("incident"), duplicate_of=bindparam("original"), lease_owner=None, lease_until=None,
        error=None)
    dumps = []
    for way in ("sqlalchemy", "mark_finished"):
        with engine.begin() as conn:
            lease = {"lease_owner": "w", "lease_until": now, "error": "earlier"}
            ids = _queue(conn, [{"n": n} for n in range(len(outcomes) + 1)], **lease)
            rows = [(item_id, *outcome) for item_id, outcome in zip(ids, outcomes)]
            if way == "sqlalchemy":
                conn.execute(statement, [{"item": i, "state": s, "processed": now, "report": r, "incident": n,
                                          "original": o} for i, s, r, n, o in rows])
            else:
                mark_finished(conn, rows, now)
                mark_finished(conn, [], now)
            got = conn.execute(select(*columns).order_by(c.id)).all()
            dumps.append([(n, *row[1:]) for n, row in enumerate(got)])
            conn.execute(delete(pipeline_items))
    assert dumps[1] == dumps[0]
    assert dumps[1][-1][1:3] == ("pending", None)  # the row not listed is untouched


def test_mark_finished_refuses_a_naive_time_and_a_value_of_another_type(engine):
    with engine.begin() as conn:
        with pytest.raises(ValueError):
            mark_finished(conn, [(1, "done", None, None, None)], datetime(2026, 1, 1))
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn, pytest.raises(TypeError):
            mark_finished(conn, [(1, "done", 3.5, None, None)], datetime.now(timezone.utc))
