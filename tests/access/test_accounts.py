"""Accounts: organisations, users and API keys — validation, conflicts, keys shown once, every change audited."""

from __future__ import annotations

import pytest

from marsad.access import accounts
from marsad.access.audit import export_entries, verify_chain
from marsad.errors import Conflict, InputError, NotFound

PASSWORD = "correct horse battery"


@pytest.fixture
def org(engine):
    return accounts.create_organisation(engine, "Saudi CT Unit", "sa")


def test_organisation_gets_identity_and_upper_country(engine, org):
    assert org.country == "SA" and org.identity_id.startswith("identity--") and not org.is_secretariat
    assert accounts.get_organisation(engine, org.identity_id) == org
    sec = accounts.create_organisation(engine, "Secretariat", "EG", secretariat=True,
                                       identity_id="identity--5b1b6c11-56e7-4a5e-bd36-1a2b3c4d5e6f")
    assert sec.is_secretariat and [o.name for o in accounts.list_organisations(engine)] == ["Saudi CT Unit",
                                                                                             "Secretariat"]


@pytest.mark.parametrize("name,country,identity", [("", "SA", None), ("X", "ZZ", None), ("X", "Saudi", None),
                                                   ("X", "SA", "indicator--1")])
def test_bad_organisations_are_refused(engine, name, country, identity):
    with pytest.raises(InputError):
        accounts.create_organisation(engine, name, country, identity_id=identity)


def test_duplicate_organisation_is_a_conflict(engine, org):
    with pytest.raises(Conflict):
        accounts.create_organisation(engine, "Saudi CT Unit", "SA")


def test_users_roles_and_listing(engine, org):
    user = accounts.create_user(engine, "Ali.H", org.name, "analyst", PASSWORD, language="en")
    assert (user.username, user.org, user.role, user.language, user.has_password) == ("ali.h", org.name, "analyst",
                                                                                     "en", True)
    keys_only = accounts.create_user(engine, "peer-hub", org.id, "liaison")
    assert not keys_only.has_password
    assert [u.username for u in accounts.list_users(engine, org.name)] == ["ali.h", "peer-hub"]
    assert accounts.get_user(engine, "ALI.H").role == "analyst"
    with pytest.raises(Conflict):
        accounts.create_user(engine, "ali.h", org.name, "analyst", PASSWORD)


@pytest.mark.parametrize("kwargs", [dict(username="a b"), dict(role="root"), dict(password="short"),
                                    dict(language="de"), dict(org="Nobody")])
def test_bad_users_are_refused(engine, org, kwargs):
    args = dict(username="ali", org=org.name, role="analyst", password=PASSWORD, language="ar", **{})
    args.update(kwargs)
    with pytest.raises(NotFound if "org" in kwargs else InputError):
        accounts.create_user(engine, args.pop("username"), args.pop("org"), args.pop("role"), args.pop("password"),
                             language=args.pop("language"))


def test_api_keys_are_shown_once_and_revocable(engine, org):
    accounts.create_user(engine, "ali", org.name, "analyst", PASSWORD)
    key, info = accounts.create_api_key(engine, "ali", label="TAXII peer")
    assert key.startswith(f"msd_{info.prefix}_") and len(key) > 50
    listed = accounts.list_api_keys(engine, "ali")
    assert [k.prefix for k in listed] == [info.prefix] and key not in repr(listed)
    accounts.revoke_api_key(engine, key)
    assert accounts.list_api_keys(engine)[0].revoked
    with pytest.raises(NotFound):
        accounts.revoke_api_key(engine, "nope")


def test_password_and_activity_changes(engine, org):
    accounts.create_user(engine, "ali", org.name, "analyst", PASSWORD)
    accounts.set_active(engine, "ali", False, actor="admin1")
    assert not accounts.get_user(engine, "ali").active
    with pytest.raises(InputError):
        accounts.set_password(engine, "ali", "short")
    with pytest.raises(NotFound):
        accounts.set_password(engine, "ghost", PASSWORD)


def test_every_change_is_audited_and_failed_ones_are_not_half_written(engine, org):
    accounts.create_user(engine, "ali", org.name, "analyst", PASSWORD, actor="admin1")
    with pytest.raises(Conflict):
        accounts.create_user(engine, "ali", org.name, "analyst", PASSWORD)
    changes = [(e["actor"], e["detail"]["change"]) for e in export_entries(engine)]
    assert changes == [("system", "org.add"), ("admin1", "user.add")]
    assert PASSWORD not in str(list(export_entries(engine)))
    assert verify_chain(engine).ok
