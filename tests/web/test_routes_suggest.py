"""``GET /web/suggest``: sign-in required, the viewer's language, nothing from hidden incidents, clear 4xx."""

from marsad.web import app as web_app
from marsad.web import routes_suggest
from tests.web.page_world import sign_in


def _texts(client, **params) -> list[str]:
    answer = client.get("/web/suggest", params=params)
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    return [s["text"] for s in answer.json()["suggestions"]]


def test_registered_and_sign_in_required(make_client):
    assert routes_suggest in web_app.ROUTE_MODULES
    assert make_client().get("/web/suggest", params={"q": "a"}).status_code == 401


def test_groups_and_places_in_the_viewer_language_from_visible_incidents_only(make_client):
    jordan, saudi = make_client(), make_client()
    sign_in(jordan, "jo_analyst")
    sign_in(saudi, "sa_analyst")
    assert "تنظيم الدولة الإسلامية (داعش)" in _texts(jordan, q="داعش", kind="group")
    assert "État islamique (EI)" in _texts(jordan, q="islamic", kind="group", lang="fr")
    assert _texts(jordan, q="تونس", kind="place") == ["تونس"]
    assert _texts(jordan, q="Riy", kind="place") == [] and _texts(jordan, q="الرياض", kind="place") == []
    assert "الرياض" in _texts(saudi, q="Riy", kind="place")
    assert _texts(jordan, q="checkpoint confid") == []  # words of a hidden incident's name are not suggested
    assert "Confidential" in _texts(saudi, q="confid")


def test_bad_parameters_are_clear_errors(make_client):
    client = make_client()
    sign_in(client, "jo_analyst")
    assert client.get("/web/suggest", params={"q": "a", "kind": "users"}).status_code == 400
    assert client.get("/web/suggest", params={"q": "a" * 101}).status_code in (400, 422)
    assert client.get("/web/suggest", params={"q": "a", "limit": 0}).status_code in (400, 422)


def test_the_search_page_uses_it_without_inline_script(make_client):
    client = make_client()
    sign_in(client, "jo_analyst")
    page = client.get("/search").text
    assert 'data-suggest="search"' in page and 'list="q-suggestions"' in page and "/static/js/suggest.js" in page
    assert client.get("/static/js/suggest.js").status_code == 200
