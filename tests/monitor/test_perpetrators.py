"""The perpetrator reader on sentences written for these tests, in Arabic, French and English."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.model.organisations import load_registry
from marsad.monitor.perpetrators import UNKNOWN, PerpetratorResult, find_perpetrator


@pytest.mark.parametrize("text,lang,name,claimed", [
    ("أعلن تنظيم داعش مسؤوليته عن التفجير في كركوك", "ar", "Islamic State of Iraq and the Levant (ISIL)", True),
    ("تبنت حركة الشباب المجاهدين الهجوم على الفندق", "ar", "Al-Shabaab", True),
    ("قتل جنديان في هجوم شنه عناصر من تنظيم الدولة", "ar", "Islamic State of Iraq and the Levant (ISIL)", False),
    ("L'État islamique a revendiqué l'attaque contre la caserne", "fr", "Islamic State of Iraq and the Levant (ISIL)", True),
    ("Des jihadistes de l'EI ont tué dix soldats", "fr", "Islamic State of Iraq and the Levant (ISIL)", False),
    ("Al-Shabaab militants attacked an army base; the group claimed responsibility.", "en", "Al-Shabaab", True),
    ("Houthi rebels fired a missile at the city", "en", "Houthi extremists (Ansar Allah)", False),
    ("The attack was claimed by AQAP in a statement.", "en", "Al-Qaida in the Arabian Peninsula (AQAP)", True),
])
def test_named_groups(text, lang, name, claimed):
    found = find_perpetrator(text, lang)
    assert found.name == name and found.claimed is claimed
    assert found.key and found.evidence and 0 < found.confidence <= 1


def test_every_answer_is_a_gtd_name_of_the_registry():
    found = find_perpetrator("Boko Haram fighters raided a village", "en")
    assert load_registry().by_gtd_name(found.name).key == found.key == "boko-haram"


def test_unknown_when_no_group_is_named():
    assert find_perpetrator("مسلحون مجهولون يهاجمون نقطة تفتيش", "ar").name == UNKNOWN
    assert find_perpetrator("No group claimed responsibility for the attack.", "en") == PerpetratorResult()


def test_claim_beats_a_target():
    text = "Airstrikes hit Houthi positions in Saada. Separately, AQAP claimed responsibility for a bombing in Aden."
    assert find_perpetrator(text, "en").key == "aqap"


def test_a_group_only_targeted_is_not_the_perpetrator():
    assert find_perpetrator("شن الطيران غارات على مواقع الحوثيين في صعدة", "ar").name == UNKNOWN


def test_weak_alias_needs_a_claim():
    assert find_perpetrator("شارك الشباب في مباراة كرة القدم", "ar").name == UNKNOWN
    assert find_perpetrator("تبنى الشباب الهجوم على القاعدة العسكرية", "ar").key == "al-shabaab"


def test_branch_by_country():
    text = "Islamic State militants attacked a checkpoint"
    assert find_perpetrator(text, "en").key == "isil"
    assert find_perpetrator(text, "en", country="AF").name == "Khorasan Chapter of the Islamic State"
    assert find_perpetrator(text, "en", country="eg").key == "isil-sinai"


def test_longest_alias_wins():
    found = find_perpetrator("Pakistani Taliban claimed the bombing", "en")
    assert found.name == "Tehrik-i-Taliban Pakistan (TTP)"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["ar", "en", "fr"]))
def test_never_raises(text, lang):
    found = find_perpetrator(text, lang)
    assert found.name == UNKNOWN or load_registry().by_gtd_name(found.name) or found.key
