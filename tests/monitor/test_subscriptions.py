"""Subscriptions: filters and channels validated with messages naming the fault; users manage only their own."""

from __future__ import annotations

import pytest

from marsad.errors import Conflict, InputError, NotFound
from marsad.monitor.subscriptions import (
    active_subscriptions,
    create_subscription,
    delete_subscription,
    is_private_host,
    list_subscriptions,
    validate_email,
    validate_filters,
    validate_webhook_url,
)
from tests.monitor.alert_world import alert_world


@pytest.fixture
def engine(tmp_path):
    engine, _, _ = alert_world(f"sqlite:///{tmp_path / 'm.db'}")
    yield engine
    engine.dispose()


def test_filters_are_normalised():
    clean = validate_filters({"countries": ["jo", "JO", "sa"], "regions": {"maghreb": ["ma", "DZ"]},
                              "attack_types": ["Armed Assault"], "themes": "drones", "min_killed": 3,
                              "keywords": [" سوق "], "groups": [], "min_wounded": None})
    assert clean == {"countries": ["JO", "SA"], "regions": {"maghreb": ["MA", "DZ"]},
                     "attack_types": ["Armed Assault"], "themes": ["drones"], "min_killed": 3, "keywords": ["سوق"]}
    assert validate_filters(None) == {}


@pytest.mark.parametrize("filters, named", [
    ({"countries": ["XX"]}, "'XX'"),
    ({"regions": {"gulf": ["SA", "ZZ"]}}, "'ZZ'"),
    ({"attack_types": ["Cyber attack"]}, "Cyber attack"),
    ({"themes": ["weather"]}, "weather"),
    ({"min_killed": -1}, "min_killed"),
    ({"min_casualties": True}, "min_casualties"),
    ({"keywords": [""]}, "keywords"),
    ({"colour": ["red"]}, "colour"),
    ({"regions": ["SA"]}, "regions"),
])
def test_bad_filters_are_refused_naming_the_fault(filters, named):
    with pytest.raises(InputError, match=named):
        validate_filters(filters)


@pytest.mark.parametrize("url", ["ftp://example.org/x", "example.org/hook", "http://", "https://u:p@example.org/"])
def test_bad_webhook_urls_are_refused(url):
    with pytest.raises(InputError):
        validate_webhook_url(url)


@pytest.mark.parametrize("host", ["127.0.0.1", "10.1.2.3", "192.168.0.1", "169.254.169.254", "::1", "localhost"])
def test_private_hosts_are_refused_unless_allowed(host):
    url = f"http://{'[' + host + ']' if ':' in host else host}:8080/hook"
    assert is_private_host(host)
    with pytest.raises(InputError, match="private or loopback"):
        validate_webhook_url(url)
    assert validate_webhook_url(url, allow_private=True) == url
    assert not is_private_host("8.8.8.8") and not is_private_host("hooks.example.org")


@pytest.mark.parametrize("address", ["nobody", "a@b", "a b@example.org", "@example.org"])
def test_bad_email_addresses_are_refused(address):
    with pytest.raises(InputError, match="e-mail"):
        validate_email(address)


def test_create_list_delete_own_subscriptions(engine):
    sub = create_subscription(engine, "jo", "Jordan bombings", {"countries": ["JO"]}, language="en",
                              webhook_url="https://hooks.example.org/marsad", email="ops@example.org")
    assert sub.webhook_secret and len(sub.webhook_secret) >= 32
    assert "webhook_secret" not in sub.public()
    assert [s.name for s in list_subscriptions(engine, "jo")] == ["Jordan bombings"]
    assert list_subscriptions(engine, "sa") == []
    assert [s.id for s in active_subscriptions(engine)] == [sub.id]
    with pytest.raises(NotFound):
        delete_subscription(engine, "sa", sub.id)  # not theirs
    delete_subscription(engine, "jo", sub.id)
    assert list_subscriptions(engine, "jo") == []


def test_duplicate_names_conflict_and_channels_are_required(engine):
    create_subscription(engine, "jo", "mine", {})
    with pytest.raises(Conflict, match="mine"):
        create_subscription(engine, "jo", "mine", {})
    with pytest.raises(InputError, match="channel"):
        create_subscription(engine, "jo", "silent", {}, inapp=False)
    with pytest.raises(InputError, match="language"):
        create_subscription(engine, "jo", "x", {}, language="de")
    with pytest.raises(InputError, match="secret"):
        create_subscription(engine, "jo", "y", {}, webhook_url="https://example.org/h", webhook_secret="short")
    with pytest.raises(NotFound):
        create_subscription(engine, "nobody", "z", {})
    assert [s.name for s in list_subscriptions(engine, "jo")] == ["mine"]
