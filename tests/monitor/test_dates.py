"""Incident dates in Arabic, English and French reports (sentences written for these tests)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.monitor.dates import _RELATIVE_LITERALS, DateResult, find_incident_date

FRIDAY = date(2021, 5, 28)  # publication day used below (a Friday)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # absolute dates
        ("Gunmen attacked a checkpoint on 26 May 2021, killing two soldiers.", "en", "2021-05-26"),
        ("On May 26, 2021, a car bomb exploded near the ministry.", "en", "2021-05-26"),
        ("Thursday, May 27, gunmen attacked a convoy.", "en", "2021-05-27"),
        ("The attack of the 26th of May 2021 was claimed by the group.", "en", "2021-05-26"),
        ("KABUL, Jan. 25, 2013 - A bomb went off.", "en", "2013-01-25"),
        ("L'attaque a eu lieu le jeudi 26 mai 2021 près de Gao.", "fr", "2021-05-26"),
        ("L'attentat du 1er mars a fait deux morts.", "fr", "2021-03-01"),
        ("Les faits remontent au 26/05/2021.", "fr", "2021-05-26"),
        ("Incident du 2021-05-26 à Niamey.", "fr", "2021-05-26"),
        ("قتل ثلاثة جنود الخميس 26 مايو 2021 في هجوم على نقطة تفتيش", "ar", "2021-05-26"),
        ("انفجار عبوة ناسفة في ٢٦ أيار ٢٠٢١ قرب الموصل", "ar", "2021-05-26"),
        ("هجوم مسلح يوم 12 تشرين الثاني 2020 على حاجز للجيش", "ar", "2020-11-12"),
        ("هجوم مسلح في 3 كانون الثاني 2021", "ar", "2021-01-03"),
        ("اعتداء إرهابي في 5 جانفي 2021 بولاية القصرين", "ar", "2021-01-05"),
        ("هجوم في 3 جويلية 2020 على دورية", "ar", "2020-07-03"),
        ("كمين في 15 أوت 2020", "ar", "2020-08-15"),
        ("تفجير في 10 شباط 2021", "ar", "2021-02-10"),
        ("هجوم 26 مايو (أيار) 2021 على فندق", "ar", "2021-05-26"),
        ("هجوم في 15 شوال 1442 هـ", "ar", "2021-05-27"),
        # dates without a year: the closest on or before publication
        ("A bomb on June 3 killed two people.", "en", "2020-06-03"),
        ("Une attaque le 20 mai a fait trois blessés.", "fr", "2021-05-20"),
        ("هجوم في 20 مايو أسفر عن مقتل جندي", "ar", "2021-05-20"),
        # relative to publication
        ("A bomb exploded yesterday in Kabul, killing two.", "en", "2021-05-27"),
        ("Gunmen attacked a police post on Tuesday.", "en", "2021-05-25"),
        ("Last Wednesday, a blast killed four people.", "en", "2021-05-26"),
        ("Gunmen attacked a village on Friday.", "en", "2021-05-28"),
        ("Last Friday, gunmen attacked a village.", "en", "2021-05-21"),
        ("the day before yesterday a bomb went off", "en", "2021-05-26"),
        ("Three days ago a bomb went off.", "en", "2021-05-25"),
        ("Today a bomb went off at the market.", "en", "2021-05-28"),
        ("Une attaque a eu lieu hier soir à Bamako.", "fr", "2021-05-27"),
        ("L'attaque d'avant-hier a fait deux morts.", "fr", "2021-05-26"),
        ("Des hommes armés ont attaqué le village mercredi dernier.", "fr", "2021-05-26"),
        ("Dans la nuit de samedi à dimanche, une attaque a visé un camp.", "fr", "2021-05-22"),
        ("Il y a deux jours, une explosion a secoué la ville.", "fr", "2021-05-26"),
        ("Aujourd'hui, une attaque a visé la gendarmerie.", "fr", "2021-05-28"),
        ("قتل جنديان أمس في هجوم مسلح", "ar", "2021-05-27"),
        ("هاجم مسلحون بالأمس حاجزا أمنيا", "ar", "2021-05-27"),
        ("وقع انفجار أول أمس في السوق", "ar", "2021-05-26"),
        ("هجوم مسلح فجر اليوم على ثكنة عسكرية", "ar", "2021-05-28"),
        ("انفجار مساء الثلاثاء في حي شعبي", "ar", "2021-05-25"),
        ("هجوم الخميس الماضي على قافلة", "ar", "2021-05-27"),
        ("هجوم الجمعة الماضي على قافلة", "ar", "2021-05-21"),
        ("وقع الهجوم قبل يومين", "ar", "2021-05-26"),
        ("وقع التفجير قبل ثلاثة أيام", "ar", "2021-05-25"),
    ],
)
def test_finds_the_incident_date(text, lang, expected):
    result = find_incident_date(text, lang, FRIDAY)
    assert result.date is not None and result.date.isoformat() == expected, result
    assert result.precision == "day"
    assert result.evidence


def test_gtd_summary_prefix_is_month_day_year():
    result = find_incident_date("05/26/2021: Assailants attacked a checkpoint.", "en", None)
    assert result == DateResult(date(2021, 5, 26), "day", "05/26/2021")


def test_month_and_year_only_gives_month_precision():
    result = find_incident_date("In May 2021, a bomb exploded near the port.", "en", FRIDAY)
    assert (result.date, result.precision) == (date(2021, 5, 1), "month")


def test_numeric_dates_follow_the_language():
    assert find_incident_date("Attack on 03/04/2021.", "en", FRIDAY).date == date(2021, 3, 4)
    assert find_incident_date("Attaque le 03/04/2021.", "fr", FRIDAY).date == date(2021, 4, 3)
    assert find_incident_date("Attack on 26/04/2021.", "en", FRIDAY).date == date(2021, 4, 26)


def test_incident_sentence_wins_over_background_date():
    text = ("The peace agreement was signed on 12 March 2019. "
            "On Tuesday, gunmen attacked a police station, killing three officers.")
    assert find_incident_date(text, "en", FRIDAY).date == date(2021, 5, 25)


def test_dateline_gives_way_to_the_incident_day():
    text = "KABUL, Afghanistan (May 28, 2021)\nA security force killed two insurgents in Ghazni yesterday."
    assert find_incident_date(text, "en", FRIDAY).date == date(2021, 5, 27)


def test_publication_datetime_is_accepted():
    published = datetime(2021, 5, 28, 23, 50)
    assert find_incident_date("A bomb exploded yesterday.", "en", published).date == date(2021, 5, 27)


def test_relative_words_need_a_publication_date():
    assert find_incident_date("A bomb exploded yesterday.", "en", None) == DateResult(None, None, "")


def test_no_date_found():
    assert find_incident_date("Gunmen attacked a checkpoint.", "en", FRIDAY) == DateResult(None, None, "")
    assert find_incident_date("", "ar", FRIDAY).date is None


def test_future_dates_are_never_returned():
    assert find_incident_date("The trial will open on 3 June 2021.", "en", FRIDAY).date is None


def test_impossible_dates_are_skipped():
    assert find_incident_date("Attack on 31 February 2021.", "en", FRIDAY).date is None


@settings(max_examples=60, deadline=None)
@given(
    published=st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    case=st.sampled_from([
        ("A bomb exploded yesterday.", "en"), ("Gunmen attacked on Monday.", "en"),
        ("L'attaque de mercredi dernier.", "fr"), ("هجوم الخميس الماضي", "ar"), ("Attack on June 3.", "en"),
        ("Attaque le 1er mars.", "fr"), ("هجوم في 20 مايو", "ar"), ("Three days ago a bomb went off.", "en"),
        ("وقع الهجوم قبل يومين", "ar"), ("aujourd'hui une attaque", "fr"), ("Attack on 29 February.", "en"),
    ]),
)
def test_result_is_within_a_year_before_publication(published, case):
    text, lang = case
    result = find_incident_date(text, lang, published)
    assert result.date is not None
    assert published - timedelta(days=366 * 4) <= result.date <= published


def test_reporting_day_gives_way_to_the_event_day():
    text = "Today, security forces confirmed that a militant leader was killed in an operation on Sunday."
    assert find_incident_date(text, "en", FRIDAY).date == date(2021, 5, 23)
    text = "Forces yesterday confirmed the arrest of the commander in Kunduz on May 19."
    assert find_incident_date(text, "en", FRIDAY).date == date(2021, 5, 19)


_RELATIVE_PIECES = sorted({w for lang in ("en", "fr", "ar") for w in _RELATIVE_LITERALS[lang].literals}) + [
    " ", ".", "x", "avant-", "يوم ", "last ", "2"]


@given(st.lists(st.sampled_from(_RELATIVE_PIECES), max_size=12), st.sampled_from(["en", "fr", "ar", "other"]))
def test_relative_words_found_in_one_pass_are_those_the_text_holds(pieces, lang):
    """_relative skips a word its one-pass literal search did not find: it finds every word the text holds."""
    text = "".join(pieces)
    gate = _RELATIVE_LITERALS[lang]
    assert {w for w in gate.literals if w in text} <= gate(text)
