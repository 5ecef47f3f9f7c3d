"""The facade: database failures become StoreError (nothing half-written), open_store migrates to head."""

import hashlib
import time

import pytest

from marsad.errors import StoreError
from marsad.store import Store, make_engine, open_store
from marsad.store import store as store_module
from marsad.store.migrate import current, head
from marsad.store.store import analyse_tables


def test_database_failure_is_store_error(tmp_path, make):
    store = Store(make_engine(f"sqlite:///{tmp_path / 'empty.db'}"))  # never migrated: no tables
    with pytest.raises(StoreError) as raised:
        store.put_objects([make(n=1)])
    assert "nothing was changed" in raised.value.message and "SELECT" not in raised.value.message
    with pytest.raises(StoreError):
        store.query()


def test_open_store_upgrades_to_head(database_url):
    store = open_store(database_url)
    assert current(store.engine) == head()
    store.engine.dispose()


def test_statistics_refreshed_after_a_bulk_load(database_url, make, monkeypatch, caplog):
    store = open_store(database_url)
    monkeypatch.setattr(store_module, "ANALYSE_AFTER", 5)
    calls = []
    original = store.refresh_statistics
    monkeypatch.setattr(store, "refresh_statistics", lambda: calls.append(1) or original())
    store.put_objects([make(n=i) for i in range(3)])
    assert calls == []  # small writes never analyse
    store.put_objects([make(n=i) for i in range(3, 6)])
    assert calls == [1]
    store.put_objects([make(n=i) for i in range(3, 6)])  # unchanged: nothing added, no refresh
    assert calls == [1] and store.count() == 6
    store.engine.dispose()


def test_statistics_failure_is_logged_not_raised(tmp_path, caplog, monkeypatch):
    store = Store(make_engine(f"sqlite:///{tmp_path / 'x.db'}"))
    monkeypatch.setattr(store_module, "_STATISTICS", {"sqlite": ("SELECT * FROM no_such_table",)})
    store.refresh_statistics()
    assert "planner statistics" in caplog.text
    store.engine.dispose()


def test_analyse_tables_refreshes_statistics_and_only_logs_a_failure(database_url, caplog):
    store = open_store(database_url)
    analyse_tables(store.engine, ["stix_objects", "collection_objects"])
    assert "planner statistics" not in caplog.text
    analyse_tables(store.engine, ["no_such_table"])
    assert "planner statistics" in caplog.text
    store.engine.dispose()


def _sqlite_rows(engine, table: str) -> int:
    with engine.connect() as conn:
        stat = conn.exec_driver_sql("SELECT stat FROM sqlite_stat1 WHERE tbl = ? AND idx IS NOT NULL", (table,)).first()
    return int(stat[0].split()[0])


def test_analyse_tables_on_sqlite_follows_growth_below_tenfold(tmp_path, make):
    """The statistics follow a table that doubled (PRAGMA optimize waited for tenfold growth, and stale
    statistics turned index lookups into scans)."""
    store = open_store(f"sqlite:///{tmp_path / 'grow.db'}")
    store.put_objects([make(n=i) for i in range(20)])
    analyse_tables(store.engine, ["stix_objects"])
    assert _sqlite_rows(store.engine, "stix_objects") == 20
    store.put_objects([make(n=i) for i in range(20, 45)])
    analyse_tables(store.engine, ["stix_objects"])
    assert _sqlite_rows(store.engine, "stix_objects") == 45
    store.engine.dispose()


def _analyses(engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = %(t)s AND schemaname = current_schema()",
            {"t": table}).scalar()


def _changed(engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT n_mod_since_analyze FROM pg_stat_user_tables WHERE relname = %(t)s AND schemaname = current_schema()",
            {"t": table}).scalar()


def _put_and_flush(store, objects) -> None:
    """Store ``objects`` and wait until the statistics views count the change (a backend reports at most once a second)."""
    before = _changed(store.engine, "stix_objects")
    store.put_objects(objects)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("SELECT pg_stat_force_next_flush()")
    for _ in range(60):
        if _changed(store.engine, "stix_objects") > before:
            return
        time.sleep(0.05)
    raise AssertionError("the change never reached pg_stat_user_tables")


def test_analyse_tables_on_postgresql_only_stale_tables_and_one_process_at_a_time(database_url, make, monkeypatch):
    store = open_store(database_url)
    engine = store.engine
    if engine.dialect.name != "postgresql":
        store.engine.dispose()
        pytest.skip("ANALYZE, its statistics views and advisory locks are PostgreSQL's")
    monkeypatch.setattr(store_module, "ANALYSE_AFTER", 10 ** 9)  # only the calls below analyse
    try:
        _put_and_flush(store, [make(n=i) for i in range(120)])
        first = _analyses(engine, "stix_objects")
        analyse_tables(engine, ["stix_objects", "collection_objects"])
        assert _analyses(engine, "stix_objects") == first + 1  # stale: 120 rows changed, never analysed
        analyse_tables(engine, ["stix_objects", "collection_objects"])
        assert _analyses(engine, "stix_objects") == first + 1  # nothing changed since: current, skipped
        _put_and_flush(store, [make(n=i) for i in range(120, 130)])
        analyse_tables(engine, ["stix_objects", "collection_objects"])
        assert _analyses(engine, "stix_objects") == first + 1  # 10 changes < 50 + 10% of 120 rows: still current
        _put_and_flush(store, [make(n=i) for i in range(130, 250)])
        names = ",".join(sorted(["stix_objects", "collection_objects"]))
        key = int.from_bytes(hashlib.blake2b(names.encode(), digest_size=8).digest(), "big", signed=True)
        with engine.connect() as other:  # another worker refreshing the same tables right now
            assert other.exec_driver_sql("SELECT pg_try_advisory_lock(%(k)s)", {"k": key}).scalar()
            analyse_tables(engine, ["collection_objects", "stix_objects"])
            assert _analyses(engine, "stix_objects") == first + 1
            analyse_tables(engine, ["stix_objects"])  # other tables: another lock
            assert _analyses(engine, "stix_objects") == first + 2
            other.exec_driver_sql("SELECT pg_advisory_unlock(%(k)s)", {"k": key})
            other.commit()
    finally:
        engine.dispose()
