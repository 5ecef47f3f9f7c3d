"""Audit trail page: auditors only; filters and paging; chain verification; the export file."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import update

from marsad.access.audit import record
from marsad.store.audit import audit_log
from marsad.web import routes_pages_audit
from tests.web.pages2_world import add_roles, csrf, signed_in


@pytest.fixture
def as_user(seeded, make_client):
    add_roles(seeded)
    return lambda user: signed_in(make_client, user, routes_pages_audit)


def test_only_auditors_read_the_trail(as_user):
    for user in ("jo_admin", "jo_analyst", "sa_liaison"):
        http = as_user(user)
        assert http.get("/audit").status_code == 403
        assert http.get("/audit/export.jsonl").status_code == 403


def test_filters_and_paging(as_user, seeded):
    for n in range(routes_pages_audit.PAGE_SIZE + 5):
        record(seeded.engine, "robot", "write", [f"indicator--{n:08d}-0000-4000-8000-000000000000"])
    http = as_user("auditor")
    logins = http.get("/audit?action=login")
    assert logins.status_code == 200 and "<span class=\"tag\">login</span>" in logins.text
    assert "<span class=\"tag\">write</span>" not in logins.text
    robot = http.get("/audit?actor=robot")
    assert robot.text.count("data-seq=") == routes_pages_audit.PAGE_SIZE and "before=" in robot.text
    older = re.search(r'<a href="(/audit\?[^"]+)" class="forward">', robot.text).group(1).replace("&amp;", "&")
    rest = http.get(older)
    assert rest.text.count("data-seq=") == 5 and 'class="forward"' not in rest.text
    one = http.get("/audit?object=indicator--00000007")
    assert one.text.count("data-seq=") == 1
    assert http.get("/audit?object=%25").text.count("data-seq=") == 0  # LIKE wildcards are literal


def test_verify_finds_a_tampered_entry(as_user, seeded):
    http = as_user("auditor")
    page = http.get("/audit")
    intact = http.post("/audit/verify", data={"csrf_token": csrf(page.text)})
    assert intact.status_code == 200 and 'data-verified="ok"' in intact.text
    with seeded.engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 2).values(actor="someone-else"))
    broken = http.post("/audit/verify", data={"csrf_token": csrf(page.text)})
    assert 'data-verified="broken"' in broken.text


def test_export_is_the_verifiable_jsonl_file(as_user):
    http = as_user("auditor")
    answer = http.get("/audit/export.jsonl")
    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    lines = answer.text.splitlines()
    header = json.loads(lines[0])
    assert header["format"] == "marsad-audit-export/1"
    assert json.loads(lines[-1])["seq"] == header["head"]["seq"]
