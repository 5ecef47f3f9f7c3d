"""Sync positions: saved, advanced only forward, listed, reset; the migration equals the table definition."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import marsad.store.accounts, marsad.store.audit, marsad.store.taxii_status  # noqa: F401,E401
from marsad.store.base import metadata
from marsad.store.sync_state import SyncKey, SyncState, list_states, load_state, reset_state, save_state

KEY = SyncKey("http://hub.example/taxii2/marsad/", "regional", "0f0e7c8a-0000-4000-8000-000000000000", "pull")


def test_positions_round_trip(engine):
    with engine.begin() as conn:
        fresh = load_state(conn, KEY)
        assert fresh.last_added is None and fresh.objects_total == 0
        saved = save_state(conn, fresh.advanced("2026-01-01T00:00:00.123456Z", "tok", 5))
        assert saved.updated is not None
        save_state(conn, SyncState(SyncKey(KEY.remote_url, KEY.remote_collection, KEY.local_collection, "push")))
    with engine.begin() as conn:
        again = load_state(conn, KEY)
        assert (again.last_added, again.next_token, again.objects_total) == ("2026-01-01T00:00:00.123456Z", "tok", 5)
        # a page without a date keeps the position; the exact string is kept (no re-formatting)
        moved = save_state(conn, again.advanced(None, None, 2))
        assert load_state(conn, KEY).last_added == "2026-01-01T00:00:00.123456Z" and moved.objects_total == 7
        assert [s.key.direction for s in list_states(conn)] == ["pull", "push"]
        assert reset_state(conn, KEY) and not reset_state(conn, KEY)
        assert load_state(conn, KEY).last_added is None


def test_migration_matches_the_table_definition(engine):
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert [d for d in diffs if "sync_state" in repr(d)] == []
