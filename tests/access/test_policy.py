"""The sharing policy: each rule in Python, then the SQL clause proven equal to it on generated data."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select

from marsad.access.context import Viewer, load_viewer
from marsad.access.policy import ObjectFacts, can_see, object_facts, visible_clause
from marsad.store.accounts import collection_members, collection_policy, organisations, read_grants, users
from marsad.store.collections import collection_objects, collections
from marsad.store.objects import object_releases, stix_objects

SA_ID = "identity--00000000-0000-4000-8000-000000000001"
EG_ID = "identity--00000000-0000-4000-8000-000000000002"
SEC_ID = "identity--00000000-0000-4000-8000-000000000003"
C1, C2 = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"


def viewer(**kw) -> Viewer:
    base = dict(username="ali", org_id="o-sa", org_name="SA CT", identity_id=SA_ID, country="SA",
                member_identities=frozenset({SA_ID, EG_ID, SEC_ID}))
    return Viewer(**{**base, **kw})


def obj(tlp=None, release_to=(), by=EG_ID, kind="indicator", stix_id="indicator--x") -> ObjectFacts:
    return ObjectFacts(stix_id=stix_id, type=kind, created_by_ref=by, tlp=tlp, release_to=tuple(release_to))


MEMBER = viewer(member_read=frozenset({C1}))
OUTSIDER = viewer()


def test_originator_always_sees_its_own_even_red_outside_collections():
    assert can_see(OUTSIDER, obj("red", by=SA_ID), [])


@pytest.mark.parametrize("tlp", ["clear", "green", None])
def test_community_levels_need_a_reading_membership(tlp):
    assert can_see(MEMBER, obj(tlp), [C1])
    assert not can_see(MEMBER, obj(tlp), [C2])
    assert not can_see(OUTSIDER, obj(tlp), [C1])


def test_clear_reaches_open_collections_but_green_does_not():
    open_viewer = viewer(open_read=frozenset({C1}))
    assert can_see(open_viewer, obj("clear"), [C1])
    assert not can_see(open_viewer, obj("green"), [C1])


def test_amber_list_by_identity_state_or_user_and_member_fallback():
    assert can_see(OUTSIDER, obj("amber", [SA_ID]), [C2])
    assert can_see(OUTSIDER, obj("amber", ["SA"]), [])
    assert can_see(OUTSIDER, obj("amber", ["user:ali"]), [])
    assert not can_see(MEMBER, obj("amber", ["EG"]), [C1]), "a list replaces the community"
    assert can_see(MEMBER, obj("amber"), [C1])


def test_amber_strict_without_list_is_originator_only():
    assert not can_see(MEMBER, obj("amber+strict"), [C1])
    assert can_see(MEMBER, obj("amber+strict", ["SA"]), [C1])


def test_red_names_recipients_not_states():
    assert can_see(OUTSIDER, obj("red", [SA_ID]), [])
    assert can_see(OUTSIDER, obj("red", ["user:ali"]), [])
    assert not can_see(MEMBER, obj("red", ["SA"]), [C1])
    assert not can_see(MEMBER, obj("red"), [C1])


def test_secretariat_has_no_special_right_and_is_not_named_by_its_seat_state():
    secretariat = viewer(identity_id=SEC_ID, country="EG", is_secretariat=True)
    assert not can_see(secretariat, obj("amber", ["EG"]), [C1])
    assert not can_see(secretariat, obj("green"), [C1])
    granted = viewer(identity_id=SEC_ID, country="EG", is_secretariat=True, grants={C1: "amber"})
    assert can_see(granted, obj("amber", ["MA"]), [C1]) and can_see(granted, obj(None), [C1])
    assert not can_see(granted, obj("amber+strict", ["MA"]), [C1])
    assert not can_see(granted, obj("amber", ["MA"]), [C2])


def test_reference_objects_are_clear():
    for facts in (obj("red", kind="marking-definition", stix_id="marking-definition--x"),
                  obj(None, kind="identity", stix_id=EG_ID)):
        assert can_see(MEMBER, facts, [C1])
    assert not can_see(MEMBER, obj("red", kind="identity", stix_id="identity--someone-else"), [C1])


def test_object_facts_reads_rows_and_mappings():
    facts = object_facts({"id": "indicator--1", "tlp": "amber", "release_to": ["SA"]})
    assert facts.type == "indicator" and facts.release_to == ("SA",)
    with pytest.raises(TypeError):
        object_facts(42)


# --- the SQL clause selects exactly what the predicate allows ---------------------------------------------------

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


def _store_world(conn, world) -> dict[int, tuple[ObjectFacts, frozenset[str]]]:
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
        stix_id = ORG_IDS[o["own_id"]] if own else f"{kind}--00000000-0000-4000-8000-{n:012d}"
        pk = conn.execute(insert(stix_objects).values(
            stix_id=stix_id, type=kind, spec_version="2.1", created=T0, modified=T0 + timedelta(seconds=n),
            date_added=T0, created_by_ref=o["by"], tlp=o["tlp"], release_to=o["release_to"] or None,
            marking_refs=[], revoked=False, content_hash="0" * 64, search_text="", object={"id": stix_id},
        ).returning(stix_objects.c.pk)).scalar_one()
        for entry in o["release_to"]:
            conn.execute(insert(object_releases).values(object_pk=pk, entry=entry))
        for cid in o["collections"]:
            conn.execute(insert(collection_objects).values(collection_id=cid, object_pk=pk, date_added=T0))
        facts = ObjectFacts(stix_id, kind, o["by"], o["tlp"], tuple(o["release_to"]))
        stored[pk] = (facts, frozenset(o["collections"]))
    return stored


def _sql_visible(conn, who: Viewer, collection_id=None) -> set[int]:
    query = select(stix_objects.c.pk).where(visible_clause(who, collection_id))
    return set(conn.execute(query).scalars())


#: database-backed properties: moderate example counts, and no shrinking (each step rewrites a database, which
#: could take minutes); a failure still prints the generated world that broke the equivalence
DB_SETTINGS = settings(max_examples=30, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
                       suppress_health_check=[HealthCheck.function_scoped_fixture])


@DB_SETTINGS
@given(world=world_st)
def test_sql_clause_selects_exactly_what_can_see_allows(engine, world):
    with engine.begin() as conn:
        stored = _store_world(conn, world)
        for i in range(len(world["orgs"])):
            who = load_viewer(conn, f"u{i}")
            expected = {pk for pk, (facts, cols) in stored.items() if can_see(who, facts, cols)}
            assert _sql_visible(conn, who) == expected, who
            for cid in COLLECTIONS:
                expected = {pk for pk, (facts, cols) in stored.items() if can_see(who, facts, cols & {cid})}
                assert _sql_visible(conn, who, cid) == expected, (who, cid)
        conn.rollback()
