"""Explicit-evidence type rules in Arabic, English and French (sentences written for these tests)."""

from __future__ import annotations

import pytest

from marsad.monitor.features import fold_tokens
from marsad.monitor.incident_types import classify_types
from marsad.monitor.type_rules import ENABLED, RULES, apply_rules, evidence


def _evidence(text: str, lang: str) -> set[str]:
    return evidence(fold_tokens(text), lang)


@pytest.mark.parametrize(
    ("text", "lang", "kinds"),
    [
        ("Armed men kidnapped two aid workers on the road to Gao.", "en", {"KIDNAP"}),
        ("Des hommes armés ont enlevé deux humanitaires près de Gao.", "fr", {"KIDNAP", "FIRE"}),
        ("اختطف مسلحون اثنين من عمال الإغاثة قرب غاو", "ar", {"KIDNAP", "FIRE"}),
        ("The mayor was assassinated outside the town hall.", "en", {"ASSASSIN"}),
        ("Le maire a été assassiné devant la mairie.", "fr", {"ASSASSIN"}),
        ("اغتيال رئيس البلدية أمام مقر البلدية", "ar", {"ASSASSIN"}),
        ("A suicide bomber blew himself up at the gate of the barracks.", "en", {"BOMB"}),
        ("Un kamikaze s'est fait exploser à l'entrée de la caserne.", "fr", {"BOMB"}),
        ("فجر انتحاري حزاما ناسفا عند مدخل الثكنة", "ar", {"BOMB"}),
        ("Two gunmen shot dead a shopkeeper in the old market.", "en", {"FIRE"}),
        ("Un commerçant a été tué par balles dans le vieux marché.", "fr", {"FIRE"}),
        ("قتل تاجر بالرصاص في السوق القديم", "ar", {"FIRE"}),
        ("A man stabbed a guard with a knife at the station.", "en", {"MELEE"}),
        ("Un homme a poignardé un gardien à la gare.", "fr", {"MELEE"}),
        ("طعن رجل حارسا بسكين في المحطة", "ar", {"MELEE"}),
        ("Rioters set fire to the party office overnight.", "en", {"ARSON"}),
        ("Des émeutiers ont incendié le siège du parti.", "fr", {"ARSON"}),
        ("أضرم مجهولون النار في مقر الحزب", "ar", {"ARSON"}),
        ("The ministers met in Cairo to discuss the regional strategy.", "en", set()),
        ("Les ministres se sont réunis au Caire pour la stratégie régionale.", "fr", set()),
        ("اجتمع الوزراء في القاهرة لبحث الاستراتيجية الإقليمية", "ar", set()),
    ],
)
def test_evidence_is_read_in_each_language(text, lang, kinds):
    assert _evidence(text, lang) == kinds


def test_dawn_is_not_a_bombing():
    # "فجر" alone is dawn (fajr); only "فجر نفسه" (blew himself up) is explosive evidence
    assert "BOMB" not in _evidence("هاجم مسلحون قرية فجر اليوم", "ar")
    assert "BOMB" in _evidence("فجر نفسه وسط الحشد", "ar")


def test_stated_kidnapping_overrides_the_model_and_keeps_other_types():
    probs: dict[str, float] = {}
    out = apply_rules({"KIDNAP", "FIRE"}, {"attack": ["Armed Assault", "Assassination"], "weapon": ["Firearms"]},
                      probs)
    assert out["attack"] == ["Hostage Taking (Kidnapping)", "Assassination"]
    assert out["weapon"] == ["Firearms"]
    assert probs["Hostage Taking (Kidnapping)"] == 1.0


def test_a_bomb_aimed_at_an_official_stays_an_assassination():
    out = apply_rules({"BOMB"}, {"attack": ["Assassination"], "weapon": ["Firearms"]}, {})
    assert out["attack"] == ["Assassination"]
    assert out["weapon"] == ["Explosives"]


def test_gunfire_and_explosives_together_decide_nothing():
    lists = {"attack": ["Unknown"], "weapon": ["Unknown"]}
    assert apply_rules({"BOMB", "FIRE"}, lists, {}) == lists


def test_disabled_rules_do_not_fire():
    assert "fire_weapon" not in ENABLED and "fire_weapon" in RULES
    assert apply_rules({"FIRE"}, {"attack": ["Armed Assault"], "weapon": ["Unknown"]}, {})["weapon"] == ["Unknown"]


@pytest.mark.parametrize(
    ("text", "lang", "attack"),
    [
        ("Gunmen abducted three engineers from their camp near the oil field on Monday.", "en",
         "Hostage Taking (Kidnapping)"),
        ("Des hommes armés ont enlevé trois ingénieurs dans leur camp lundi.", "fr", "Hostage Taking (Kidnapping)"),
        ("اختطف مسلحون ثلاثة مهندسين من مخيمهم قرب حقل النفط يوم الاثنين", "ar", "Hostage Taking (Kidnapping)"),
        ("Un kamikaze s'est fait exploser devant un commissariat, tuant quatre policiers.", "fr",
         "Bombing/Explosion"),
        ("فجر انتحاري حزاما ناسفا أمام مركز للشرطة ما أدى إلى مقتل أربعة شرطيين", "ar", "Bombing/Explosion"),
    ],
)
def test_classify_types_follows_stated_evidence(text, lang, attack):
    assert classify_types(text, lang=lang).attack_types[0] == attack
