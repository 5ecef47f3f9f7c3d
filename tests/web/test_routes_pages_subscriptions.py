"""Subscriptions page: a user's own only; the webhook secret shown once; bad channels refused clearly."""

from __future__ import annotations

import pytest

from marsad.monitor.subscriptions import list_subscriptions
from marsad.web import routes_pages_subscriptions
from tests.web.pages2_world import csrf, signed_in


@pytest.fixture
def as_user(make_client):
    return lambda user: signed_in(make_client, user, routes_pages_subscriptions)


def test_add_list_and_remove_own_subscription(as_user, seeded):
    http = as_user("jo_analyst")
    page = http.get("/subscriptions")
    made = http.post("/subscriptions", data={
        "csrf_token": csrf(page.text), "name": "Jordan bombings", "countries": ["JO"],
        "attack_types": ["Bombing/Explosion"], "groups": "ISIL، Other group", "min_killed": "2", "inapp": "true",
        "webhook_url": "https://hooks.example.org/marsad", "language": "fr"})
    assert made.status_code == 201 and 'class="secret"' in made.text
    [sub] = list_subscriptions(seeded.engine, "jo_analyst")
    assert sub.filters == {"countries": ["JO"], "attack_types": ["Bombing/Explosion"],
                           "groups": ["ISIL", "Other group"], "min_killed": 2}
    assert sub.language == "fr" and sub.webhook_secret and sub.webhook_secret not in http.get("/subscriptions").text
    other = as_user("sa_analyst")
    assert f'data-subscription="{sub.id}"' not in other.get("/subscriptions").text
    refused = other.post(f"/subscriptions/{sub.id}/delete", data={"csrf_token": csrf(other.get("/subscriptions").text)})
    assert refused.status_code == 404
    gone = http.post(f"/subscriptions/{sub.id}/delete", data={"csrf_token": csrf(page.text)}, follow_redirects=False)
    assert gone.status_code == 303 and list_subscriptions(seeded.engine, "jo_analyst") == []


@pytest.mark.parametrize("fields, words", [
    ({"webhook_url": "http://127.0.0.1/hook"}, "private"),
    ({"email": "not an address"}, "e-mail"),
    ({"min_killed": "-3"}, "min_killed"),
    ({"name": ""}, "name"),
])
def test_bad_subscriptions_are_refused_with_a_reason(as_user, seeded, fields, words):
    http = as_user("jo_analyst")
    data = {"csrf_token": csrf(http.get("/subscriptions").text), "name": "x", "inapp": "true", **fields}
    answer = http.post("/subscriptions", data=data)
    assert answer.status_code == 400 and words in answer.text.lower()
    assert list_subscriptions(seeded.engine, "jo_analyst") == []
