"""The overview: sign-in required; the feed, the charts and their counts hold only what the viewer may see."""

from marsad.web import app as web_app
from marsad.web import routes_pages_overview
from tests.web.page_world import sign_in


def test_registered_and_sign_in_required(make_client):
    assert routes_pages_overview in web_app.ROUTE_MODULES
    answer = make_client().get("/", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/sign-in?next=%2F"
    assert make_client().get("/overview/feed", follow_redirects=False).status_code == 303


def test_feed_and_charts_leave_out_what_the_viewer_may_not_see(make_client, seeded):
    jordan, saudi = make_client(), make_client()
    sign_in(jordan, "jo_analyst")
    sign_in(saudi, "sa_analyst")
    restricted = seeded.incidents["amber_sa"]["id"]
    page = jordan.get("/").text
    assert restricted not in page and "Riyadh" not in page and seeded.incidents["amman"]["id"] in page
    assert "السعودية" not in page  # no country bar for the hidden incident
    assert restricted in saudi.get("/").text and restricted in saudi.get("/overview/feed").text
    assert restricted not in jordan.get("/overview/feed").text


def test_feed_place_names_in_the_page_language(make_client):
    jordan = make_client()
    sign_in(jordan, "jo_analyst")
    assert "<bdi>تونس</bdi>" in jordan.get("/overview/feed").text
    assert "<bdi>Tunis</bdi>" in jordan.get("/overview/feed?lang=en").text


def test_counts_in_the_charts_match_what_is_visible(make_client):
    jordan = make_client()
    sign_in(jordan, "jo_analyst")
    page = jordan.get("/?lang=en").text
    assert '<html lang="en" dir="ltr">' in page
    assert "Incidents by month" in page and "Jordan" in page and "Saudi Arabia" not in page


def test_hostile_text_is_escaped_and_bidi_controls_dropped(make_client):
    client = make_client()
    sign_in(client, "eg_analyst")
    page = client.get("/").text
    assert "<script>alert" not in page and "<img src=x" not in page and "&lt;script&gt;alert" in page
    assert "\u202e" not in page and "\u202b" not in page
