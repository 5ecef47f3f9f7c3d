"""Signing TAXII requests in: Basic (cached, rights still read fresh), API keys (never cached), audited failures."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

from marsad.access.accounts import create_api_key, revoke_api_key, set_active
from marsad.access.memberships import remove_membership, set_membership
from marsad.errors import AuthenticationError
from marsad.exchange.taxii import authn
from marsad.exchange.taxii.authn import CredentialCache, authenticate_request
from marsad.store.audit import audit_log
from taxii_world import PASSWORD, build_world


@pytest.fixture
def world(tmp_path):
    made = build_world(f"sqlite:///{(tmp_path / 'm.db').as_posix()}", api_keys=False)
    yield made
    made.engine.dispose()


def basic(user: str, password: str = PASSWORD) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_cached_basic_still_reads_rights_fresh(world):
    cache = CredentialCache(ttl=60)
    first = authenticate_request(world.engine, cache, basic("jo_analyst"), None)
    assert first.can_read_collection(world.collections["sa-jo"])
    assert cache.get(basic("jo_analyst")) == "jo_analyst"
    remove_membership(world.engine, "sa-jo", world.orgs["jo"].name)
    again = authenticate_request(world.engine, cache, basic("jo_analyst"), None)
    assert not again.can_read_collection(world.collections["sa-jo"])
    set_membership(world.engine, "sa-jo", world.orgs["jo"].name, read=True, write=True)


def test_disabled_user_is_refused_even_when_cached(world):
    cache = CredentialCache(ttl=60)
    authenticate_request(world.engine, cache, basic("eg_analyst"), None)
    set_active(world.engine, "eg_analyst", False)
    with pytest.raises(AuthenticationError):
        authenticate_request(world.engine, cache, basic("eg_analyst"), None)


def test_expired_cache_entries_are_forgotten():
    cache = CredentialCache(ttl=-1)
    cache.put("Basic abc", "someone")
    assert cache.get("Basic abc") is None


def test_api_keys_by_bearer_or_header_and_revocation_is_immediate(world):
    cache = CredentialCache()
    key, _ = create_api_key(world.engine, "sa_analyst")
    assert authenticate_request(world.engine, cache, f"Bearer {key}", None).username == "sa_analyst"
    assert authenticate_request(world.engine, cache, None, key).username == "sa_analyst"
    revoke_api_key(world.engine, key)
    with pytest.raises(AuthenticationError):
        authenticate_request(world.engine, cache, None, key)


def test_failures_are_401_and_audited_without_the_secret(world):
    cache = CredentialCache()
    with pytest.raises(AuthenticationError):
        authenticate_request(world.engine, cache, None, None)
    with pytest.raises(AuthenticationError):
        authenticate_request(world.engine, cache, basic("sa_analyst", "guess guess guess"), None,
                             remote_addr="198.51.100.9")
    with world.engine.connect() as conn:
        denial = conn.execute(select(audit_log).where(audit_log.c.action == "deny")
                              .order_by(audit_log.c.seq.desc())).first()
    assert denial.remote_addr == "198.51.100.9" and denial.detail["attempted"] == "sign-in"
    assert "guess" not in str(denial.detail) and "Basic" == denial.detail["scheme"]


def test_rights_ttl_reuses_the_rights_read_then_reads_them_again(world, monkeypatch):
    cache = CredentialCache(ttl=60, rights_ttl=2)
    first = authenticate_request(world.engine, cache, basic("jo_analyst"), None)
    remove_membership(world.engine, "sa-jo", world.orgs["jo"].name)
    try:
        assert authenticate_request(world.engine, cache, basic("jo_analyst"), None) is first
        assert cache.viewer(basic("sa_analyst")) is None  # another header: nothing reused
        later = authn.time.monotonic() + 3
        monkeypatch.setattr(authn.time, "monotonic", lambda: later)
        again = authenticate_request(world.engine, cache, basic("jo_analyst"), None)
        assert not again.can_read_collection(world.collections["sa-jo"])
    finally:
        set_membership(world.engine, "sa-jo", world.orgs["jo"].name, read=True, write=True)


def test_rights_are_not_reused_without_a_rights_ttl(world):
    cache = CredentialCache(ttl=60)
    first = authenticate_request(world.engine, cache, basic("jo_analyst"), None)
    assert cache.viewer(basic("jo_analyst")) is None
    assert authenticate_request(world.engine, cache, basic("jo_analyst"), None) is not first
