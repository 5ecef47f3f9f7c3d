"""In a real browser: a Saudi liaison officer submits a report marked TLP:AMBER released to Saudi Arabia only;
once the pipeline has filed it, a Jordanian analyst finds it nowhere (incident page, search, map markers,
counts and charts) while a Saudi analyst does. Also screenshots of the second set of pages in Arabic and English.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from marsad.access.accounts import create_user
from marsad.config import Settings
from marsad.monitor.pipeline import Pipeline
from marsad.store.incidents import incident_facts
from marsad.store.pipeline_items import pipeline_items
from tests.web.page_world import PASSWORD

TITLE = "هجوم مسلح على نقطة تفتيش في تبوك"
TEXT = ("هاجم مسلحون فجر الإثنين الثاني من نوفمبر 2026 نقطة تفتيش أمنية في مدينة تبوك شمال غرب المملكة العربية "
        "السعودية، ما أسفر عن مقتل اثنين من رجال الأمن وإصابة ثلاثة آخرين، وفق ما أعلنته السلطات.")
WORD = "تبوك"


@pytest.fixture(scope="module")
def officers(live_hub):
    orgs = live_hub.world.world.orgs
    create_user(live_hub.world.engine, "sa_liaison", orgs["sa"].name, "liaison", PASSWORD, language="ar")
    create_user(live_hub.world.engine, "sec_auditor", orgs["sec"].name, "auditor", PASSWORD, language="en")
    return live_hub


def _markers(page, url: str) -> dict:
    answer = page.request.get(f"{url}/web/map/incidents.geojson?zoom=3")
    assert answer.ok
    return answer.json()


def _month_table(page, url: str) -> str:
    """The figures of the overview's incidents-by-month chart, as the viewer's page shows them."""
    page.goto(f"{url}/?lang=en")
    table = page.locator("figure.chart-time table")
    return table.first.text_content() if table.count() else ""


def test_amber_report_for_one_state_is_invisible_to_another(page_as, officers, screenshot, tmp_path):
    hub = officers
    jordan = page_as("jo_analyst", "ar")
    before = {"markers": _markers(jordan, hub.url)["total"], "months": _month_table(jordan, hub.url)}

    officer = page_as("sa_liaison", "ar")
    officer.goto(f"{hub.url}/reports/new")
    officer.click("button.primary[type=submit]")  # no text: refused in Arabic, next to the field
    assert "مطلوب" in officer.inner_text("#form-error")
    assert officer.get_attribute("#text", "aria-invalid") == "true"
    screenshot(officer, "report-error-ar")
    officer.fill("#title", TITLE)
    officer.fill("#text", TEXT)
    officer.fill("#published", "2026-11-02")
    officer.click("summary")
    officer.fill("#occurred", "2026-11-02")
    officer.select_option("#country", "SA")
    officer.fill("#city", "Tabuk")
    officer.fill("#killed", "2")
    officer.fill("#wounded", "3")
    officer.check("input[name=tlp][value=amber]")
    officer.check("input[name=release_to][value=SA]")
    screenshot(officer, "report-new-ar")
    officer.click("button.primary[type=submit]")
    officer.wait_for_selector("[data-sent]")

    Pipeline(hub.world.engine, Settings(data_dir=tmp_path), deliver=False).run_once()
    with hub.world.engine.connect() as conn:
        incident_id = conn.execute(select(pipeline_items.c.incident_id)).scalars().first()
        assert incident_id, "the pipeline filed no incident"
        facts = conn.execute(select(incident_facts).where(incident_facts.c.stix_id == incident_id)).one()
    assert facts.tlp == "amber" and facts.created_by_ref == hub.world.world.orgs["sa"].identity_id

    # the Jordanian analyst: not on its page, not in search, not on the map, not in the counts
    response = jordan.goto(f"{hub.url}/incidents/{incident_id}")
    assert response.status == 404 and WORD not in jordan.content()
    jordan.goto(f"{hub.url}/search?q={WORD}")
    assert incident_id not in jordan.content() and TITLE not in jordan.content()
    after = _markers(jordan, hub.url)
    assert incident_id not in json.dumps(after) and after["total"] == before["markers"]
    assert _month_table(jordan, hub.url) == before["months"]
    jordan.goto(f"{hub.url}/")
    assert incident_id not in jordan.content() and WORD not in jordan.content()

    # a Saudi analyst sees it everywhere
    saudi = page_as("sa_analyst", "ar")
    assert saudi.goto(f"{hub.url}/incidents/{incident_id}").status == 200
    assert "TLP:AMBER" in saudi.inner_text(".tlp-banner")
    screenshot(saudi, "submitted-incident-ar")
    saudi.goto(f"{hub.url}/search?q={WORD}")
    assert incident_id in saudi.content()
    if facts.latitude is not None:
        assert incident_id in json.dumps(_markers(saudi, hub.url))
    assert _month_table(saudi, hub.url) != before["months"]


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_screenshots_of_the_second_set_of_pages(page_as, officers, screenshot, lang):
    hub = officers
    for user, paths in (("jo_admin", ["/sources", "/admin", "/subscriptions"]),
                        ("jo_analyst", ["/organisations", "/organisations/isil"]),
                        ("sec_auditor", ["/audit"]), ("sa_liaison", ["/reports/new"])):
        page = page_as(user, lang)
        for path in paths:
            answer = page.goto(f"{hub.url}{path}?lang={lang}")
            assert answer.status == 200, (user, path, answer.status)
            assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
            name = path.strip("/").replace("/", "-") or "overview"
            screenshot(page, f"{name}-{lang}")
