"""Alert tables: built by the migration as declared, deduplicated by the database, deleted with their owner."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from marsad.access.accounts import create_organisation, create_user
from marsad.store import make_engine, metadata
from marsad.store.accounts import users, utcnow
from marsad.store.alerts import alert_log, alert_subscriptions
from marsad.store.migrate import upgrade

MINE = {"alert_subscriptions", "alert_log"}


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    create_organisation(engine, "SA unit", "SA")
    create_user(engine, "sa", "SA unit", "analyst", None)
    yield engine
    engine.dispose()


def _subscription(conn) -> int:
    user_id = conn.execute(select(users.c.id)).scalar_one()
    return conn.execute(insert(alert_subscriptions).values(
        user_id=user_id, name="all", filters={"countries": ["JO"]}, inapp=True, language="en", active=True,
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


def test_migration_0012_adds_when_each_alert_is_next_due(database_url):
    from alembic import command
    from sqlalchemy import inspect

    from marsad.store.migrate import alembic_config, current
    engine = make_engine(database_url)
    upgrade(engine, "0011")
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
    engine.dispose()
