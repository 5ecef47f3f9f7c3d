"""Relevance: incident reports score high, policy news low, in Arabic, English and French (sentences
written for these tests)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.monitor.relevance import THRESHOLD, Relevance, score_relevance

INCIDENTS = [
    ("en", "A suicide bomber blew himself up at a police station in the city on Tuesday, killing nine "
           "officers and wounding 14 people, a security source said."),
    ("en", "Gunmen ambushed a bus carrying workers on the highway and shot dead six passengers."),
    ("fr", "Une explosion a visé mardi un convoi militaire sur la route de Gao, tuant trois soldats et en "
           "blessant cinq, selon l'armée."),
    ("fr", "Des hommes armés ont enlevé un prêtre et deux fidèles dans un village, ont indiqué les autorités."),
    ("ar", "قُتل ثلاثة من رجال الشرطة وأصيب خمسة آخرون في انفجار عبوة ناسفة استهدفت دوريتهم أمس."),
    ("ar", "اختطف مسلحون مجهولون سائقي شاحنات على الطريق الدولي وطالبوا بفدية."),
]
POLICY = [
    ("en", "The foreign ministers discussed the regional strategy against terrorism at their annual "
           "meeting and adopted a joint statement on cooperation."),
    ("en", "The court postponed the trial of five men accused of financing a terrorist organisation."),
    ("fr", "Le ministre a présidé un séminaire sur la prévention de la radicalisation et la coopération "
           "régionale en matière de sécurité."),
    ("fr", "Le parlement a adopté la nouvelle loi sur le renseignement après un long débat."),
    ("ar", "ناقش الاجتماع الوزاري تحديث الاستراتيجية العربية لمكافحة الإرهاب وتعزيز التعاون الأمني."),
    ("ar", "أحيت الجمعية ذكرى ضحايا الإرهاب بندوة حضرها عدد من المسؤولين والباحثين."),
]


@pytest.mark.parametrize("lang,text", INCIDENTS)
def test_incident_reports_are_relevant(lang, text):
    result = score_relevance(text, lang=lang)
    assert result.is_incident and result.probability >= THRESHOLD


@pytest.mark.parametrize("lang,text", POLICY)
def test_policy_news_is_not_an_incident(lang, text):
    result = score_relevance(text, lang=lang)
    assert not result.is_incident and result.probability < THRESHOLD


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_incidents_outrank_policy_news_in_each_language(lang):
    low = max(score_relevance(t, lang=lang).probability for g, t in POLICY if g == lang)
    high = min(score_relevance(t, lang=lang).probability for g, t in INCIDENTS if g == lang)
    assert high > low


def test_title_counts():
    body = "Officials gave no further details."
    with_title = score_relevance(body, title="Car bomb kills 12 near army base", lang="en")
    without = score_relevance(body, lang="en")
    assert with_title.probability > without.probability


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["ar", "en", "fr", "other"]))
def test_any_text_gives_a_probability(text, lang):
    result = score_relevance(text, lang=lang)
    assert isinstance(result, Relevance)
    assert 0.0 <= result.probability <= 1.0
    assert result.is_incident == (result.probability >= THRESHOLD)
