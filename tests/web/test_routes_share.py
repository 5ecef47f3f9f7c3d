"""The share action on the incident page: the originator widens the marking (CSRF, audited, new version); a
state newly on the list sees the incident, and not before; narrowing refused with the reason; others 403/404."""

from __future__ import annotations

import re

from marsad.web import app as web_app
from marsad.web import routes_share
from tests.web.page_world import sign_in


def _token(client) -> str:
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get("/").text).group(1)


def test_widening_lets_a_newly_listed_state_see_it(make_client, seeded):
    assert routes_share in web_app.ROUTE_MODULES
    amber = seeded.incidents["amber_sa"]["id"]
    jordan, saudi = make_client(), make_client()
    sign_in(jordan, "jo_analyst")
    sign_in(saudi, "sa_analyst")
    assert jordan.get(f"/incidents/{amber}").status_code == 404  # before: not released to Jordan
    page = saudi.get(f"/incidents/{amber}").text
    assert f'action="/incidents/{amber}/share"' in page and 'value="JO"' in page
    assert "لا يمكن استرجاع ما سبقت مشاركته" in page  # the page says sharing cannot be narrowed
    no_token = saudi.post(f"/incidents/{amber}/share", data={"release_to": "JO"}, follow_redirects=False)
    assert no_token.status_code == 403
    done = saudi.post(f"/incidents/{amber}/share", data={"csrf_token": _token(saudi), "tlp": "amber",
                                                         "release_to": "JO"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("?saved=shared")
    after = jordan.get(f"/incidents/{amber}")
    assert after.status_code == 200 and "checkpoint" in after.text
    eg_unit = seeded.world.orgs["eg"]
    saudi.post(f"/incidents/{amber}/share", data={"csrf_token": _token(saudi), "release_to": eg_unit.identity_id})
    banner = saudi.get(f"/incidents/{amber}").text.split('class="tlp-release"', 1)[1].split("</span>", 1)[0]
    assert f"<bdi>{eg_unit.name}</bdi>" in banner and "identity--" not in banner
    assert f'action="/incidents/{amber}/share"' not in after.text  # Jordan sees it but may not share it


def test_narrowing_is_refused_with_the_reason(make_client, seeded):
    amber = seeded.incidents["amber_sa"]["id"]
    saudi = make_client()
    sign_in(saudi, "sa_analyst")
    refused = saudi.post(f"/incidents/{amber}/share?lang=en", data={"csrf_token": _token(saudi), "tlp": "red"})
    assert refused.status_code == 409
    assert "A stricter TLP cannot be set: what was already shared cannot be recalled." in refused.text
    arabic = saudi.post(f"/incidents/{amber}/share?lang=ar", data={"csrf_token": _token(saudi), "tlp": "green"})
    assert arabic.status_code == 409 and "يتجاهل" in arabic.text
    bad = saudi.post(f"/incidents/{amber}/share", data={"csrf_token": _token(saudi), "tlp": "purple"})
    assert bad.status_code == 400


def test_others_are_refused_like_the_policy_says(make_client, seeded):
    jordan = make_client()
    sign_in(jordan, "jo_analyst")
    token = _token(jordan)
    hidden = jordan.post(f"/incidents/{seeded.incidents['amber_sa']['id']}/share",
                         data={"csrf_token": token, "release_to": "JO"})
    unknown = jordan.post("/incidents/incident--00000000-0000-4000-8000-000000000000/share",
                          data={"csrf_token": token, "release_to": "JO"})
    assert hidden.status_code == unknown.status_code == 404
    tunis = seeded.incidents["tunis"]["id"]  # Egypt's, GREEN: Jordan sees it, may not share it
    assert 'action="/incidents/' + tunis + '/share"' not in jordan.get(f"/incidents/{tunis}").text
    denied = jordan.post(f"/incidents/{tunis}/share?lang=ar", data={"csrf_token": token, "tlp": "clear"})
    assert denied.status_code == 403 and "لا يشارك هذه الحادثة إلا" in denied.text
