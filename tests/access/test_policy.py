"""The sharing policy: each rule in Python, then the SQL clause proven equal to it on generated data."""

from __future__ import annotations

import pytest
from hypothesis import given
from sqlalchemy import select

from marsad.access.context import Viewer, load_viewer
from marsad.access.policy import ObjectFacts, can_see, object_facts, visible_clause
from marsad.store.objects import stix_objects

from .worlds import C1, C2, COLLECTIONS, DB_SETTINGS, store_world, world_st

SA_ID = "identity--00000000-0000-4000-8000-000000000001"
EG_ID = "identity--00000000-0000-4000-8000-000000000002"
SEC_ID = "identity--00000000-0000-4000-8000-000000000003"


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
    with pytest.raises(TypeError, match="raw STIX"):
        object_facts({"id": "indicator--1", "type": "indicator", "object_marking_refs": ["marking-definition--x"]})


# --- the SQL clause selects exactly what the predicate allows ---------------------------------------------------

def _sql_visible(conn, who: Viewer, collection_id=None) -> set[int]:
    query = select(stix_objects.c.pk).where(visible_clause(who, collection_id))
    return set(conn.execute(query).scalars())


@DB_SETTINGS
@given(world=world_st)
def test_sql_clause_selects_exactly_what_can_see_allows(engine, world):
    with engine.begin() as conn:
        stored = store_world(conn, world)
        for i in range(len(world["orgs"])):
            who = load_viewer(conn, f"u{i}")
            expected = {pk for pk, (facts, cols, _) in stored.items() if can_see(who, facts, cols)}
            assert _sql_visible(conn, who) == expected, who
            for cid in COLLECTIONS:
                expected = {pk for pk, (facts, cols, _) in stored.items() if can_see(who, facts, cols & {cid})}
                assert _sql_visible(conn, who, cid) == expected, (who, cid)
        conn.rollback()
