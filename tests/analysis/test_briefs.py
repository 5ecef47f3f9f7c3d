"""Incident briefs: every fact from the record and traceable, in three languages, never past the sharing rules."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from marsad.access.audit import export_entries
from marsad.analysis.briefs import incident_brief, similar_incidents
from marsad.errors import InputError, NotFound
from tests.analysis.brief_world import ORG_B, brief_world, reader

MERGED = {"report_refs": ["report--00000000-0000-4000-8000-000000000001",
                          "report--00000000-0000-4000-8000-000000000002"],
          "report_count": 2, "agreement": {"place": 1.0, "killed": 0.5},
          "toll_history": [{"at": "2024-03-10T08:00:00Z", "killed": 1, "wounded": 4,
                            "report_ref": "report--00000000-0000-4000-8000-000000000001"},
                           {"at": "2024-03-11T09:00:00Z", "killed": 2, "wounded": 11,
                            "report_ref": "report--00000000-0000-4000-8000-000000000002"}],
          "toll_source": "report--00000000-0000-4000-8000-000000000002", "confidence": 70}


@pytest.fixture
def world(database_url):
    store, collection, ids = brief_world(database_url, extra=MERGED)
    yield store.engine, reader(collection), ids
    store.engine.dispose()


def _section(brief, key):
    return next(s for s in brief.sections if s.key == key)


def test_english_brief_states_the_record(world):
    engine, viewer, ids = world
    brief = incident_brief(engine, viewer, ids["target"], "en")
    assert brief.headline.text == "Bombing/Explosion in Baghdad, Iraq, 10 March 2024."
    assert _section(brief, "who").statements[0].text == "Attributed to: Islamic State of Iraq and the Levant (ISIL)."
    toll = _section(brief, "toll").statements
    assert toll[0].text == "2 killed, 11 wounded." and toll[0].fields == ("killed", "wounded")
    history = next(s for s in toll if s.fields == ("toll_history",))
    assert "10 March 2024: 1 killed, 4 wounded" in history.text and "11 March 2024: 2 killed, 11 wounded" in history.text
    sources = " ".join(s.text for s in _section(brief, "sources").statements)
    assert "Compiled from 2 reports." in sources and "killed 50 %" in sources and "place 100 %" in sources
    assert _section(brief, "confidence").statements[0].text == "Confidence: 70/100."


def test_every_statement_names_its_fields_and_the_brief_is_json(world):
    engine, viewer, ids = world
    for lang in ("ar", "en", "fr"):
        brief = incident_brief(engine, viewer, ids["target"], lang)
        assert all(s.fields for section in brief.sections for s in section.statements)
        doc = json.loads(json.dumps(brief.to_dict(), ensure_ascii=False))
        assert doc["lang"] == lang and doc["direction"] == ("rtl" if lang == "ar" else "ltr")
        assert doc["headline"]["fields"] and doc["similar"]
        assert brief.text.splitlines()[1] == brief.headline.text


def test_arabic_and_french_wording(world):
    engine, viewer, ids = world
    arabic = incident_brief(engine, viewer, ids["target"], "ar")
    assert arabic.headline.text == "تفجير في بغداد، العراق، ١٠ مارس ٢٠٢٤."  # place names from the gazetteer
    assert _section(arabic, "toll").statements[0].text == "قتيلان و١١ جريحاً."
    assert "تنظيم الدولة الإسلامية (داعش)" in _section(arabic, "who").statements[0].text
    assert "هجوم مسلح في الموصل، نينوى، العراق" in arabic.text  # the precedent in Mosul, Nineveh
    french = incident_brief(engine, viewer, ids["target"], "fr")
    assert french.headline.text == "Attentat à l'explosif — Baghdad, Irak, 10 mars 2024."
    assert "Qui :" in french.text and "État islamique (EI)" in french.text


def test_similar_incidents_are_ranked_past_and_visible_only(world):
    engine, viewer, ids = world
    found = similar_incidents(engine, viewer, ids["target"])
    names = {v: k for k, v in ids.items()}
    assert [names[s.incident_id] for s in found] == ["same_group_city", "same_city", "old", "same_group"]
    assert found[0].score == 9.0 and found[0].reasons == ("group", "city", "tactic", "weapon", "target")
    assert found[1].score == found[2].score == 5.0  # tie: the nearer in time first


def test_group_activity_counts_only_visible_incidents(world):
    engine, viewer, ids = world
    activity = incident_brief(engine, viewer, ids["target"], "en").activity
    # target + same_group_city + same_group in 90 days; hidden (RED, another organisation) and later are not counted
    assert (activity.last_90.incidents, activity.last_90.killed) == (3, 6)
    assert activity.last_365.incidents == 3


def test_hidden_and_missing_incidents_are_the_same_not_found_and_audited(world):
    engine, viewer, ids = world
    with pytest.raises(NotFound) as hidden:
        incident_brief(engine, viewer, ids["hidden"], "en")
    with pytest.raises(NotFound) as missing:
        incident_brief(engine, viewer, "incident--00000000-0000-4000-8000-00000000dead", "en")
    assert str(hidden.value).split("'")[0] == str(missing.value).split("'")[0]
    with pytest.raises(NotFound):
        similar_incidents(engine, viewer, ids["hidden"])
    denials = [e for e in export_entries(engine) if e["action"] == "deny"]
    assert ids["hidden"] in denials[0]["object_ids"] and denials[0]["actor"] == "ali"
    assert len(denials) == 3
    incident_brief(engine, viewer, ids["target"], "en")
    reads = [e for e in export_entries(engine) if e["action"] == "read"]
    assert ids["target"] in reads[-1]["object_ids"] and reads[-1]["detail"]["via"] == "brief"
    assert ids["same_group_city"] in reads[-1]["object_ids"]  # the precedents shown are read too


def test_originator_sees_its_red_incident(world):
    engine, viewer, ids = world
    owner = replace(viewer, username="bo", identity_id=ORG_B)
    assert incident_brief(engine, owner, ids["hidden"], "en").incident_id == ids["hidden"]


def test_unknown_perpetrator_and_missing_figures(world):
    engine, viewer, ids = world
    brief = incident_brief(engine, viewer, ids["elsewhere"], "en")
    assert _section(brief, "who").statements[0].text == "Perpetrator: unknown."
    assert _section(brief, "toll").statements[0].text == "1 killed, wounded not reported."
    assert brief.activity is None
    assert _section(brief, "activity").statements[0].fields == ("perpetrator",)


def test_clear_only_without_viewer_and_bad_language(world):
    engine, _, ids = world
    with pytest.raises(NotFound):  # the world is GREEN: nothing is CLEAR
        incident_brief(engine, None, ids["target"], "en")
    with pytest.raises(InputError):
        incident_brief(engine, None, ids["target"], "de")
