"""Page helpers (marsad/web/pages.py; the name test_pages.py is taken by tests/monitor): local redirects only after sign-in, navigation by role, HTML errors on pages only."""

import pytest

from marsad.access.context import Viewer
from marsad.web.pages import NavItem, safe_next


@pytest.mark.parametrize("target, expected", [
    ("/search?q=x", "/search?q=x"), (None, "/"), ("", "/"), ("https://evil.example/", "/"),
    ("//evil.example/x", "/"), ("/\\evil.example", "/"), ("javascript:alert(1)", "/"),
])
def test_safe_next(target, expected):
    assert safe_next(target) == expected


def test_navigation_by_role():
    admin, analyst = Viewer("a", roles=frozenset({"admin"})), Viewer("b", roles=frozenset({"analyst"}))
    item = NavItem("/admin", "Administration", ("admin",))
    assert item.visible_to(admin) and not item.visible_to(analyst) and not item.visible_to(None)
    assert NavItem("/", "Overview").visible_to(analyst)


def test_pages_answer_html_errors_and_apis_json(make_client):
    client = make_client()
    page = client.get("/incidents/incident--x", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/sign-in?next=")
    api = client.get("/api/alerts")
    assert api.status_code == 401 and api.headers["content-type"].startswith("application/json")
    browser = client.get("/no/such/page", headers={"Accept": "text/html"})
    assert browser.status_code == 404 and "<html" in browser.text
    assert client.get("/no/such/page").headers["content-type"].startswith("application/json")
