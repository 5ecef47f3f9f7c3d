"""Migrations: the packaged Alembic scripts build the schema from empty and report the revision."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Table, inspect

from marsad.store import metadata
from marsad.store.migrate import SCRIPT_LOCATION, current, head, upgrade

MINE = {"stix_objects", "object_releases", "collections", "collection_objects", "store_clock"}


def _table_of(diff) -> str | None:
    item = diff[0] if isinstance(diff, list) else diff
    if item[0].endswith("_column") or item[0].startswith("modify_"):
        return item[2]
    target = item[1]
    return target.name if isinstance(target, Table) else getattr(getattr(target, "table", None), "name", None)


def test_upgrade_from_empty_creates_the_tables(new_engine):
    engine = new_engine(None)
    assert current(engine) is None
    upgrade(engine, "0001")
    assert current(engine) == "0001"
    tables = set(inspect(engine).get_table_names())
    assert MINE <= tables
    if engine.dialect.name == "sqlite":
        assert "object_search" in tables
    else:
        assert "search_vector" in {c["name"] for c in inspect(engine).get_columns("stix_objects")}
    upgrade(engine, "0001")  # idempotent


def test_migration_matches_the_table_definitions(new_engine):
    engine = new_engine("0001")
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
    # the PostgreSQL tsvector column and its GIN index exist only in the migration, on purpose
    mine = [d for d in diffs if _table_of(d) in MINE and "search_vector" not in repr(d)]
    assert mine == []


def test_scripts_are_found_as_package_resources():
    assert SCRIPT_LOCATION.startswith("marsad.store:")
    assert head()
