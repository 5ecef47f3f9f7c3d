"""The sources tables: migration equals the table definitions; seen items dedupe by key and by content."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

from marsad.store import metadata
from marsad.store import sources as table

NOW = datetime(2026, 11, 23, tzinfo=timezone.utc)


@pytest.fixture
def engine(new_engine):
    """The schema of revision 0006, the sources table's."""
    return new_engine("0006")


def _new(conn, name="wire") -> int:
    return table.insert_source(conn, name=name, kind="feed", location="https://w.example/", interval_seconds=60,
                               allow_private=False)


def test_migration_matches_the_table_definitions(engine):
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
    mine = [d for d in diffs if "sources" in repr(d) or "source_seen" in repr(d)]
    assert mine == []


def test_seen_items_by_key_and_content(engine):
    with engine.begin() as conn:
        one, two = _new(conn), _new(conn, "other")
        assert table.add_seen(conn, one, [("k1", "h1"), ("k2", "h2"), ("k1", "h1")], NOW) == 2
        assert table.add_seen(conn, one, [("k1", "h1"), ("k3", "h3")], NOW) == 1
        assert table.seen_among(conn, one, ["k1", "k9"], ["h2", "h9"]) == ({"k1"}, {"h2"})
        assert table.seen_among(conn, two, ["k1"], ["h1"]) == (set(), set())  # per source


def test_many_keys_are_checked_in_chunks(engine):
    keys = [f"k{i}" for i in range(1_200)]
    with engine.begin() as conn:
        source = _new(conn)
        assert table.add_seen(conn, source, [(k, f"h-{k}") for k in keys], NOW) == 1_200
        known, hashes = table.seen_among(conn, source, keys + ["new"], [f"h-{k}" for k in keys])
    assert len(known) == 1_200 and len(hashes) == 1_200


def test_seen_keys_by_prefix_and_cascade(engine):
    with engine.begin() as conn:
        source = _new(conn)
        table.add_seen(conn, source, [("file:a:1:2", "x"), ("file%:b", "y"), ("other", "z")], NOW)
        assert table.seen_keys(conn, source, "file:") == {"file:a:1:2"}
        assert table.delete_source(conn, "wire")
        assert table.seen_among(conn, source, ["other"], []) == (set(), set())
        assert not table.delete_source(conn, "wire")


def test_names_are_unique_and_kinds_checked(engine):
    with pytest.raises(IntegrityError):
        with engine.begin() as conn:
            _new(conn)
            _new(conn)
    with pytest.raises(IntegrityError):
        with engine.begin() as conn:
            table.insert_source(conn, name="bad", kind="mail", location="x", interval_seconds=60, allow_private=False)
    with engine.connect() as conn:
        assert table.source_rows(conn) == []  # nothing half-written


def test_prune_forgets_old_items_but_keeps_file_fingerprints(engine):
    later = NOW.replace(year=2027)
    with engine.begin() as conn:
        source = _new(conn)
        table.add_seen(conn, source, [("old", "h1"), ("file:a.txt:1:2", "h2")], NOW)
        table.add_seen(conn, source, [("new", "h3")], later)
        assert table.prune_seen(conn, later) == 1
        assert table.seen_among(conn, source, ["old", "new", "file:a.txt:1:2"], []) == ({"new", "file:a.txt:1:2"},
                                                                                         set())
