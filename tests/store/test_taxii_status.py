"""TAXII status rows: kept per request, read back by their owner only, counts from the lists, pruned by age."""

from datetime import datetime, timedelta, timezone

import pytest

from marsad.errors import NotFound
from marsad.store import Store
from marsad.store.taxii_status import StatusRecord, load_status, prune_statuses, save_status, taxii_status

WHEN = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)


def test_round_trip_for_the_owner_only(engine):
    collection = Store(engine).create_collection("C").id
    record = StatusRecord(collection, "alice", WHEN, successes=[{"id": "indicator--1", "version": "v"}],
                          failures=[{"id": "indicator--2", "version": "v", "message": "conflict"}])
    with engine.begin() as conn:
        save_status(conn, record)
    with engine.connect() as conn:
        back = load_status(conn, record.id, owner="alice")
        row = conn.execute(taxii_status.select()).one()
        with pytest.raises(NotFound):
            load_status(conn, record.id, owner="bob")
        with pytest.raises(NotFound):
            load_status(conn, "no-such-status", owner="alice")
    assert back == record and back.status == "complete" and back.request_timestamp == WHEN
    assert (row.total_count, row.success_count, row.failure_count, row.pending_count) == (2, 1, 1, 0)


def test_prune_removes_old_rows_only(engine):
    with engine.begin() as conn:
        save_status(conn, StatusRecord("c", "alice", WHEN))
        assert prune_statuses(conn, older_than=timedelta(hours=1)) == 0
        assert prune_statuses(conn, older_than=timedelta(seconds=-1)) == 1
