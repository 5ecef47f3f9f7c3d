"""Collections: create, find by id or alias, list, delete (object versions stay stored)."""

import pytest

from marsad.errors import Conflict, InvalidFilter, NotFound


def test_create_get_list_delete(store, make):
    made = store.create_collection("Incidents", alias="incidents", description="وصف")
    assert store.get_collection("incidents") == store.get_collection(made.id) == made
    other = store.create_collection("Reports", id="5a1c0b6e-7a8d-4f3e-9a4b-0c2d1e3f4a5b")
    assert [c.id for c in store.list_collections()] == [made.id, other.id]
    store.put_objects([make(n=1)], collection_id=made.id)
    store.delete_collection("incidents")
    with pytest.raises(NotFound):
        store.get_collection(made.id)
    assert store.count() == 1


def test_clashes_and_bad_input(store):
    store.create_collection("A", alias="a")
    with pytest.raises(Conflict):
        store.create_collection("B", alias="a")
    with pytest.raises(InvalidFilter):
        store.create_collection("C", id="not-a-uuid")
    with pytest.raises(InvalidFilter):
        store.create_collection("  ")
    with pytest.raises(NotFound):
        store.delete_collection("missing")
