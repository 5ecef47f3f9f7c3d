"""Membership, open collections and read grants: what administrators set is what the viewer carries."""

from __future__ import annotations

import pytest

from marsad.access import accounts, memberships
from marsad.access.audit import export_entries
from marsad.access.context import load_viewer
from marsad.errors import InputError, NotFound
from marsad.store.collections import create_collection


@pytest.fixture
def world(engine):
    accounts.create_organisation(engine, "SA CT", "SA")
    accounts.create_organisation(engine, "Secretariat", "EG", secretariat=True)
    accounts.create_user(engine, "ali", "SA CT", "analyst")
    accounts.create_user(engine, "sec", "Secretariat", "auditor")
    with engine.begin() as conn:
        shared = create_collection(conn, "Shared", alias="shared")
        other = create_collection(conn, "Other")
    return shared, other


def test_membership_rights_reach_the_viewer(engine, world):
    shared, other = world
    memberships.set_membership(engine, "shared", "SA CT", read=True, write=True)
    memberships.set_membership(engine, other.id, "SA CT", read=False, write=True)
    with engine.connect() as conn:
        ali = load_viewer(conn, "ali")
    assert ali.member_read == {shared.id} and ali.member_write == {shared.id, other.id}
    assert ali.can_read_collection(shared.id) and not ali.can_read_collection(other.id)
    memberships.set_membership(engine, "shared", "SA CT", read=True, write=False)  # replaces
    assert [(m.org, m.can_read, m.can_write) for m in memberships.list_memberships(engine, "shared")] == [
        ("SA CT", True, False)]
    memberships.remove_membership(engine, "shared", "SA CT")
    with pytest.raises(NotFound):
        memberships.remove_membership(engine, "shared", "SA CT")
    with pytest.raises(InputError):
        memberships.set_membership(engine, "shared", "SA CT", read=False, write=False)


def test_open_collections_and_grants(engine, world):
    shared, _ = world
    memberships.set_open_read(engine, "shared", True)
    assert memberships.open_collections(engine) == {shared.id}
    memberships.grant_read(engine, "shared", "Secretariat", max_tlp="amber", reason="annual report", actor="admin1")
    with engine.connect() as conn:
        sec = load_viewer(conn, "sec")
    assert sec.is_secretariat and sec.release_country is None
    assert sec.open_read == {shared.id} and dict(sec.grants) == {shared.id: "amber"}
    assert sec.readable == {shared.id} and not sec.can_write_collection(shared.id)
    memberships.revoke_read_grant(engine, "shared", "Secretariat")
    memberships.set_open_read(engine, "shared", False)
    with engine.connect() as conn:
        sec = load_viewer(conn, "sec")
    assert not sec.grants and not sec.open_read
    changes = [e["detail"]["change"] for e in export_entries(engine) if e["detail"]["change"].startswith("coll")]
    assert changes == ["collection.open", "collection.grant_read", "collection.revoke_read", "collection.close"]


@pytest.mark.parametrize("call", [
    lambda e: memberships.set_membership(e, "nope", "SA CT"),
    lambda e: memberships.set_membership(e, "shared", "Nobody"),
    lambda e: memberships.revoke_read_grant(e, "shared", "SA CT"),
])
def test_unknown_names_are_not_found(engine, world, call):
    with pytest.raises(NotFound):
        call(engine)


def test_grant_levels_are_checked(engine, world):
    with pytest.raises(InputError):
        memberships.grant_read(engine, "shared", "Secretariat", max_tlp="clear")
