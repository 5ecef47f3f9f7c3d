"""Submit-a-report page: who may, field errors in the page's language, the marking travels with the item."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marsad.store.pipeline_items import pipeline_items
from marsad.web import routes_pages_reports
from tests.web.page_world import HOSTILE_ARABIC, HOSTILE_LATIN
from tests.web.pages2_world import add_roles, csrf, signed_in

TEXT = "Armed men attacked a police checkpoint near Tabuk on Monday, killing two officers."


@pytest.fixture
def officer(seeded, make_client):
    add_roles(seeded)
    return lambda user="sa_liaison", lang="en": signed_in(make_client, user, routes_pages_reports, lang=lang)


def _send(http, lang_page="/reports/new", **fields):
    form = http.get(lang_page)
    data = {"csrf_token": csrf(form.text), **fields}
    return http.post("/reports/new", data=data, follow_redirects=False)


def _queued(engine) -> list[dict]:
    with engine.connect() as conn:
        return [row.payload for row in conn.execute(select(pipeline_items.c.payload))]


def test_form_offers_tlp_and_member_states(officer):
    page = officer().get("/reports/new")
    assert page.status_code == 200
    for level in ("clear", "green", "amber", "amber+strict", "red"):
        assert f'value="{level}"' in page.text
    assert 'name="release_to" value="SA"' in page.text and 'name="release_to" value="JO"' in page.text
    assert 'value="amber" checked' in page.text  # the default marking of a member state's report


def test_only_submitting_roles_see_the_form(officer):
    assert officer("auditor").get("/reports/new").status_code == 403


def test_amber_report_released_to_one_state_is_queued_with_its_marking(officer, seeded):
    http = officer()
    sent = _send(http, title="Checkpoint attack", text=TEXT, tlp="amber", release_to=["SA"], country="SA",
                 killed="2", attack_types=["Armed Assault"], occurred="2026-11-02")
    assert sent.status_code == 303 and sent.headers["location"].startswith("/reports/new?sent=")
    assert "data-sent" in http.get(sent.headers["location"]).text
    [payload] = _queued(seeded.engine)
    meta = payload["metadata"]
    assert meta["tlp"] == "amber" and meta["release_to"] == ["SA"] and meta["submitted_by"] == "sa_liaison"
    assert meta["created_by_ref"] == seeded.world.orgs["sa"].identity_id
    assert meta["fields"]["killed"] == 2 and meta["fields"]["attack_types"] == ["Armed Assault"]


@pytest.mark.parametrize("lang, words", [("en", "is required"), ("fr", "obligatoire"), ("ar", "مطلوب")])
def test_missing_text_is_refused_in_the_page_language(officer, seeded, lang, words):
    http = officer(lang=lang)
    answer = _send(http, title="Only a title")
    assert answer.status_code == 400 and words in answer.text
    assert 'data-field="text"' in answer.text and 'aria-invalid="true"' in answer.text
    assert 'value="Only a title"' in answer.text  # what was typed is kept
    assert _queued(seeded.engine) == []


def test_release_list_needs_amber_or_red(officer, seeded):
    answer = _send(officer(), text=TEXT, tlp="green", release_to=["JO"])
    assert answer.status_code == 400 and 'data-code="release_needs_amber"' in answer.text
    assert _queued(seeded.engine) == []


def test_without_csrf_token_nothing_is_queued(officer, seeded):
    http = officer()
    answer = http.post("/reports/new", data={"text": TEXT}, follow_redirects=False)
    assert answer.status_code == 403 and _queued(seeded.engine) == []


def test_hostile_text_comes_back_escaped(officer):
    answer = _send(officer(), title=HOSTILE_LATIN, text=HOSTILE_ARABIC, killed="many")
    assert answer.status_code == 400
    assert "<script>" not in answer.text and "&lt;script&gt;" in answer.text
