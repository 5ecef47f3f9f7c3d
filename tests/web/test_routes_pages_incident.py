"""The incident page: the record in the reader's language, 404 alike for hidden and unknown incidents, escaped
hostile text, the STIX export of what the viewer may see, and CSRF-protected curation by analysts only."""

import re

from sqlalchemy import select

from marsad.access.accounts import create_user
from marsad.store import stix_objects
from tests.web.page_world import PASSWORD, sign_in


def _token(client) -> str:
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get("/").text).group(1)


def test_page_in_three_languages(make_client, seeded):
    client = make_client()
    sign_in(client, "jo_analyst")
    incident = seeded.incidents["amman"]["id"]
    arabic = client.get(f"/incidents/{incident}").text
    assert "انفجار قرب سوق في عمّان" in arabic and "الأردن" in arabic and "تفجير" in arabic
    assert "١٥ مارس ٢٠٢٤ (٥ رمضان ١٤٤٥ هـ)" in arabic and "tlp-green" in arabic
    english = client.get(f"/incidents/{incident}?lang=en").text
    assert "Jordan" in english and "Bombing/Explosion" in english and "March 15, 2024" in english
    assert "Jordanie" in client.get(f"/incidents/{incident}?lang=fr").text


def test_place_names_are_arabic_on_arabic_pages(make_client, seeded):
    client = make_client()
    sign_in(client, "jo_analyst")
    tunis = seeded.incidents["tunis"]["id"]
    arabic = client.get(f"/incidents/{tunis}").text
    details = arabic[arabic.index('class="fields"'):]
    assert "<bdi>تونس</bdi>" in details and "<bdi>Tunis</bdi>" not in arabic
    assert "<bdi>Tunis</bdi>" in client.get(f"/incidents/{tunis}?lang=fr").text


def test_hidden_and_unknown_incidents_answer_the_same(make_client, seeded):
    client = make_client()
    sign_in(client, "jo_analyst")
    hidden = client.get(f"/incidents/{seeded.incidents['amber_sa']['id']}")
    unknown = client.get("/incidents/incident--00000000-0000-4000-8000-000000000000")
    assert hidden.status_code == unknown.status_code == 404
    assert "Riyadh" not in hidden.text and "checkpoint" not in hidden.text
    assert client.get(f"/incidents/{seeded.incidents['amber_sa']['id']}/bundle.json").status_code == 404
    saudi = make_client()
    sign_in(saudi, "sa_analyst")
    page = saudi.get(f"/incidents/{seeded.incidents['amber_sa']['id']}").text
    assert "tlp-amber" in page and "Riyadh" in page


def test_hostile_text_escaped(make_client, seeded):
    client = make_client()
    sign_in(client, "eg_analyst")
    page = client.get(f"/incidents/{seeded.incidents['hostile']['id']}").text
    assert "<script>" not in page.split("</head>", 1)[1].replace('<script src="', "")
    assert "<img src=x" not in page and "<b onmouseover" not in page
    assert "&lt;script&gt;تنبيه" in page and "\u202e" not in page and "\u202b" not in page


def test_sources_and_export(make_client, seeded):
    client = make_client()
    sign_in(client, "jo_analyst")
    incident = seeded.incidents["kirkuk"]["id"]
    page = client.get(f"/incidents/{incident}").text
    assert "Car bomb in Kirkuk (report 1)" in page and "https://news.example/1" in page
    bundle = client.get(f"/incidents/{incident}/bundle.json")
    assert bundle.headers["content-type"].startswith("application/stix+json")
    types = [o["type"] for o in bundle.json()["objects"]]
    assert types.count("incident") == 1 and "report" in types and "marking-definition" in types


def test_analysts_correct_and_confirm_with_a_token(make_client, seeded):
    client = make_client()
    sign_in(client, "jo_analyst")
    incident = seeded.incidents["kirkuk"]["id"]
    assert client.post(f"/incidents/{incident}/correct", data={"killed": "9"}).status_code == 403
    token = _token(client)
    bad = client.post(f"/incidents/{incident}/correct", data={"csrf_token": token, "killed": "nine"})
    assert bad.status_code == 400
    done = client.post(f"/incidents/{incident}/correct", data={"csrf_token": token, "killed": "9", "note": "x"},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("saved=corrected")
    assert "٩" in client.get(f"/incidents/{incident}").text
    assert client.post(f"/incidents/{incident}/confirm", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    with seeded.engine.connect() as conn:
        versions = conn.execute(select(stix_objects.c.modified).where(stix_objects.c.stix_id == incident)).all()
    assert len(versions) == 3


def test_liaison_officers_see_no_curation_and_are_refused(make_client, seeded):
    create_user(seeded.engine, "jo_liaison", seeded.world.orgs["jo"].name, "liaison", PASSWORD)
    client = make_client()
    sign_in(client, "jo_liaison")
    incident = seeded.incidents["kirkuk"]["id"]
    assert "/correct" not in client.get(f"/incidents/{incident}").text
    refused = client.post(f"/incidents/{incident}/confirm", data={"csrf_token": _token(client)})
    assert refused.status_code == 403
