"""Account tables: the migration builds exactly the declared tables, and the constraints hold on both backends."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Table, insert, inspect
from sqlalchemy.exc import IntegrityError

from marsad.store import metadata
from marsad.store.accounts import ACCOUNT_TABLES, collection_members, organisations, users
from marsad.store.audit import AUDIT_TABLES

MINE = {t.name for t in ACCOUNT_TABLES + AUDIT_TABLES}
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def migrated(new_engine):
    """The schema of revision 0002, the accounts tables'."""
    return new_engine("0002")


def test_migration_0002_creates_exactly_the_declared_tables(migrated):
    assert MINE <= set(inspect(migrated).get_table_names())
    with migrated.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
    touching = [d for d in diffs if _table_of(d) in MINE]
    assert touching == []


def _table_of(diff) -> str:
    """The table a compare_metadata diff is about (a tuple, or a list of tuples for column changes)."""
    kind, *rest = diff[0] if isinstance(diff, list) else diff
    if kind.endswith("_column") or kind.startswith("modify_"):
        return rest[1]
    return rest[0].name if isinstance(rest[0], Table) else rest[0].table.name


def test_constraints_refuse_bad_rows(migrated):
    with migrated.begin() as conn:
        conn.execute(insert(organisations).values(id="o1", name="SA CT", country="SA",
                                                  identity_id="identity--1", is_secretariat=False, created=T0))
    bad_rows = [
        (users, dict(username="x", org_id="o1", role="superuser", language="ar", active=True, created=T0)),
        (users, dict(username="y", org_id="missing", role="analyst", language="ar", active=True, created=T0)),
        (organisations, dict(id="o2", name="SA CT", country="SA", identity_id="identity--2", is_secretariat=False,
                             created=T0)),
        (collection_members, dict(collection_id="no-such-collection", org_id="o1", can_read=True, can_write=False)),
    ]
    for table, row in bad_rows:
        with pytest.raises(IntegrityError):
            with migrated.begin() as conn:
                conn.execute(insert(table).values(**row))
