"""Bring a hub to its starting state: schema at head, the reference data stored, the default communities.

Why in the access layer: a fresh hub is more than tables — its reference collection must be readable by every
signed-in user (an access rule), while the regional collection starts closed to all but its members. Running
it again is harmless: migrations are idempotent, reference objects are re-put as ``unchanged``, and existing
collections are kept with the rights administrators gave them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine

from marsad.access.memberships import set_open_read
from marsad.errors import NotFound
from marsad.model.membership import Membership
from marsad.model.reference import reference_objects
from marsad.store import Store
from marsad.store.migrate import current, upgrade

__all__ = ["SetupReport", "initialise", "REFERENCE_COLLECTION", "REGIONAL_COLLECTION"]

#: alias of the collection holding reference data (markings, extension definitions, members, organisations)
REFERENCE_COLLECTION = "reference"
#: alias of the collection shared by all member states (the default community)
REGIONAL_COLLECTION = "regional"

_COLLECTIONS = {
    REFERENCE_COLLECTION: ("Reference data", "Marking definitions, extension definitions, member identities and "
                                             "the organisations registry (TLP:CLEAR)."),
    REGIONAL_COLLECTION: ("Regional exchange", "The community of all member states and the secretariat."),
}


@dataclass(frozen=True)
class SetupReport:
    """What :func:`initialise` did: schema revision, reference objects added vs already there, collections."""

    revision: str | None
    added: int
    unchanged: int
    collections_created: tuple[str, ...]


def _ensure_collections(store: Store) -> tuple[str, ...]:
    created = []
    for alias, (title, description) in _COLLECTIONS.items():
        try:
            store.get_collection(alias)
        except NotFound:
            store.create_collection(title, alias=alias, description=description)
            created.append(alias)
    return tuple(created)


def initialise(engine: Engine, *, registry: Iterable | None = None, membership: Membership | None = None,
               actor: str = "system:init") -> SetupReport:
    """Upgrade the schema, create the default collections, store the reference objects (idempotent)."""
    upgrade(engine)
    store = Store(engine)
    created = _ensure_collections(store)
    if REFERENCE_COLLECTION in created:
        set_open_read(engine, REFERENCE_COLLECTION, True, actor=actor)
    result = store.put_objects(reference_objects(registry, membership), collection_id=REFERENCE_COLLECTION)
    return SetupReport(current(engine), len(result.added), len(result.unchanged), created)
