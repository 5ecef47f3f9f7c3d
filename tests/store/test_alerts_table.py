"""Alert tables: built by the migration as declared, deduplicated by the database, deleted with their owner."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from alembic.runtime.migration import MigrationContext
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from marsad.access.accounts import create_organisation, create_user
from marsad.store import metadata
from marsad.store.accounts import users, utcnow
from marsad.store.alerts import LOG_COLUMNS, alert_log, alert_subscriptions, insert_log_rows, previous_alerts
from marsad.store.migrate import upgrade

MINE = {"alert_subscriptions", "alert_log"}


@pytest.fixture
def engine(engine):
    """The shared migrated engine, with the one user subscriptions belong to."""
    create_organisation(engine, "SA unit", "SA")
    create_user(engine, "sa", "SA unit", "analyst", None)
    return engine


def _subscription(conn, name: str = "all") -> int:
    user_id = conn.execute(select(users.c.id)).scalar_one()
    return conn.execute(insert(alert_subscriptions).values(
        user_id=user_id, name=name, filters={"countries": ["JO"]}, inapp=True, language="en", active=True,
        created=utcnow())).inserted_primary_key[0]


def _log(sub_id: int, toll: int, channel: str = "inapp") -> dict:
    return dict(subscription_id=sub_id, incident_id="incident--1", reason="new", killed=toll, wounded=0, toll=toll,
                channel=channel, status="pending", attempts=0, message={"subject": "x"}, created=utcnow())


def _diffs_of_mine(engine) -> list:
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
    flat = [d for group in diffs for d in (group if isinstance(group, list) else [group])]
    return [d for d in flat if any(name in repr(d) for name in MINE)]


def test_migration_matches_the_table_definitions(engine):
    assert _diffs_of_mine(engine) == []


def test_same_toll_on_the_same_channel_is_refused_by_the_database(engine):
    with engine.begin() as conn:
        sub_id = _subscription(conn)
        conn.execute(insert(alert_log).values(**_log(sub_id, 5)))
        conn.execute(insert(alert_log).values(**_log(sub_id, 5, channel="email")))  # other channel: fine
        conn.execute(insert(alert_log).values(**_log(sub_id, 6)))  # higher toll: fine
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(alert_log).values(**_log(sub_id, 5)))


def test_unknown_channel_is_refused(engine):
    with engine.begin() as conn:
        sub_id = _subscription(conn)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(alert_log).values(**_log(sub_id, 1, channel="pigeon")))


def test_deleting_the_user_deletes_subscriptions_and_log(engine):
    with engine.begin() as conn:
        sub_id = _subscription(conn)
        conn.execute(insert(alert_log).values(**_log(sub_id, 1)))
    with engine.begin() as conn:
        conn.execute(delete(users))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(alert_subscriptions)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(alert_log)).scalar() == 0


def test_migration_0012_adds_when_each_alert_is_next_due(new_engine):
    from alembic import command
    from sqlalchemy import inspect

    from marsad.store.migrate import alembic_config, current
    engine = new_engine("0011")
    create_organisation(engine, "SA unit", "SA")
    create_user(engine, "sa", "SA unit", "analyst", None)
    with engine.begin() as conn:  # an alert recorded before the revision: due at once afterwards (NULL)
        sub_id = _subscription(conn)
        conn.exec_driver_sql(
            "INSERT INTO alert_log (subscription_id, incident_id, reason, toll, channel, status, attempts, message, "
            f"created) VALUES ({sub_id}, 'incident--1', 'new', 0, 'webhook', 'pending', 0, '{{}}', "
            "'2026-11-23 00:00:00+00:00')")
    upgrade(engine)
    assert current(engine) >= "0012"
    assert "ix_alert_log_due" in {i["name"] for i in inspect(engine).get_indexes("alert_log")}
    with engine.connect() as conn:
        assert conn.execute(select(alert_log.c.next_attempt_at)).scalar_one() is None
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0011")
    assert "next_attempt_at" not in {c["name"] for c in inspect(engine).get_columns("alert_log")}


#: texts the driver-level insert must store unchanged: quotes, backslashes, separators, braces, blanks, NULL, scripts
AWKWARD = ['a"b', "back\\slash", "c,d", "{e}", " f ", "", "NULL", "tab\tnew\nline", "عربي é", "\\\"", "x'y", "𝄞"]
_TEXT = st.one_of(st.sampled_from(AWKWARD),
                  st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12))
_MESSAGE = st.dictionaries(_TEXT, st.one_of(_TEXT, st.integers(-10 ** 6, 10 ** 6), st.none(), st.booleans(),
                                            st.lists(_TEXT, max_size=3)), max_size=4)
_ROW = st.tuples(_TEXT, st.sampled_from(("new", "toll")), st.one_of(st.none(), st.integers(0, 10 ** 6)),
                 st.one_of(st.none(), st.integers(0, 10 ** 6)), st.integers(0, 10 ** 6),
                 st.sampled_from(("inapp", "webhook", "email")),
                 _MESSAGE, st.integers(0, 10 ** 6))
_READ = [c for c in alert_log.c if c.name not in ("id", "subscription_id")]


def _as_rows(sub_id: int, drawn, now: datetime) -> list[tuple]:
    rows, keys = [], set()
    for incident, reason, killed, wounded, toll, channel, message, micro in drawn:
        if (incident, channel, toll) not in keys:  # the unique key: one row each
            keys.add((incident, channel, toll))
            at = now + timedelta(microseconds=micro)
            inapp = channel == "inapp"
            rows.append((sub_id, incident, reason, killed, wounded, toll, channel, "delivered" if inapp else "pending",
                         int(inapp), None, message, at, at if inapp else None))
    return rows


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=st.lists(_ROW, max_size=12), zone=st.integers(-12, 12))
def test_insert_log_rows_stores_what_sqlalchemys_insert_stores(engine, drawn, zone):
    """The driver-level insert (SQLite: VALUES with SQLAlchemy's texts; PostgreSQL: unnest of text arrays) against
    SQLAlchemy's insert of the same rows: equal typed reads, and on SQLite the very same stored texts."""
    now = datetime(2026, 11, 24, 8, 30, tzinfo=timezone(timedelta(hours=zone)))
    with engine.begin() as conn:
        ours, theirs = _subscription(conn, "ours"), _subscription(conn, "theirs")
        mine = _as_rows(ours, drawn, now)
        returned = insert_log_rows(conn, mine)
        if mine:
            conn.execute(insert(alert_log), [dict(zip(LOG_COLUMNS, row)) for row in _as_rows(theirs, drawn, now)])
        read = {sub: sorted(map(tuple, conn.execute(select(*_READ).where(alert_log.c.subscription_id == sub)
                                                    .order_by(alert_log.c.incident_id, alert_log.c.channel,
                                                              alert_log.c.toll))), key=repr)
                for sub in (ours, theirs)}
        raw = {sub: sorted(tuple(r) for r in conn.exec_driver_sql(
            "SELECT incident_id, channel, toll, message, created, delivered_at FROM alert_log "
            f"WHERE subscription_id = {sub}")) for sub in (ours, theirs)} if engine.dialect.name == "sqlite" else {}
        ids = dict(map(tuple, conn.execute(select(alert_log.c.id, alert_log.c.incident_id)
                                           .where(alert_log.c.subscription_id == ours))))
        conn.execute(delete(alert_subscriptions))
    assert read[ours] == read[theirs]
    assert raw.get(ours) == raw.get(theirs)
    assert sorted((ids[log_id], log_id) for log_id, _, _, _ in returned) == sorted((v, k) for k, v in ids.items())
    assert sorted((sub, incident, channel) for _, sub, incident, channel in returned) == \
        sorted((ours, row[1], row[6]) for row in mine)


def test_insert_log_rows_skips_what_the_unique_key_holds_and_returns_only_the_new(engine):
    now = utcnow()
    with engine.begin() as conn:
        sub_id = _subscription(conn)
        first = _as_rows(sub_id, [("incident--1", "new", 1, 0, 1, "inapp", {"s": 1}, 0)], now)
        assert len(insert_log_rows(conn, first)) == 1
        more = first + _as_rows(sub_id, [("incident--1", "toll", 2, 0, 2, "inapp", {"s": 2}, 0),
                                         ("incident--2", "new", None, None, 0, "email", {}, 0)], now)
        again = insert_log_rows(conn, more)
        assert sorted((incident, channel) for _, _, incident, channel in again) == [
            ("incident--1", "inapp"), ("incident--2", "email")]
        assert conn.execute(select(func.count()).select_from(alert_log)).scalar() == 3
        assert insert_log_rows(conn, []) == []


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=st.lists(_ROW, max_size=10), probes=st.lists(_TEXT, max_size=6))
def test_previous_alerts_reads_what_an_in_list_reads(engine, drawn, probes):
    with engine.begin() as conn:
        sub_id = _subscription(conn)
        rows = _as_rows(sub_id, drawn, utcnow())
        insert_log_rows(conn, rows)
        wanted = sorted({row[1] for row in rows[::2]} | set(probes))
        c = alert_log.c
        expected = sorted(map(tuple, conn.execute(select(c.incident_id, c.subscription_id, c.toll, c.killed, c.wounded)
                                                  .where(c.incident_id.in_(wanted)))), key=repr)
        found = sorted(map(tuple, previous_alerts(conn, wanted)), key=repr)
        assert previous_alerts(conn, []) == []
        conn.execute(delete(alert_subscriptions))
    assert found == expected
