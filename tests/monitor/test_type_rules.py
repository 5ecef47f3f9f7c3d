"""Explicit-evidence type rules in Arabic, English and French (sentences written for these tests)."""

from __future__ import annotations

import re
from re import _parser

import pytest

from marsad.monitor.features import fold_tokens
from marsad.monitor.incident_types import classify_types
from marsad.monitor.type_rules import _LEX, _PATTERNS, ENABLED, RULES, _lookahead, _starts, apply_rules, evidence

parse = _parser.parse


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


def _ungated(lang: str) -> re.Pattern:
    """The evidence pattern without its look-ahead of first letters (what it was before that gate)."""
    return re.compile(r" (?:" + "|".join(f"(?P<{name}>{forms[lang]})" for name, forms in _LEX.items()) + r")(?!\S)")


_WORDS = {lang: sorted({w for forms in _LEX.values() for w in re.findall(r"[^\W\d_]+(?: [^\W\d_]+)*", forms[lang])})
          for lang in ("ar", "en", "fr")}


_CLITICS, _ENDINGS = ("", "و", "ال", "وال", "ب", "s"), ("", "s", "ed", "ing", " ", " 47", " x")


@pytest.mark.parametrize("lang", ["ar", "en", "fr"])
def test_the_first_letters_look_ahead_changes_no_match(lang):
    # every word and phrase of the lexicon, whole and cut, with clitics and endings, alone and after another:
    # the gate must let every real start through
    gated, plain = _PATTERNS[lang], _ungated(lang)
    texts = [f" {head}{w[:n]}{end}" for w in _WORDS[lang] for n in range(1, len(w) + 1)
             for head in _CLITICS for end in _ENDINGS]
    texts += [a + b for a, b in zip(texts, reversed(texts))]
    assert sum(1 for t in texts if plain.search(t)) > len(texts) // 50  # the texts do hold matches
    for text in texts:
        assert [(m.span(), m.lastgroup) for m in gated.finditer(text)] == \
            [(m.span(), m.lastgroup) for m in plain.finditer(text)], text


def test_the_look_ahead_reads_first_letters():
    assert "(?=" in _PATTERNS["en"].pattern
    assert _lookahead(_starts(parse("kid|ab?c"), 3)) == "(?=(?:a(?:(?:b(?:c)|c))|k(?:i(?:d))))"
    assert _lookahead(_starts(parse(r"x\w+|yz"), 3)) == "(?=(?:x|y(?:z)))"  # \w ends a prefix where it stands
    assert _lookahead(_starts(parse(r"\w+"), 3)) == ""  # no first letter known: no gate
