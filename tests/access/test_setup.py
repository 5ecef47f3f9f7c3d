"""A fresh hub: schema at head, reference data in an open collection, the regional community; idempotent."""

from sqlalchemy import func, select

from marsad.access.setup import REFERENCE_COLLECTION, REGIONAL_COLLECTION, initialise
from marsad.store import Store, stix_objects
from marsad.store.migrate import head


def test_initialise_twice_adds_nothing_new(new_engine):
    engine = new_engine(None)
    first = initialise(engine)
    assert first.revision == head()
    assert first.added > 22 and first.unchanged == 0
    assert set(first.collections_created) == {REFERENCE_COLLECTION, REGIONAL_COLLECTION}
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(stix_objects)).scalar()
    second = initialise(engine)
    assert second.added == 0 and second.unchanged == first.added and second.collections_created == ()
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(stix_objects)).scalar() == stored


def test_reference_objects_are_clear_and_include_the_members(new_engine):
    engine = new_engine(None)
    initialise(engine)
    store = Store(engine)
    identities = store.query(REFERENCE_COLLECTION, types=["identity"], limit=1000).objects
    names = {item.object["name"] for item in identities}
    assert len(identities) >= 23  # the secretariat and 22 member states
    assert any("Saudi" in name for name in names)
    markings = store.query(REFERENCE_COLLECTION, types=["marking-definition"], limit=1000).objects
    assert {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"} <= {m.object["id"] for m in markings}
