"""Every store read path, given ``where=visible_clause(…)``, returns exactly what ``can_see`` allows.

Reads: query (all versions, last version, paged), manifest, count, versions, get_object and search, with and
without a collection. "Last" must mean the last version the viewer may see, never a hidden newer one.
"""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings

from marsad.access.context import load_viewer
from marsad.access.policy import can_see, visible_clause
from marsad.errors import NotFound
from marsad.store import Store

from .worlds import COLLECTIONS, DB_SETTINGS, store_world, world_st


def _expected(stored, who, collection_id):
    """(stix_id, version) pairs visible to ``who`` in ``collection_id`` (None: anywhere), and the last per id."""
    visible = set()
    for facts, cols, version in stored.values():
        considered = cols if collection_id is None else cols & {collection_id}
        if (collection_id is None or collection_id in cols) and can_see(who, facts, considered):
            visible.add((facts.stix_id, version))
    last = defaultdict(str)
    for stix_id, version in visible:
        last[stix_id] = max(last[stix_id], version)
    return visible, set(last.items())


def _pairs(objects) -> set[tuple[str, str]]:
    return {(o.id, o.version) for o in objects}


def _paged(store, collection_id, where) -> list:
    found, cursor = [], None
    while True:
        page = store.query(collection_id, versions="all", limit=3, cursor=cursor, where=where)
        found.extend(page.objects)
        if not page.more:
            return found
        cursor = page.next


def _check_reads(store, who, collection_id, stored) -> None:
    where = visible_clause(who, collection_id)
    visible, last = _expected(stored, who, collection_id)
    paged = _paged(store, collection_id, where)
    assert len(paged) == len(visible) and _pairs(paged) == visible
    assert _pairs(store.query(collection_id, versions="last", limit=1000, where=where).objects) == last
    manifest = store.manifest(collection_id, versions="last", limit=1000, where=where).objects
    assert {(m.id, m.version) for m in manifest} == last
    assert store.count(collection_id, versions="all", where=where) == len(visible)
    hits = store.search("alpha", limit=1000, where=where, collection_id=collection_id)
    assert _pairs(hits) == last
    for stix_id in sorted({facts.stix_id for facts, _, _ in stored.values()})[:4]:
        mine = {v for i, v in visible if i == stix_id}
        if mine:
            assert store.get_object(stix_id, collection_id=collection_id, where=where).version == max(mine)
            assert {e.version for e in store.versions(stix_id, collection_id, where=where)} == mine
        else:
            try:
                store.get_object(stix_id, collection_id=collection_id, where=where)
            except NotFound:
                continue
            raise AssertionError(f"{who.username} got {stix_id} it may not see")


@settings(DB_SETTINGS, max_examples=8)
@given(world=world_st)
def test_every_read_path_returns_exactly_the_visible_versions(engine, world):
    with engine.begin() as conn:
        stored = store_world(conn, world)
    store = Store(engine)
    for i in range(len(world["orgs"])):
        with engine.connect() as conn:
            who = load_viewer(conn, f"u{i}")
        for collection_id in [None, *COLLECTIONS]:
            _check_reads(store, who, collection_id, stored)
