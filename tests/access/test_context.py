"""The viewer snapshot: loaded from the account tables, frozen, and refusing unknown or disabled users."""

from __future__ import annotations

import dataclasses

import pytest

from marsad.access import accounts
from marsad.access.context import Viewer, load_viewer
from marsad.errors import AccessDenied, NotFound


def test_load_viewer_reads_identity_country_roles_and_registry(engine):
    sa = accounts.create_organisation(engine, "SA CT", "SA")
    eg = accounts.create_organisation(engine, "EG CT", "EG")
    accounts.create_user(engine, "ali", "SA CT", "liaison", language="fr")
    with engine.connect() as conn:
        ali = load_viewer(conn, "ali")
    assert (ali.identity_id, ali.country, ali.release_country, ali.language) == (sa.identity_id, "SA", "SA", "fr")
    assert ali.has_role("liaison", "admin") and not ali.has_role("admin")
    assert ali.member_identities == {sa.identity_id, eg.identity_id} and ali.user_entry == "user:ali"
    with pytest.raises(dataclasses.FrozenInstanceError):
        ali.username = "bob"


def test_unknown_and_disabled_users_have_no_viewer(engine):
    accounts.create_organisation(engine, "SA CT", "SA")
    accounts.create_user(engine, "ali", "SA CT", "analyst")
    accounts.set_active(engine, "ali", False)
    with engine.connect() as conn:
        for name in ("ali", "ghost"):
            with pytest.raises(NotFound):
                load_viewer(conn, name)
        assert load_viewer(conn, "ali", require_active=False).username == "ali"


def test_grants_mapping_cannot_be_changed():
    viewer = Viewer(username="x", grants={"c": "amber"})
    with pytest.raises(TypeError):
        viewer.grants["c"] = "red"


def test_require_role():
    auditor = Viewer(username="amal", roles=frozenset({"auditor"}))
    auditor.require_role("admin", "auditor", to="read the audit trail")
    with pytest.raises(AccessDenied, match="needs the role admin"):
        auditor.require_role("admin", to="add users")
