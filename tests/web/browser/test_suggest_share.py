"""In a real browser: the search box's suggestions (suggest.js fills the datalist under the CSP) hold visible
places in Arabic; the originator shares an AMBER incident with one more state from the incident page."""


def test_search_box_suggests_visible_places_in_arabic(page_as, live_hub, screenshot):
    page = page_as("jo_analyst", "ar")
    page.goto(f"{live_hub.url}/search")
    page.type("#q", "تون", delay=50)
    page.wait_for_function("() => document.querySelectorAll('#q-suggestions option').length > 0")
    options = page.eval_on_selector_all("#q-suggestions option", "els => els.map(e => e.value)")
    assert "تونس" in options and "الرياض" not in options
    screenshot(page, "search-suggest-ar")


def test_originator_shares_with_one_more_state(page_as, live_hub, screenshot):
    amber = live_hub.world.incidents["amber_sa"]["id"]
    jordan = page_as("jo_analyst", "ar")
    assert jordan.goto(f"{live_hub.url}/incidents/{amber}").status == 404
    saudi = page_as("sa_analyst", "ar")
    saudi.goto(f"{live_hub.url}/incidents/{amber}")
    screenshot(saudi, "incident-share-panel-ar")
    saudi.check("#share input[name=release_to][value=JO]")
    saudi.click("#share button[type=submit]")
    saudi.wait_for_url(f"**/incidents/{amber}?saved=shared")
    assert "أصبحت الحادثة مُتاحة على نطاق أوسع" in saudi.content()
    screenshot(saudi, "incident-shared-ar")
    assert jordan.goto(f"{live_hub.url}/incidents/{amber}").status == 200
