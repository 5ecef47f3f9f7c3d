"""The search page: Arabic with or without diacritics, French accents, facets and saved searches — and nothing
the viewer may not see in hits or counts."""

import re

from tests.web.page_world import sign_in


def _titles(html: str) -> list[str]:
    return re.findall(r'class="item-title"[^>]*>([^<]*)<', html)


def test_arabic_with_and_without_diacritics_find_the_same(make_client):
    client = make_client()
    sign_in(client, "jo_analyst")
    plain = _titles(client.get("/search", params={"q": "تفجير سيارة"}).text)
    marked = _titles(client.get("/search", params={"q": "تَفْجِيرٌ بِسَيَّارَةٍ"}).text)
    assert plain == marked == ["انفجار قرب سوق في عمّان"]
    assert _titles(client.get("/search", params={"q": "عمان"}).text) == plain
    assert _titles(client.get("/search", params={"q": "ATTAQUÉ"}).text) == ["Attaque armée à Tunis"]


def test_hits_show_place_names_in_the_page_language(make_client):
    client = make_client()
    sign_in(client, "jo_analyst")
    assert "<bdi>تونس</bdi>" in client.get("/search", params={"q": "attaque"}).text
    assert "<bdi>Tunis</bdi>" in client.get("/search", params={"q": "attaque", "lang": "fr"}).text


def test_hidden_objects_neither_found_nor_counted(make_client, seeded):
    jordan, saudi = make_client(), make_client()
    sign_in(jordan, "jo_analyst")
    sign_in(saudi, "sa_analyst")
    assert _titles(jordan.get("/search", params={"q": "checkpoint Riyadh"}).text) == []
    assert _titles(saudi.get("/search", params={"q": "checkpoint Riyadh"}).text) == [
        "Confidential attack report Riyadh"]
    facets = jordan.get("/search", params={"q": "attack"}).text
    assert "amber" not in facets.lower().replace("tlp-amber", "")
    assert _titles(jordan.get("/search", params={"country": "SA"}).text) == []
    assert _titles(jordan.get("/search", params={"tlp": "amber"}).text) == []


def test_facets_narrow_and_count(make_client):
    client = make_client()
    sign_in(client, "jo_analyst")
    page = client.get("/search", params={"q": "", "country": "TN", "lang": "en"}).text
    assert _titles(page) == ["Attaque armée à Tunis"] and "Tunisia" in page
    page = client.get("/search", params={"attack_type": "Armed Assault"}).text
    assert _titles(page) == ["Attaque armée à Tunis"]
    assert client.get("/search", params={"tlp": "purple"}).status_code == 400


def test_hostile_search_text_is_escaped(make_client):
    client = make_client()
    sign_in(client, "eg_analyst")
    page = client.get("/search", params={"q": '<script>alert(1)</script> "><img src=x>'}).text
    assert "<img src=x>" not in page and "<script>alert(1)" not in page
    hits = client.get("/search", params={"q": "evil"}).text
    assert "&lt;script&gt;" in hits and "\u202e" not in hits


def test_saved_searches_are_personal_and_need_the_token(make_client):
    jordan, egypt = make_client(), make_client()
    sign_in(jordan, "jo_analyst")
    sign_in(egypt, "eg_analyst")
    assert jordan.post("/search/saved", data={"name": "x", "query": "q=a"}).status_code == 403
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', jordan.get("/search").text).group(1)
    saved = jordan.post("/search/saved", data={"csrf_token": token, "name": "تفجيرات عمّان", "query": "q=تفجير"},
                        follow_redirects=False)
    assert saved.status_code == 303
    page = jordan.get("/search").text
    assert "تفجيرات عمّان" in page
    assert "تفجيرات عمّان" not in egypt.get("/search").text
    search_id = re.search(r'/search/saved/(\d+)/delete', page).group(1)
    egypt_token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', egypt.get("/search").text).group(1)
    assert egypt.post(f"/search/saved/{search_id}/delete", data={"csrf_token": egypt_token}).status_code == 404
    assert jordan.post(f"/search/saved/{search_id}/delete", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    assert "تفجيرات عمّان" not in jordan.get("/search").text
