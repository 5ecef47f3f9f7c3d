"""Sources page: analysts read, administrators add, test and remove (audited); bad input is a clear 4xx."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marsad.store.audit import audit_log
from marsad.web import routes_pages_sources
from tests.web.pages2_world import add_roles, csrf, signed_in


@pytest.fixture
def as_user(seeded, make_client):
    add_roles(seeded)
    return lambda user: signed_in(make_client, user, routes_pages_sources)


def _changes(engine) -> list[str]:
    with engine.connect() as conn:
        return [row.detail.get("change") for row in conn.execute(select(audit_log.c.detail)
                                                                   .where(audit_log.c.action == "admin"))]


def test_analysts_read_only_and_others_are_refused(as_user):
    page = as_user("jo_analyst").get("/sources")
    assert page.status_code == 200 and 'action="/sources"' not in page.text
    assert as_user("sa_liaison").get("/sources").status_code == 403
    assert as_user("auditor").get("/sources").status_code == 403


def test_admin_adds_tests_and_removes_a_folder_source(as_user, seeded, tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "one.txt").write_text("A bomb exploded near a market in Amman, killing three people.", "utf-8")
    http = as_user("jo_admin")
    page = http.get("/sources")
    added = http.post("/sources", data={"csrf_token": csrf(page.text), "name": "Drop <folder>", "kind": "folder",
                                        "location": str(folder), "interval": "60"}, follow_redirects=False)
    assert added.status_code == 303
    listing = http.get("/sources")
    assert 'data-source="Drop &lt;folder&gt;"' in listing.text
    tested = http.post("/sources/Drop%20%3Cfolder%3E/test", data={"csrf_token": csrf(listing.text)})
    assert tested.status_code == 200 and 'data-tested="Drop &lt;folder&gt;"' in tested.text
    assert "status-ok" in tested.text
    removed = http.post("/sources/Drop%20%3Cfolder%3E/remove", data={"csrf_token": csrf(listing.text)},
                        follow_redirects=False)
    assert removed.status_code == 303 and "data-source=" not in http.get("/sources").text
    assert _changes(seeded.engine)[-3:] == ["source.add", "source.test", "source.remove"]


def test_bad_source_is_a_clear_error_and_analysts_cannot_change(as_user):
    http = as_user("jo_admin")
    page = http.get("/sources")
    bad = http.post("/sources", data={"csrf_token": csrf(page.text), "name": "x", "kind": "feed",
                                      "location": "ftp://example.org/feed"})
    assert bad.status_code == 400 and "is not an http:// or https:// address" in bad.text
    analyst = as_user("jo_analyst")
    token = csrf(analyst.get("/sources").text)
    refused = analyst.post("/sources", data={"csrf_token": token, "name": "y", "kind": "feed",
                                             "location": "https://example.org/feed"})
    assert refused.status_code == 403
