"""Tolls told without a count, in Arabic, English and French (sentences written for these tests)."""

from __future__ import annotations

import pytest

from marsad.monitor import toll_statements
from marsad.monitor.numbers import normalise
from marsad.monitor.toll_statements import (
    CUE_STEMS,
    ZERO_LITERALS,
    Literals,
    assassination,
    attacker_only,
    damage,
    fate_told,
    lead_literals,
    named_victims,
    no_death_told,
    no_harm,
    no_injury_told,
    single_victim,
    zero_statements,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gunmen assassinated the mayor outside his office.", True),
        ("le maire a ete assassine devant la mairie.", True),
        ("اغتيال رئيس البلدية امام مكتبه", True),
        ("police foiled a plot to assassinate the mayor.", False),
        ("وأحبطت الشرطة محاولة اغتيال رئيس البلدية", False),
    ],
)
def test_assassination_is_one_dead_unless_attempted(text, expected):
    assert assassination(normalise(text)) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a suicide bomber set off his vest. the bomber was the only casualty.", True),
        ("un kamikaze s est fait exploser devant la caserne.", True),
        ("فجر انتحاري نفسه قرب الحاجز", True),
        ("the only road to the village was closed.", False),
    ],
)
def test_attacker_only(text, expected):
    assert attacker_only(normalise(text)) is expected


@pytest.mark.parametrize(
    ("text", "harm", "damaged"),
    [
        ("police defused a device outside the bank.", True, False),
        ("les otages ont ete liberes sains et saufs.", True, False),
        ("تمكن خبراء المتفجرات من تفكيك عبوة ناسفة", True, False),
        ("a bomb went off near the bank, damaging the facade.", False, True),
        ("une bombe a explose, causant des degats materiels.", False, True),
        ("انفجرت عبوة واسفرت عن اضرار مادية", False, True),
        ("a bomb exploded near the bank; police defused a second one.", False, False),
        ("gunmen seized two engineers on monday; they were released on friday.", True, False),
        ("police foiled an attack on the ministry.", True, False),
        ("les deux otages ont ete liberes vendredi.", True, False),
        ("la police a dejoue un attentat contre le ministere.", True, False),
        ("افرج الخاطفون عن المهندسين يوم الجمعة", True, False),
        ("احبطت الشرطة هجوما على الوزارة", True, False),
        ("gunmen seized two engineers on monday.", False, False),
    ],
)
def test_no_harm_and_damage(text, harm, damaged):
    lead = normalise(text)
    assert no_harm(lead) is harm
    assert damage(lead) is damaged


@pytest.mark.parametrize(
    ("text", "lang", "death", "injury"),
    [
        ("Three soldiers were killed and two wounded.", "en", True, True),
        ("The bodies of two shepherds were found near the village.", "en", True, False),
        ("A man was shot in both knees.", "en", False, True),
        ("Le soldat a été tué et son collègue blessé.", "fr", True, True),
        ("Les corps de deux bergers ont été retrouvés.", "fr", True, False),
        ("Un mortier est tombé sur la caserne.", "fr", False, False),  # "mortier" is no "mort"
        ("لقي جندي مصرعه وأصيب آخر", "ar", True, True),
        ("عثر على جثث ثلاثة رعاة", "ar", True, False),
        ("أصيب شرطي بجروح طفيفة", "ar", False, True),
        ("Soldiers patrolled the area.", "en", False, False),  # "soldiers" holds "die" inside a word
    ],
)
def test_death_and_injury_words(text, lang, death, injury):
    norm = normalise(text)
    assert no_death_told(norm, lang) is not death
    assert no_injury_told(norm, lang) is not injury


@pytest.mark.parametrize(
    ("text", "lang", "injuries", "expected"),
    [
        ("Gunmen kidnapped a doctor in the town.", "en", False, True),
        ("Un médecin a été enlevé par des hommes armés.", "fr", False, True),
        ("خطف مسلحون طبيبا في البلدة", "ar", False, True),
        ("A man was stabbed outside the mosque.", "en", True, True),
        ("A man was stabbed outside the mosque.", "en", False, False),
        ("Police defused a bomb under the bridge.", "en", False, True),
        ("Police arrested the suspect at his home.", "en", False, False),
        ("Une bombe a explosé devant la mairie.", "fr", True, False),
        ("انفجار قرب مبنى الوزارة", "ar", True, False),
    ],
)
def test_fate_told(text, lang, injuries, expected):
    assert fate_told(normalise(text), lang, injuries) is expected


def test_named_victims_counts_distinct_names():
    text = "Gunmen shot and killed Ahmad Khan, a teacher, in Ghazni. Ahmad Khan, a teacher, was killed at noon."
    assert named_victims(text, "killed") == 1
    assert named_victims("Two gunmen wounded Karim Haddad, a judge, and Sami Nour, a clerk.", "wounded") == 1
    assert named_victims("Three people were killed in the blast.", "killed") == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gunmen shot and killed a former district commander outside his home.", True),
        ("Gunmen killed a number of villagers in the raid.", False),
        ("Des hommes armés ont abattu un ancien commandant devant son domicile.", True),
        ("Des hommes armés ont tué une dizaine de villageois.", False),
        ("قتل مسلحون قائداً سابقاً للشرطة أمام منزله", True),
        ("سقط جندي قتيلاً في هجوم على حاجز عسكري", True),
        ("قتل مسلحون عدداً من القرويين في هجوم على القرية", False),
    ],
)
def test_single_victim(text, expected):
    assert single_victim(normalise(text)) is expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The blast caused no casualties.", {"both"}),
        ("No one was killed in the explosion, police said.", {"killed"}),
        ("L'explosion n'a fait aucune victime.", {"both"}),
        ("Il n'y a eu aucun mort selon la police.", {"killed"}),
        ("لم يسفر الانفجار عن وقوع اصابات", {"both"}),
        ("انفجرت العبوة دون وقوع اصابات", {"both"}),
        ("Three soldiers were killed in the ambush.", set()),
        ("قتل ثلاثة جنود في الكمين", set()),
    ],
)
def test_zero_statements_say_which_figure_is_zero(sentence, expected):
    sentence = normalise(sentence)
    assert zero_statements(sentence) == expected
    # a sentence without Latin letters gives the same answer when told so (only its Arabic guards are tried)
    if not any("a" <= c <= "z" for c in sentence):
        assert zero_statements(sentence, latin=False) == expected



@pytest.mark.parametrize("text", [
    "a suicide bomber blew himself up, killing three soldiers and wounding 12; the toll rose to five.",
    "des hommes armes ont tue un policier et blesse deux passants. aucune victime civile.",
    normalise("قتل ثلاثة جنود وأصيب خمسة في انفجار عبوة ناسفة، ولم يسفر الحادث عن إصابات أخرى"),
    "police defused a device; the hostages were freed unharmed after the arrest of a suspect trying to flee.",
    "", "kill", "nothing here at all",
])
def test_lead_literals_are_those_a_search_finds(text):
    # the one pass of the automaton agrees with a str.find of each literal, asked twice (the second answer is
    # the remembered one) and after another text
    expected = {literal for literal in lead_literals.literals if literal in text}
    assert lead_literals(text) == expected
    assert lead_literals(text) == expected
    lead_literals("another text, to be forgotten: killed")
    assert lead_literals(text[:]) == expected


def test_every_literal_guard_of_the_lead_readers_is_known():
    # a guard unknown to the automaton would be reported absent, and its reader would never fire
    known = lead_literals.literals
    guards = [*CUE_STEMS["other"], *toll_statements._ONLY_GUARDS, *toll_statements._SELF_GUARDS,
              *toll_statements._ASSASSINATION_GUARDS]
    guards += [g for parts in (toll_statements._NO_HARM, toll_statements._DAMAGE, toll_statements._EXPLODED)
               for gs, _ in parts for g in gs]
    guards += [g for table in (toll_statements._DEATH_RE, toll_statements._INJURY_RE, toll_statements._NOT_DEATH_RE)
               for gs, _ in table.values() for g in gs]
    guards += [g for gs in toll_statements._SINGLE_GUARDS.values() for g in gs]
    guards += [g for gs in toll_statements._ARRESTS.values() for g in gs]
    assert set(guards) <= known


@pytest.mark.parametrize("sentence", [
    "there were no casualties.", "no one was killed but two were injured.", "l explosion n a pas fait de victime.",
    normalise("لم يسفر الانفجار عن اصابات"), "aucun mort, trois blesses.", "nobody was hurt.", "five were killed.",
])
def test_zero_statements_read_the_same_from_a_set_of_literals(sentence):
    # the caller's one pass (a Literals of at least ZERO_LITERALS) answers as the substring searches do
    assert zero_statements(sentence, True, Literals(ZERO_LITERALS)(sentence)) == zero_statements(sentence)


@pytest.mark.parametrize("text", [
    "two soldiers were killed and no one was injured", "deux soldats ont ete tues, sans faire de blesses",
    "قتل جنديان ولم يصب احد في الهجوم", "قتل 3 no casualties مقتل", "", "killed KILLED", "تفجير",
    "a mixed text: قتل and kill, explosion et explose",
])
def test_literals_finds_what_a_substring_test_finds(text):
    """Literals walks an ASCII text, a text without Latin letters and any other text with different automata:
    each must report exactly the literals the text holds."""
    found = lead_literals(text)
    assert found == {literal for literal in lead_literals.literals if literal in text}
    assert Literals(["kill", "قتل", "x"])(text) == {w for w in ("kill", "قتل", "x") if w in text}
    assert Literals([])(text) == frozenset()
