"""The GTD vocabularies: GTD's exact names and codes, labels in three languages, clear lookup errors."""

import pytest

from marsad.errors import InputError
from marsad.model.vocab import ATTACK_TYPES, TARGET_TYPES, THEMES, VOCABULARIES, WEAPON_TYPES


def test_gtd_sizes_and_codes_are_the_codebooks():
    assert len(ATTACK_TYPES) == 9 and len(TARGET_TYPES) == 22 and len(WEAPON_TYPES) == 13
    assert [t.code for t in ATTACK_TYPES] == list(range(1, 10))
    assert ATTACK_TYPES.by_code(3).name == "Bombing/Explosion"
    assert TARGET_TYPES.by_code(14).name == "Private Citizens & Property"
    assert WEAPON_TYPES.by_code(6).name == "Explosives"


def test_every_term_has_three_distinct_language_labels():
    for vocabulary in VOCABULARIES.values():
        for term in vocabulary:
            assert term.ar and term.en and term.fr
            assert any("\u0600" <= ch <= "\u06ff" for ch in term.ar), term
            assert term.label("ar") == term.ar and term.label("xx") == term.en


def test_themes_cover_the_named_ones():
    assert {"drones", "crypto-financing", "child-recruitment", "returning-foreign-fighters",
            "critical-infrastructure", "soft-targets", "online-propaganda", "terror-crime-nexus",
            "borders"} == set(THEMES.names)


def test_unknown_names_and_codes_are_input_errors():
    with pytest.raises(InputError, match="attack_types"):
        ATTACK_TYPES.get("Bombing")
    with pytest.raises(InputError):
        WEAPON_TYPES.by_code(99)
    with pytest.raises(InputError):
        ATTACK_TYPES.validate(["Armed Assault", "nope"])
    assert ATTACK_TYPES.validate(["Armed Assault"]) == ["Armed Assault"]
