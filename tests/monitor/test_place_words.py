"""The word lists of the place reader are folded, so they can match folded text."""

from __future__ import annotations

from marsad.monitor.place_words import ADMIN_TYPES, CUE_BIGRAMS, CUE_WORDS, DEMONYMS, LATIN_STOP, NAME_TYPES, WEAK_NAMES
from marsad.text import fold


def test_lists_are_folded():
    for word in [*CUE_WORDS, *CUE_BIGRAMS, *LATIN_STOP, *WEAK_NAMES]:
        assert fold(word) == word, word


def test_admin_types_are_name_types():
    assert ADMIN_TYPES <= set(NAME_TYPES)


def test_demonyms_are_keyed_by_country_code():
    assert all(len(code) == 2 and code.isupper() and forms for code, forms in DEMONYMS.items())
    assert "عراقي" in DEMONYMS["IQ"] and "irakien" in DEMONYMS["IQ"]
