"""Organisation pages: registry names in three languages; activity, charts and links over visible incidents only."""

from __future__ import annotations

import re

import pytest

from marsad.web import routes_pages_orgs
from tests.web.pages2_world import signed_in


@pytest.fixture
def as_user(make_client):
    return lambda user, lang="en": signed_in(make_client, user, routes_pages_orgs, lang=lang)


def _visible(html: str) -> int:
    return int(re.search(r'data-visible-incidents="(\d+)"', html).group(1))


def test_profile_counts_only_what_the_viewer_may_see(as_user):
    saudi, jordan = as_user("sa_analyst").get("/organisations/isil"), as_user("jo_analyst").get("/organisations/isil")
    assert saudi.status_code == jordan.status_code == 200
    assert _visible(saudi.text) == _visible(jordan.text) + 1  # the AMBER report released to SA only
    assert "Riyadh" in saudi.text and "Confidential" in saudi.text
    assert "Riyadh" not in jordan.text and "Confidential" not in jordan.text
    assert "<svg" in jordan.text and 'role="img"' in jordan.text


def test_profile_names_in_three_languages(as_user):
    page = as_user("jo_analyst", "fr").get("/organisations/isil")
    assert "État islamique" in page.text and "تنظيم الدولة الإسلامية" in page.text
    assert "Islamic State of Iraq and the Levant" in page.text
    assert 'href="/organisations/isil-sinai"' in page.text  # a branch


def test_listing_and_search(as_user):
    http = as_user("jo_analyst")
    listing = http.get("/organisations")
    assert 'data-org="isil"' in listing.text and "onmouseover" not in listing.text
    found = http.get("/organisations", params={"q": "داعش"})
    assert 'data-org="isil"' in found.text
    assert http.get("/organisations/no-such-group").status_code == 404


def test_a_group_without_visible_incidents_shows_none(as_user):
    page = as_user("jo_analyst").get("/organisations/al-shabaab")
    assert page.status_code == 200 and _visible(page.text) == 0
