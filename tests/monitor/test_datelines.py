"""Datelines are found at the head of a report and only when they name a place (reports written for these tests)."""

from __future__ import annotations

import pytest

from marsad.monitor.datelines import find_dateline, mask_dateline


@pytest.mark.parametrize("text,dateline", [
    ("KABUL, Afghanistan (AP) — A bomb exploded in Ghazni province.", "KABUL, Afghanistan (AP) — "),
    ("BAMAKO (AFP) - Des jihadistes ont attaqué un camp près de Tessalit.", "BAMAKO (AFP) - "),
    ("Title of the story\n\nMOGADISHU, Somalia (Reuters) - Militants stormed a hotel.", "MOGADISHU, Somalia (Reuters) - "),
    ("Kabul, Afghanistan — Gunmen attacked a checkpoint in Logar.", "Kabul, Afghanistan — "),
    ("بغداد - قتل ثلاثة جنود في هجوم بمحافظة ديالى.", "بغداد - "),
    ("العريش (مصر) - قتل جنديان في هجوم قرب رفح.", "العريش (مصر) - "),
])
def test_dateline_found(text, dateline):
    span = find_dateline(text)
    assert span is not None and text[span[0]:span[1]] == dateline


@pytest.mark.parametrize("text", [
    "ISAF (International Security Assistance Force) - troops detained two suspects in Kandahar.",
    "Gunmen killed two police officers in Mosul on Monday, officials said.",
    "وقالت المصادر: قتل ثلاثة جنود.",
    "",
])
def test_no_dateline(text):
    assert find_dateline(text) is None


def test_mask_keeps_offsets():
    text = "KANO (Nigeria) - Des hommes armés ont enlevé des élèves à Gusau."
    masked, span = mask_dateline(text)
    assert len(masked) == len(text) and span is not None
    assert "KANO" not in masked and masked[span[1]:] == text[span[1]:]
