"""Tolls told without a count, in Arabic, English and French (sentences written for these tests)."""

from __future__ import annotations

import pytest

from marsad.monitor.numbers import normalise
from marsad.monitor.toll_statements import assassination, attacker_only, damage, no_harm


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
