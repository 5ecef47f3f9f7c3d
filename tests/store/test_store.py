"""The facade: database failures become StoreError (nothing half-written), open_store migrates to head."""

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
    if store.engine.dialect.name == "postgresql":
        analyse_tables(store.engine, ["no_such_table"])
        assert "planner statistics" in caplog.text
    store.engine.dispose()
