"""The facade: database failures become StoreError (nothing half-written), open_store migrates to head."""

import pytest

from marsad.errors import StoreError
from marsad.store import Store, make_engine, open_store
from marsad.store.migrate import current, head


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
