"""Lower-layer errors (accounts, passwords, roles, throttle) shown on pages in the page's language: each error is
raised by the real lower-layer code, so a reworded message that no longer matches its pattern fails here."""

from __future__ import annotations

import asyncio

import pytest
from starlette.requests import Request

from marsad.access import accounts
from marsad.access.auth import hash_password
from marsad.access.context import Viewer
from marsad.errors import MarsadError
from marsad.monitor.sharing import not_sharer, share_incident
from marsad.store.engine import make_engine
from marsad.store.base import metadata
from marsad.web.error_messages import ERROR_MESSAGES, error_code, localise_error
from marsad.web.web_auth import SignInThrottle, check_csrf


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    metadata.create_all(engine)
    accounts.create_organisation(engine, "JO unit", "JO")
    accounts.create_user(engine, "ali", "JO unit", "analyst", "a long enough password")
    return engine


def _raised(call) -> MarsadError:
    with pytest.raises(MarsadError) as caught:
        call()
    return caught.value


def _lower_layer_errors(engine) -> dict[str, MarsadError]:
    throttle = SignInThrottle(per_user=1)
    throttle.failed("ali", "10.0.0.1")
    return {
        "state_code": _raised(lambda: accounts.create_organisation(engine, "X", "ZZ")),
        "username": _raised(lambda: accounts.create_user(engine, "<b>", "JO unit", "analyst", None)),
        "org_name": _raised(lambda: accounts.create_organisation(engine, "", "JO")),
        "identity_id": _raised(lambda: accounts.create_organisation(engine, "Y", "JO", identity_id="nope")),
        "org_taken": _raised(lambda: accounts.create_organisation(engine, "JO unit", "JO")),
        "no_org": _raised(lambda: accounts.create_user(engine, "sami", "Nowhere", "analyst", None)),
        "role": _raised(lambda: accounts.create_user(engine, "sami", "JO unit", "king", None)),
        "language": _raised(lambda: accounts.create_user(engine, "sami", "JO unit", "analyst", None, language="de")),
        "user_taken": _raised(lambda: accounts.create_user(engine, "ali", "JO unit", "analyst", None)),
        "no_user": _raised(lambda: accounts.set_active(engine, "ghost", False)),
        "not_key": _raised(lambda: accounts.revoke_api_key(engine, "msd_x")),
        "no_key": _raised(lambda: accounts.revoke_api_key(engine, "zzzzzzzz")),
        "short_password": _raised(lambda: hash_password("short")),
        "role_needed": _raised(lambda: Viewer(username="ali", org_id="o", roles=frozenset({"analyst"})).require_role(
            "admin", to="administer")),
        "throttled": _raised(lambda: throttle.check("ali", "10.0.0.1")),
        "not_sharer": not_sharer(Viewer(username="ali")),
        "csrf": _raised(lambda: asyncio.run(check_csrf(Request({"type": "http", "method": "POST", "headers": []})))),
        "no_incident": _raised(lambda: share_incident(engine, Viewer(username="ali"), "incident--x", tlp="clear")),
    }


def test_every_known_message_is_recognised_from_the_real_error(engine):
    raised = _lower_layer_errors(engine)
    assert set(raised) == {m.code for m in ERROR_MESSAGES}
    for code, exc in raised.items():
        found = error_code(exc.message)
        assert found is not None and found[0] == code, (code, exc.message)


def test_arabic_and_french_with_the_values_named(engine):
    raised = _lower_layer_errors(engine)
    assert localise_error(raised["user_taken"], "ar") == "يوجد مستخدم باسم «ali» بالفعل."
    assert localise_error(raised["user_taken"], "fr") == "Un utilisateur nommé « ali » existe déjà."
    assert localise_error(raised["user_taken"], "en") == "A user named “ali” already exists."
    assert "١٠" in localise_error(raised["short_password"], "ar")
    for exc in raised.values():
        for lang in ("ar", "fr"):
            text = localise_error(exc, lang)
            assert text != exc.message and "%(" not in text


def test_unknown_messages_are_shown_as_they_are():
    assert localise_error("the disk is on fire", "ar") == "the disk is on fire"
    assert localise_error(None, "ar") == ""
