"""Generated worlds for the policy properties: organisations, users, collections, grants and object versions,
written straight into the tables (so any combination of markings can be tried, valid STIX or not)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert

from marsad.access.policy import ObjectFacts, can_see
from marsad.store.accounts import collection_members, collection_policy, organisations, read_grants, users
from marsad.store.collections import collection_objects, collections
from marsad.store.objects import object_releases, stix_objects
from marsad.store.timestamps import format_timestamp

#: database-backed properties: moderate example counts, and no shrinking (each step rewrites a database, which
#: could take minutes); a failure still prints the generated world that broke the equivalence
DB_SETTINGS = settings(max_examples=30, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
                       suppress_health_check=[HealthCheck.function_scoped_fixture])

C1, C2 = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
COUNTRIES = ["SA", "EG", "MA"]
COLLECTIONS = [C1, C2, "33333333-3333-4333-8333-333333333333"]
ORG_IDS = [f"identity--00000000-0000-4000-8000-00000000001{i}" for i in range(4)]
OUTSIDE_ID = "identity--00000000-0000-4000-8000-0000000000ff"
TLPS = [None, "clear", "green", "amber", "amber+strict", "red"]
ENTRIES = ORG_IDS + COUNTRIES + ["user:u0", "user:u1", "user:u3", "user:nobody"]
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)

org_st = st.fixed_dictionaries({
    "country": st.sampled_from(COUNTRIES), "secretariat": st.booleans(),
    "member": st.lists(st.sampled_from(["none", "read", "write", "both"]), min_size=3, max_size=3),
    "grant": st.lists(st.sampled_from([None, "green", "amber", "amber+strict", "red"]), min_size=3, max_size=3),
})
object_st = st.fixed_dictionaries({
    "kind": st.sampled_from(["indicator", "incident", "identity", "marking-definition"]),
    "own_id": st.integers(0, len(ORG_IDS)),  # an identity object may be an organisation's own identity
    "by": st.sampled_from(ORG_IDS + [OUTSIDE_ID, None]),
    "tlp": st.sampled_from(TLPS),
    "release_to": st.lists(st.sampled_from(ENTRIES), max_size=3, unique=True),
    "collections": st.lists(st.sampled_from(COLLECTIONS), max_size=3, unique=True),
    "sid": st.integers(0, 3),  # versions of one object share (kind, sid)
})
world_st = st.fixed_dictionaries({
    "orgs": st.lists(org_st, min_size=2, max_size=4),
    "open": st.lists(st.booleans(), min_size=3, max_size=3),
    "objects": st.lists(object_st, min_size=1, max_size=12),
})


def _clear(conn) -> None:
    for table in (collection_objects, object_releases, stix_objects, read_grants, collection_members,
                  collection_policy, users, organisations, collections):
        conn.execute(delete(table))


def store_world(conn, world) -> dict[int, tuple[ObjectFacts, frozenset[str], str]]:
    """Replace the tables' rows by ``world``; per stored version (pk): its facts, collections and version."""
    _clear(conn)
    for cid in COLLECTIONS:
        conn.execute(insert(collections).values(id=cid, title=cid[:4], created=T0))
    for cid, is_open in zip(COLLECTIONS, world["open"]):
        conn.execute(insert(collection_policy).values(collection_id=cid, open_read=is_open))
    for i, org in enumerate(world["orgs"]):
        oid = f"org-{i}"
        conn.execute(insert(organisations).values(id=oid, name=f"Org {i}", country=org["country"],
                                                  identity_id=ORG_IDS[i], is_secretariat=org["secretariat"],
                                                  created=T0))
        conn.execute(insert(users).values(username=f"u{i}", org_id=oid, role="analyst", language="ar",
                                          active=True, created=T0))
        for cid, member, grant in zip(COLLECTIONS, org["member"], org["grant"]):
            if member != "none":
                conn.execute(insert(collection_members).values(
                    collection_id=cid, org_id=oid, can_read=member in ("read", "both"),
                    can_write=member in ("write", "both")))
            if grant:
                conn.execute(insert(read_grants).values(collection_id=cid, org_id=oid, max_tlp=grant,
                                                        granted_by="admin", granted_at=T0))
    stored = {}
    for n, o in enumerate(world["objects"]):
        kind = o["kind"]
        own = kind == "identity" and o["own_id"] < len(ORG_IDS)
        stix_id = ORG_IDS[o["own_id"]] if own else f"{kind}--00000000-0000-4000-8000-{o['sid']:012d}"
        modified = T0 + timedelta(seconds=n)
        body = {"id": stix_id, "type": kind, "modified": format_timestamp(modified)}
        pk = conn.execute(insert(stix_objects).values(
            stix_id=stix_id, type=kind, spec_version="2.1", created=T0, modified=modified,
            date_added=modified, created_by_ref=o["by"], tlp=o["tlp"], release_to=o["release_to"] or None,
            marking_refs=[], revoked=False, content_hash="0" * 64, search_text="alpha", object=body,
        ).returning(stix_objects.c.pk)).scalar_one()
        for entry in o["release_to"]:
            conn.execute(insert(object_releases).values(object_pk=pk, entry=entry))
        for cid in o["collections"]:
            conn.execute(insert(collection_objects).values(collection_id=cid, object_pk=pk, date_added=modified))
        facts = ObjectFacts(stix_id, kind, o["by"], o["tlp"], tuple(o["release_to"]))
        stored[pk] = (facts, frozenset(o["collections"]), body["modified"])
    return stored




def visible_incidents(stored, who) -> set[str]:
    """Ids of the incidents whose latest stored version (of :func:`store_world`'s answer) ``who`` may see: what
    the counting projection holds for them."""
    latest = {}
    for pk, (facts, cols, version) in stored.items():
        if facts.type == "incident" and (facts.stix_id not in latest or (version, pk) > latest[facts.stix_id][0]):
            latest[facts.stix_id] = ((version, pk), facts, cols)
    return {sid for sid, (_, facts, cols) in latest.items() if can_see(who, facts, cols)}
