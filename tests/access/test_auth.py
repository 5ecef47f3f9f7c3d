"""Authentication: argon2 passwords, SHA-256 API keys, HTTP headers; every failure looks the same."""

from __future__ import annotations

import base64
import time

import pytest
from sqlalchemy import select, update

from marsad.access import accounts
from marsad.access.auth import (
    authenticate_basic,
    authenticate_header,
    authenticate_key,
    hash_password,
    new_api_key,
    split_api_key,
    verify_password,
)
from marsad.errors import AuthenticationError, InputError
from marsad.store.accounts import api_keys

PASSWORD = "correct horse battery"


@pytest.fixture
def ali(engine):
    accounts.create_organisation(engine, "SA CT", "SA")
    accounts.create_user(engine, "ali", "SA CT", "analyst", PASSWORD)
    return "ali"


def test_password_hashing():
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert verify_password(stored, PASSWORD) and not verify_password(stored, PASSWORD + "!")
    assert not verify_password(None, PASSWORD) and not verify_password("garbage", PASSWORD)
    with pytest.raises(InputError):
        hash_password("short")


def test_keys_are_random_and_split():
    key, prefix, digest = new_api_key()
    assert split_api_key(key)[0] == prefix and len(digest) == 64 and new_api_key()[0] != key
    for bad in ("", "msd__x", "abc_1_2", "msd_only"):
        with pytest.raises(AuthenticationError):
            split_api_key(bad)


def test_basic_gives_the_viewer(engine, ali):
    viewer = authenticate_basic(engine, "ALI", PASSWORD)
    assert viewer.username == "ali" and viewer.org_name == "SA CT" and viewer.roles == {"analyst"}


@pytest.mark.parametrize("username,password", [("ali", "wrong password"), ("nobody", PASSWORD), ("", "")])
def test_basic_failures_look_alike(engine, ali, username, password):
    with pytest.raises(AuthenticationError, match="wrong username, password or API key"):
        authenticate_basic(engine, username, password)


def test_disabled_user_cannot_sign_in_or_use_keys(engine, ali):
    key, _ = accounts.create_api_key(engine, "ali")
    accounts.set_active(engine, "ali", False)
    with pytest.raises(AuthenticationError):
        authenticate_basic(engine, "ali", PASSWORD)
    with pytest.raises(AuthenticationError):
        authenticate_key(engine, key)


def test_api_key_auth_records_use_and_revocation_ends_it(engine, ali):
    key, info = accounts.create_api_key(engine, "ali")
    assert authenticate_key(engine, key).username == "ali"
    with engine.connect() as conn:
        assert conn.execute(select(api_keys.c.last_used)).scalar() is not None
    prefix, secret = split_api_key(key)
    for wrong in (f"msd_{prefix}_{secret[:-1]}x", f"msd_000000000000_{secret}"):
        with pytest.raises(AuthenticationError):
            authenticate_key(engine, wrong)
    accounts.revoke_api_key(engine, info.prefix)
    with pytest.raises(AuthenticationError):
        authenticate_key(engine, key)


def test_authorization_headers(engine, ali):
    key, _ = accounts.create_api_key(engine, "ali")
    basic = "Basic " + base64.b64encode(f"ali:{PASSWORD}".encode()).decode()
    assert authenticate_header(engine, basic).username == "ali"
    assert authenticate_header(engine, f"Bearer {key}").username == "ali"
    for bad in (None, "", "Digest abc", "Basic !!!", "Basic " + base64.b64encode(b"no-colon").decode()):
        with pytest.raises(AuthenticationError):
            authenticate_header(engine, bad)


def test_works_inside_a_callers_connection(engine, ali):
    with engine.begin() as conn:
        assert authenticate_basic(conn, "ali", PASSWORD).username == "ali"


def test_a_locked_database_does_not_stall_or_fail_key_sign_in(engine, ali):
    key, _ = accounts.create_api_key(engine, "ali")
    with engine.connect() as blocker:
        blocker.execute(update(api_keys).values(label="held by a long import"))  # holds the lock, uncommitted
        started = time.monotonic()
        assert authenticate_key(engine, key).username == "ali"
        assert time.monotonic() - started < 5
        blocker.rollback()
    with engine.connect() as conn:
        assert conn.execute(select(api_keys.c.last_used)).scalar() is None  # the bookkeeping was skipped
