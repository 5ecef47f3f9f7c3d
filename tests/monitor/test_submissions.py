"""An officer's submission: each bad field refused with a stable code (and in the user's language), a good one
queued with the submitter's marking and identity, nothing queued when it is refused."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from marsad.access.accounts import create_user
from marsad.access.context import load_viewer
from marsad.errors import AccessDenied
from marsad.monitor.queue import item_from_payload
from marsad.monitor.submissions import SubmissionError, submit_report, validate_submission
from marsad.store.audit import audit_log
from marsad.store.pipeline_items import pipeline_items
from tests.monitor.alert_world import alert_world

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
GOOD = {"text": "An explosive device went off near a police station in Zarqa this morning, killing two officers.",
        "title": "Explosion near a police station in Zarqa", "published": "2026-11-23", "language": "en",
        "country": "jo", "city": "Zarqa", "attack_type": "Bombing/Explosion", "target_types": ["Police"],
        "killed": 2, "wounded": "4", "tlp": "amber+strict", "release_to": ["sa", "EG"]}


@pytest.fixture
def world(database_url):
    engine, collection, ids = alert_world(database_url)
    create_user(engine, "jo_liaison", "JO unit", "liaison", None, language="fr")
    create_user(engine, "jo_auditor", "JO unit", "auditor", None)
    with engine.connect() as conn:
        viewers = {name: load_viewer(conn, name) for name in ("jo", "jo_liaison", "jo_auditor")}
    yield engine, ids, viewers
    engine.dispose()


def test_a_good_submission_carries_marking_identity_and_the_officers_fields(world):
    _, ids, viewers = world
    sub = validate_submission(viewers["jo"], GOOD, now=NOW)
    meta = sub.item.metadata
    assert (meta["tlp"], meta["release_to"], meta["created_by_ref"], meta["submitted_by"]) == (
        "amber+strict", ["EG", "SA"], ids["JO"], "jo")
    assert meta["fields"] == {"country": "JO", "city": "Zarqa", "attack_types": ["Bombing/Explosion"],
                              "target_types": ["Police"], "killed": 2, "wounded": 4}
    assert sub.item.language == "en" and sub.item.published.date().isoformat() == "2026-11-23"
    assert sub.item.key.startswith("submission:") and sub.item.source_id is None


def test_recipients_may_be_registered_organisations_and_the_default_tlp_is_amber(world):
    _, ids, viewers = world
    sub = validate_submission(viewers["jo"], {"text": "A report.", "tlp": "red", "release_to": [ids["SA"]]}, now=NOW)
    assert (sub.tlp, sub.release_to) == ("red", (ids["SA"],))
    plain = validate_submission(viewers["jo"], {"text": "نص التقرير عن هجوم في عمّان"}, now=NOW)
    assert plain.tlp == "amber" and plain.release_to == () and plain.item.title == "نص التقرير عن هجوم في عمّان"


@pytest.mark.parametrize("change, code, field", [
    ({"text": "  "}, "required", "text"),
    ({"text": 5}, "not_text", "text"),
    ({"published": "23/11/2026"}, "bad_date", "published"),
    ({"published": "2027-01-01"}, "future_date", "published"),
    ({"language": "de"}, "bad_language", "language"),
    ({"country": "XX"}, "bad_country", "country"),
    ({"attack_type": "Bombing"}, "bad_term", "attack_types"),
    ({"weapon_types": ["Rayguns"]}, "bad_term", "weapon_types"),
    ({"killed": -1}, "bad_count", "killed"),
    ({"wounded": 2.5}, "bad_count", "wounded"),
    ({"tlp": "purple"}, "bad_tlp", "tlp"),
    ({"release_to": ["identity--00000000-0000-4000-8000-000000000000"]}, "bad_recipient", "release_to"),
    ({"release_to": ["ZZ"]}, "bad_recipient", "release_to"),
    ({"tlp": "green", "release_to": ["SA"]}, "release_needs_amber", "release_to"),
    ({"colour": "red"}, "unknown_field", "colour"),
])
def test_each_bad_field_is_refused_with_a_stable_code(world, change, code, field):
    _, _, viewers = world
    with pytest.raises(SubmissionError) as refused:
        validate_submission(viewers["jo"], {**GOOD, **change}, now=NOW)
    assert (refused.value.code, refused.value.field, refused.value.status) == (code, field, 400)
    assert refused.value.details[0]["code"] == code


def test_messages_follow_the_users_language(world):
    _, _, viewers = world
    with pytest.raises(SubmissionError) as in_french:
        validate_submission(viewers["jo_liaison"], {"title": "x"}, now=NOW)
    with pytest.raises(SubmissionError) as in_arabic:
        validate_submission(viewers["jo"], {"title": "x"}, now=NOW)
    assert "obligatoire" in in_french.value.message and "مطلوب" in in_arabic.value.message


def test_only_officers_analysts_and_administrators_submit(world):
    _, _, viewers = world
    with pytest.raises(AccessDenied):
        validate_submission(viewers["jo_auditor"], GOOD, now=NOW)
    with pytest.raises(SubmissionError) as refused:
        validate_submission(viewers["jo"], ["not", "an", "object"], now=NOW)
    assert refused.value.code == "not_an_object"


def test_submit_queues_the_item_with_an_audit_entry_and_a_refusal_queues_nothing(world):
    engine, ids, viewers = world
    receipt = submit_report(engine, viewers["jo_liaison"], GOOD, remote_addr="203.0.113.9", now=NOW)
    with pytest.raises(SubmissionError):
        submit_report(engine, viewers["jo_liaison"], {**GOOD, "killed": "many"}, now=NOW)
    with engine.connect() as conn:
        rows = conn.execute(select(pipeline_items)).all()
        entry = conn.execute(select(audit_log).order_by(audit_log.c.seq.desc())).first()
    assert len(rows) == 1 and receipt["queued"] == 1
    item = item_from_payload(rows[0].payload)
    assert item.key == receipt["key"] and item.metadata["created_by_ref"] == ids["JO"]
    assert item.metadata["submitted_by"] == "jo_liaison" and item.metadata["fields"]["killed"] == 2
    assert (entry.action, entry.actor, entry.remote_addr) == ("write", "jo_liaison", "203.0.113.9")
    assert entry.detail["source"] == "submission" and entry.detail["item"] == receipt["key"]
