"""The Aho-Corasick name scanner: whole words, Arabic clitics, longest match, payloads."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.monitor.scanner import ARABIC_PREFIXES, NameScanner, scan_text
from marsad.text import fold

SCANNER = NameScanner([
    (fold("Mosul"), "mosul"), (fold("الموصل"), "mosul"), (fold("كركوك"), "kirkuk"), (fold("Al-Qaida"), "aq"),
    (fold("Al-Qaida in Iraq"), "aqi"), (fold("ريف"), "rif"), (fold("New York"), "ny"), (fold("York"), "york"),
])


def keys(text: str) -> list[tuple]:
    return [(h.key, h.payloads) for h in SCANNER.scan(scan_text(text))]


def test_latin_whole_words_only():
    assert keys("bombing in Mosul.") == [("mosul", ("mosul",))]
    assert keys("Mosuls and mosulx") == []


def test_arabic_clitics():
    for text in ("بكركوك", "وكركوك", "في الموصل", "بالموصل", "وبالموصل", "للموصل"):
        assert keys(text) and keys(text)[0][1] in (("kirkuk",), ("mosul",)), text


def test_arabic_match_inside_a_word_is_refused():
    assert keys("تعريف") == []


def test_longest_match_wins():
    assert keys("Al-Qaida in Iraq claimed it") == [("al qaida in iraq", ("aqi",))]
    assert keys("a visit to New York") == [("new york", ("ny",))]


def test_offsets_point_at_the_name():
    norm = scan_text("explosion in Mosul")
    hit = SCANNER.scan(norm)[0]
    assert norm[hit.start:hit.end] == "mosul"


def test_prefixes_include_article_forms():
    assert {"", "و", "ب", "بال", "وبال", "لل", "فال"} <= ARABIC_PREFIXES


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=120))
def test_scan_never_raises_and_spans_are_in_text(text):
    norm = scan_text(text)
    for hit in SCANNER.scan(norm):
        assert 0 <= hit.start < hit.end <= len(norm)


def test_digit_only_latin_key_is_found_in_arabic_text():
    scanner = NameScanner([(fold("الموصل"), "mosul"), ("6", "six")])
    assert [h.payloads for h in scanner.scan(scan_text("في الموصل 6"))] == [("mosul",), ("six",)]


def test_mixed_script_text_finds_both_scripts():
    assert keys("انفجار في الموصل near Kirkuk and New York") == [("موصل", ("mosul",)), ("new york", ("ny",))]


def test_rows_rebuild_the_same_scanner():
    again = NameScanner.from_rows(SCANNER.rows())
    assert again.rows() == SCANNER.rows() and again.size == SCANNER.size
    for text in ("bombing in Mosul, New York and وبالموصل", "Al-Qaida in Iraq claimed it", "تعريف"):
        assert again.scan(scan_text(text)) == SCANNER.scan(scan_text(text))


def test_arabic_hits_with_the_same_span_keep_the_longer_key():
    # "بنغازي" is a key, and so is "نغازي" after the clitic ب: both span the word, the whole name wins
    scanner = NameScanner([(fold("نغازي"), "clitic"), (fold("بنغازي"), "whole")])
    assert [(h.key, h.prefix, h.payloads) for h in scanner.scan(scan_text("في بنغازي"))] == [("بنغازي", "", ("whole",))]


def test_arabic_offsets_cover_the_clitics_and_every_word_of_the_name():
    scanner = NameScanner([(fold("مدينة الصدر"), "sadr"), (fold("الموصل"), "mosul")])
    norm = scan_text("انفجار وبالموصل ثم في مدينة الصدر.")
    assert [(norm[h.start:h.end], h.prefix) for h in scanner.scan(norm)] == [("وبالموصل", "وبال"), ("مدينه الصدر", "")]


def test_whole_word_key_of_arabic_letters_is_found_without_latin_letters_in_the_text():
    # "ال باسو" folds to the key " باسو " (whole word only, no clitics), read with the Arabic keys
    scanner = NameScanner([("ال باسو", "paso"), (fold("الموصل"), "mosul"), (fold("Kabul"), "kabul")])
    assert scanner._latin_keys_have_letters
    found = [(h.key, h.prefix, h.arabic) for h in scanner.scan(scan_text("في باسو وبالموصل"))]
    assert found == [("باسو", "", False), ("موصل", "وبال", True)]
    assert scanner.scan(scan_text("وباسو")) == []
