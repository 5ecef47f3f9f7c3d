"""Fixtures for the store contract suite: a migrated :class:`Store` per backend and a STIX object factory."""

from __future__ import annotations

import uuid

import pytest

from marsad.store import open_store
from marsad.store.migrate import upgrade

RED = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"


@pytest.fixture
def store(database_url):
    """An empty store on the backend under test, migrated to this module's revision (not others' later ones)."""
    opened = open_store(database_url, migrate=False)
    upgrade(opened.engine, "0001")
    yield opened
    opened.engine.dispose()


@pytest.fixture
def collection(store):
    """The id of a fresh collection."""
    return store.create_collection("Test collection", alias="test").id


def stix(kind: str = "indicator", *, n: int | None = None, modified: str = "2024-01-01T00:00:00.000Z", **fields) -> dict:
    """A minimal STIX 2.1 object; ``n`` gives a stable id."""
    ident = uuid.UUID(int=n) if n is not None else uuid.uuid4()
    obj = {
        "type": kind,
        "spec_version": "2.1",
        "id": f"{kind}--{ident}",
        "created": "2024-01-01T00:00:00.000Z",
        "modified": modified,
        "name": f"{kind} {ident.hex[:8]}",
    }
    obj.update(fields)
    return obj


@pytest.fixture
def make():
    """The :func:`stix` factory."""
    return stix
