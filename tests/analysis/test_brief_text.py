"""Counted nouns, dates and lists in Arabic, English and French."""

from __future__ import annotations

from datetime import date

import pytest

from marsad.analysis.brief_text import count_or_unreported, counted, digits, join, known, say_date


@pytest.mark.parametrize("n, text", [
    (0, "لا قتلى"), (1, "قتيل واحد"), (2, "قتيلان"), (3, "٣ قتلى"), (10, "١٠ قتلى"), (11, "١١ قتيلاً"),
    (99, "٩٩ قتيلاً"), (100, "١٠٠ قتيل"), (101, "١٠١ قتيل"), (103, "١٠٣ قتلى"), (111, "١١١ قتيلاً"),
    (1000, "١٠٠٠ قتيل"),
])
def test_arabic_nouns_agree_with_their_number(n, text):
    assert counted(n, "killed", "ar") == text


def test_arabic_other_nouns():
    assert counted(2, "wounded", "ar") == "جريحان"
    assert counted(1, "hostages", "ar") == "رهينة واحدة"
    assert counted(12, "incidents", "ar") == "١٢ حادثاً"


def test_english_and_french_plurals():
    assert [counted(n, "wounded", "fr") for n in (0, 1, 2)] == ["aucun blessé", "1 blessé", "2 blessés"]
    assert [counted(n, "incidents", "en") for n in (0, 1, 2)] == ["0 incidents", "1 incident", "2 incidents"]
    assert count_or_unreported(None, "killed", "en") == "killed not reported"
    assert count_or_unreported(None, "wounded", "ar") == "عدد الجرحى غير مذكور"


def test_dates_at_their_precision():
    assert say_date("2016-05-12", "day", "en") == "12 May 2016"
    assert say_date("2016-05-01", "month", "fr") == "mai 2016"
    assert say_date("2016-05-01", "day", "fr") == "1er mai 2016"
    assert say_date(date(2016, 5, 12), "year", "ar") == "٢٠١٦"
    assert say_date("2016-05-12", "day", "ar") == "١٢ مايو ٢٠١٦"
    assert say_date(None, None, "en") == "date unknown"


def test_lists_digits_and_unknowns():
    assert join(["a", "b", "c"], "en") == "a, b and c"
    assert join(["أ", "ب"], "ar") == "أ وب"
    assert digits(2.5, "fr") == "2,5" and digits(2.5, "ar") == "٢٫٥"
    assert not known("Unknown") and not known("") and not known(None) and known("Baghdad")
