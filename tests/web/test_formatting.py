"""Dates with the Hijri date in Arabic, digits and names in the page's language."""

from datetime import date, datetime, timezone

from marsad.web.formatting import (
    arabic_digits,
    format_country,
    format_date,
    format_datetime,
    format_hijri,
    format_number,
    format_place,
    format_vocab,
    localise_marker_places,
    parse_when,
)


def test_arabic_date_has_the_hijri_date_beside_it():
    assert format_date("2024-03-15", "ar") == "١٥ مارس ٢٠٢٤ (٥ رمضان ١٤٤٥ هـ)"
    assert format_date(date(2024, 3, 15), "en") == "March 15, 2024"
    assert format_date("2024-03-15T23:00:00Z", "fr") == "15 mars 2024"
    assert format_date("2024-03-15", "en", hijri=True) == "March 15, 2024 (5 Ramadan 1445 AH)"


def test_datetime_is_utc_with_local_digits():
    text = format_datetime("2024-03-15T10:05:00.000Z", "ar")
    assert text.startswith("١٥ مارس ٢٠٢٤") and "١٠:٠٥" in text and text.endswith("UTC")
    assert format_datetime(datetime(2024, 3, 15, 10, 5, tzinfo=timezone.utc), "en").endswith("10:05 UTC")


def test_unreadable_values_are_shown_as_they_are():
    assert format_date("not a date", "ar") == "not a date" and format_date(None) == ""
    assert parse_when("2024-03-15T10:00:00") == datetime(2024, 3, 15, 10, tzinfo=timezone.utc)
    assert format_hijri(date(1, 1, 1)) == ""


def test_numbers():
    assert format_number(12345, "ar") == "١٢٬٣٤٥"
    assert format_number(12345, "en") == "12,345"
    assert format_number(12345, "fr").replace("\u202f", " ") == "12 345"
    assert format_number(None) == "" and format_number("abc") == "abc"
    assert arabic_digits("2024") == "٢٠٢٤"


def test_country_and_vocabulary_labels():
    assert format_country("jo", "fr") == "Jordanie" and format_country("JO", "en") == "Jordan"
    assert format_country("identity--x", "ar") == "identity--x" and format_country(None) == ""
    assert format_vocab("Bombing/Explosion", "attack_types", "ar") == "تفجير"
    assert format_vocab("Something else", "attack_types", "ar") == "Something else"


def test_place_names_in_the_page_language():
    assert format_place("Baghdad", "IQ", lang="ar") == "بغداد"
    assert format_place("Kirkuk", "IQ", "admin1", lang="ar") == "كركوك"
    assert format_place("Baghdad", "IQ", lang="fr") == "Baghdad"
    assert format_place(None, "IQ", lang="ar") == ""
    markers = {"features": [{"properties": {"kind": "incident", "country": "IQ", "city": "Baghdad",
                                            "admin1": "Baghdad"}},
                            {"properties": {"kind": "cluster", "count": 3}}]}
    localised = localise_marker_places(markers, "ar")
    assert localised["features"][0]["properties"]["city"] == "بغداد"
    assert localised["features"][1]["properties"] == {"kind": "cluster", "count": 3}
