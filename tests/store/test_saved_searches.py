"""Saved searches: per user, replaced by name, bounded, deleted only by their owner; schema = migration."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from marsad.access.accounts import create_organisation, create_user
from marsad.errors import InputError, NotFound
from marsad.store import metadata
from marsad.store.saved_searches import delete_search, list_searches, save_search


@pytest.fixture
def engine(engine):
    """The shared migrated engine, with two analysts of one unit."""
    create_organisation(engine, "JO unit", "JO")
    for name in ("ana", "bob"):
        create_user(engine, name, "JO unit", "analyst", None)
    return engine


def test_save_replace_list_delete(engine):
    with engine.begin() as conn:
        first = save_search(conn, "ana", "عمّان", "q=a")
        assert save_search(conn, "ana", "عمّان", "q=b") == first
        save_search(conn, "ana", "Tunis", "country=TN")
    with engine.begin() as conn:
        listed = list_searches(conn, "ana")
        assert [(s["name"], s["query"]) for s in listed] == [("Tunis", "country=TN"), ("عمّان", "q=b")]
        assert list_searches(conn, "bob") == []
        with pytest.raises(NotFound):
            delete_search(conn, "bob", listed[1]["id"])
        delete_search(conn, "ana", listed[1]["id"])
        assert [s["name"] for s in list_searches(conn, "ana")] == ["Tunis"]
        with pytest.raises(NotFound):
            delete_search(conn, "ana", first)


@pytest.mark.parametrize("name, query", [("", "q=a"), ("x" * 201, "q=a"), ("ok", "q=" + "a" * 2000)])
def test_bad_input(engine, name, query):
    with engine.begin() as conn, pytest.raises(InputError):
        save_search(conn, "ana", name, query)


def test_migration_matches_the_table(engine):
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
    assert [d for d in diffs if "saved_searches" in repr(d)] == []
