"""Session tokens: valid until expiry, and ended by tampering, a new password, a disabled user or a new key."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marsad.access import accounts
from marsad.access.sessions import authenticate_session, issue_session
from marsad.errors import AuthenticationError, ConfigError
from marsad.store.accounts import utcnow

KEY = "k" * 40
PASSWORD = "correct horse battery"


@pytest.fixture
def token(engine):
    accounts.create_organisation(engine, "SA CT", "SA")
    accounts.create_user(engine, "ali", "SA CT", "analyst", PASSWORD)
    return issue_session(engine, KEY, "ali")


def test_valid_session_gives_the_viewer(engine, token):
    assert authenticate_session(engine, KEY, token).username == "ali"


@pytest.mark.parametrize("change", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
    lambda t: "x" + t,
    lambda t: t.split(".")[0],
    lambda t: "",
])
def test_tampered_tokens_are_refused(engine, token, change):
    with pytest.raises(AuthenticationError):
        authenticate_session(engine, KEY, change(token))


def test_expiry_password_change_disable_and_key_change_end_sessions(engine, token):
    with pytest.raises(AuthenticationError):
        authenticate_session(engine, KEY, token, now=utcnow() + timedelta(hours=9))
    with pytest.raises(AuthenticationError):
        authenticate_session(engine, "other-key-" * 4, token)
    accounts.set_password(engine, "ali", PASSWORD + " again")
    with pytest.raises(AuthenticationError):
        authenticate_session(engine, KEY, token)
    fresh = issue_session(engine, KEY, "ali")
    accounts.set_active(engine, "ali", False)
    with pytest.raises(AuthenticationError):
        authenticate_session(engine, KEY, fresh)
    with pytest.raises(AuthenticationError):
        issue_session(engine, KEY, "ali")


def test_short_key_is_a_configuration_error(engine, token):
    with pytest.raises(ConfigError):
        issue_session(engine, "short", "ali")
