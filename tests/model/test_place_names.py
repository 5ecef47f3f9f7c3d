"""Recorded (English) place names in the reader's language from the bundled gazetteer."""

from marsad.model.place_names import arabic_place, place_name


def test_arabic_names_for_cities_and_admin1_units():
    assert place_name("Baghdad", "ar", "IQ") == "بغداد"
    assert place_name("Kirkuk", "ar", "IQ", "admin1") == "كركوك"
    assert place_name("Tunis", "ar", "tn") == "تونس"  # country codes in either case


def test_other_languages_and_unknown_names_are_as_recorded():
    assert place_name("Baghdad", "en", "IQ") == "Baghdad"
    assert place_name("Baghdad", "fr", "IQ") == "Baghdad"
    assert place_name("Nowhere Town", "ar", "IQ") == "Nowhere Town"
    assert place_name(None, "ar", "IQ") == place_name("", "ar") == ""


def test_a_city_is_looked_up_in_its_country_only():
    # Tunis is not a city of Iraq: the recorded name stays
    assert place_name("Tunis", "ar", "IQ") == "Tunis"


def test_the_recorded_admin1_picks_among_cities_of_the_same_name():
    any_admin1 = arabic_place("Mosul", "IQ", "city")
    assert arabic_place("Mosul", "IQ", "city", "Nineveh") == any_admin1 == "الموصل"
    assert "\u200c" not in arabic_place("Tehran", "IR", "city")
