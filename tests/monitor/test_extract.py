"""The extraction record: fields, order, policy for non-incidents, errors (reports written for these tests)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import marsad.monitor as monitor
from marsad.errors import InputError
from marsad.model.vocab import ATTACK_TYPES, TARGET_TYPES, THEMES, WEAPON_TYPES
from marsad.monitor.extract import BATCH, FIELDS, IncidentRecord, extract, extract_batch, extract_lines, extract_report

EN = ("Gunmen stormed a hotel in the capital on Saturday, killing eight guests and wounding 15 before "
      "security forces ended the siege, police said.")
FR = "Un attentat à la voiture piégée a visé hier une caserne de l'armée, faisant six morts et dix blessés."
AR = "قتل أربعة جنود وأصيب سبعة آخرون أمس في تفجير سيارة مفخخة استهدف ثكنة عسكرية."
POLICY_AR = "بحث وزراء الداخلية العرب في اجتماعهم السنوي سبل تعزيز التعاون في مجال مكافحة الإرهاب."


def _check_record(out: dict) -> None:
    assert tuple(out) == FIELDS
    assert isinstance(out["is_incident"], bool)
    assert 0.0 <= out["incident_probability"] <= 1.0
    assert out["lang"] in ("ar", "en", "fr", "other")
    ATTACK_TYPES.validate(out["attack_types"])
    TARGET_TYPES.validate(out["target_types"])
    WEAPON_TYPES.validate(out["weapon_types"])
    THEMES.validate(out["themes"])
    for key in ("killed", "wounded"):
        assert out[key] is None or (isinstance(out[key], int) and out[key] >= 0)
    if out["date"] is not None:
        date.fromisoformat(out["date"])
    if out["country"] is not None:
        assert len(out["country"]) == 2 and out["country"].isupper()


def test_package_exports_extract():
    assert monitor.extract is extract and monitor.extract_batch is extract_batch


@pytest.mark.parametrize("text,lang", [(EN, "en"), (FR, "fr"), (AR, "ar")])
def test_incident_in_three_languages(text, lang):
    record = extract(text, published="2024-05-12", id="r1")
    out = record.to_dict()
    _check_record(out)
    assert out["id"] == "r1" and out["lang"] == lang
    assert out["is_incident"] and out["incident_probability"] >= 0.5
    assert out["attack_types"] and out["target_types"] and out["weapon_types"]
    assert out["perpetrator"]  # a named group or "Unknown"
    assert out["killed"] is not None and out["killed"] > 0


def test_relative_date_is_read_against_published():
    out = extract(FR, published="2024-05-12").to_dict()
    assert out["date"] == "2024-05-11"


def test_non_incident_policy():
    out = extract(POLICY_AR, published="2024-03-01").to_dict()
    _check_record(out)
    assert not out["is_incident"]
    assert out["attack_types"] == out["target_types"] == out["weapon_types"] == []
    assert out["killed"] is None and out["wounded"] is None
    assert out["perpetrator"] != "Unknown"


def test_declared_language_is_only_a_hint():
    assert extract(AR, lang="en").lang == "ar"


def test_bad_input_raises_input_error():
    with pytest.raises(InputError, match="published"):
        extract(EN, published="12/05/2024")
    with pytest.raises(InputError, match="text"):
        extract(None)  # type: ignore[arg-type]


def test_report_errors_are_records_not_exceptions():
    assert extract_report({"id": "x"}) == {"id": "x", "error": "the report has no 'text'"}
    assert "published" in extract_report({"id": "y", "text": EN, "published": "soon"})["error"]
    assert extract_report(["not", "an", "object"])["error"]
    assert extract_report({"id": 7, "text": EN})["id"] == "7"


def test_batch_keeps_order():
    reports = [{"id": str(i), "text": t} for i, t in enumerate([EN, POLICY_AR, FR, AR])]
    outs = extract_batch(reports)
    assert [o["id"] for o in outs] == ["0", "1", "2", "3"]
    assert [o["is_incident"] for o in outs] == [True, False, True, True]


def test_lines_one_output_per_report_with_errors():
    lines = [json.dumps({"id": "a", "text": EN}) + "\n", "{broken\n", "\n",
             json.dumps({"id": "b"}) + "\n", b'{"id": "c", "text": "\xff"}\n',
             json.dumps({"id": "d", "text": AR}, ensure_ascii=False).encode("utf-8")]
    outs = [json.loads(x) for x in extract_lines(lines)]
    assert len(outs) == 5
    assert outs[0]["id"] == "a" and "error" not in outs[0]
    assert "line 2" in outs[1]["error"] and "id" not in outs[1]
    assert outs[2] == {"id": "b", "error": "the report has no 'text'"}
    assert "UTF-8" in outs[3]["error"]
    assert outs[4]["id"] == "d" and outs[4]["lang"] == "ar"


@settings(max_examples=25, deadline=None)
@given(st.text(max_size=400), st.one_of(st.none(), st.text(max_size=40)))
def test_any_text_gives_a_complete_record(text, title):
    record = extract(text, title=title, published="2024-01-01")
    assert isinstance(record, IncidentRecord)
    _check_record(record.to_dict())


def test_incident_sentence_beats_the_dateline_and_gives_the_branch():
    text = ("KABUL, Afghanistan (AP) — Islamic State militants stormed a police checkpoint in Jalalabad, the capital "
            "of Nangarhar province, on Friday, killing four officers, officials said.")
    out = extract(text, published="2024-05-12").to_dict()
    assert (out["country"], out["admin1"], out["city"]) == ("AF", "Nangarhar", "Jalalabad")
    assert out["perpetrator"] == "Khorasan Chapter of the Islamic State"


@pytest.mark.parametrize("text", [
    "Gunmen assassinated the mayor of the town on Tuesday as he left his office, police said.",
    "Le maire de la ville a été assassiné mardi par des hommes armés à la sortie de son bureau.",
    "اغتال مسلحون مجهولون رئيس بلدية المدينة أمس أثناء خروجه من مكتبه.",
])
def test_single_assassinated_victim_is_one_killed_none_wounded(text):
    out = extract(text, published="2024-05-12").to_dict()
    assert out["is_incident"]
    assert (out["killed"], out["wounded"]) == (1, 0)


def test_batches_give_the_records_of_one_by_one():
    """Reader by reader over a batch (and over batches longer than BATCH) = report by report."""
    texts = [EN, POLICY_AR, FR, AR]
    reports = [{"id": str(i), "text": texts[i % 4] + f" ({i})", "published": "2024-05-0" + str(1 + i % 9),
                "title": "Attentat" if i % 3 == 0 else None} for i in range(2 * BATCH + 3)]
    reports[5] = {"id": "bad", "text": EN, "published": "soon"}
    reports[7] = "not an object"
    one_by_one = [extract_report(r) for r in reports]
    assert extract_batch(reports) == one_by_one
    lines = [json.dumps(r, ensure_ascii=False) for r in reports]
    assert [json.loads(x) for x in extract_lines(lines)] == one_by_one
    assert extract(EN, published="2024-05-01").to_dict() == extract_report({"text": EN, "published": "2024-05-01"})


@pytest.mark.parametrize("title, text, killed", [
    ("Car bomb kills 5 in Baghdad market",
     "A car bomb exploded in a crowded market in Baghdad on Monday. Several people were injured and taken to "
     "hospital, police said.", 5),
    ("Attentat à Mogadiscio : 7 morts",
     "Une voiture piégée a explosé lundi près d'un hôtel de Mogadiscio. Plusieurs personnes ont été blessées, "
     "selon la police.", 7),
    ("مقتل 6 في تفجير سيارة مفخخة ببغداد",
     "انفجرت سيارة مفخخة في سوق مزدحم ببغداد يوم الاثنين، وأصيب عدد من المارة، بحسب الشرطة.", 6),
])
def test_a_headline_toll_wins_over_a_body_that_gives_no_figure(title, text, killed):
    """The body tells of injuries and no death (0 killed by the codebook's rule, read alone), but the headline
    counts the dead: the headline's figure is the report's; the injuries stay uncounted, not zero."""
    assert extract(text, published="2024-03-04").killed == 0
    record = extract(text, title=title, published="2024-03-04")
    assert (record.killed, record.wounded) == (killed, None)
    assert extract_batch([{"id": "1", "text": text, "title": title, "published": "2024-03-04"}])[0]["killed"] == killed


def test_a_body_figure_is_kept_over_the_headline():
    text = "A roadside bomb hit a police vehicle in Kabul on Monday. Three policemen were killed and two wounded."
    record = extract(text, title="Bomb kills 5 in Kabul", published="2024-03-04")
    assert (record.killed, record.wounded) == (3, 2)
