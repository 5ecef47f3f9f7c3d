"""In a real browser: sign in with the form, be refused with a wrong password, switch languages, sign out."""


def test_sign_in_and_out(page_as, live_hub, screenshot):
    page = page_as(None, "ar")
    assert page.get_attribute("html", "dir") == "rtl"
    screenshot(page, "sign-in-ar")
    page.fill("#username", "jo_analyst")
    page.fill("#password", "not the password")
    page.click("form[action='/sign-in'] button[type=submit]")
    assert page.locator(".form-error").is_visible()
    page.fill("#password", "correct horse battery staple")
    page.click("form[action='/sign-in'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".who").inner_text().startswith("jo_analyst")
    page.click(".sign-out button")
    page.wait_for_url("**/sign-in")


def test_language_switch(page_as, live_hub, screenshot):
    page = page_as("jo_analyst", "ar")
    page.click(".lang-switch a[hreflang=en]")
    assert page.get_attribute("html", "lang") == "en" and page.get_attribute("html", "dir") == "ltr"
    assert page.locator(".sign-out button").inner_text() == "Sign out"
    page.click(".lang-switch a[hreflang=fr]")
    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator(".sign-out button").inner_text() == "Se déconnecter"
    page.click(".lang-switch a[hreflang=ar]")
    assert page.locator(".sign-out button").inner_text() == "تسجيل الخروج"
