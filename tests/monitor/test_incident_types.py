"""Attack, target and weapon types in three languages (sentences written for these tests)."""

from __future__ import annotations

import numpy as np
import pytest

from marsad.model.vocab import ATTACK_TYPES, TARGET_TYPES, WEAPON_TYPES
from marsad.monitor.features import featurise
from marsad.monitor.incident_types import _top_three, classify_types, type_probabilities, types_from_features
from marsad.monitor.models import load_models

CASES = [
    # lang, text, attack, target, weapon (the first listed type must be these)
    ("en", "A car bomb exploded outside the army barracks, killing four soldiers.",
     "Bombing/Explosion", "Military", "Explosives"),
    ("en", "Militants kidnapped two engineers working for a construction company and demanded a ransom.",
     "Hostage Taking (Kidnapping)", "Business", None),
    ("en", "Gunmen opened fire on a police patrol at a checkpoint, killing two policemen.",
     "Armed Assault", "Police", "Firearms"),
    ("fr", "Une bombe a explosé devant le commissariat de police, blessant trois policiers.",
     "Bombing/Explosion", "Police", "Explosives"),
    ("fr", "Des hommes armés ont enlevé trois employés d'une ONG humanitaire près de la frontière.",
     "Hostage Taking (Kidnapping)", "NGO", None),
    ("fr", "Des assaillants ont ouvert le feu sur une patrouille de l'armée, tuant quatre soldats.",
     "Armed Assault", "Military", "Firearms"),
    ("ar", "انفجرت سيارة مفخخة أمام ثكنة للجيش ما أدى إلى مقتل أربعة جنود.",
     "Bombing/Explosion", "Military", "Explosives"),
    ("ar", "أطلق مسلحون النار على دورية للشرطة عند حاجز أمني فقتلوا شرطيين.",
     "Armed Assault", "Police", "Firearms"),
    ("ar", "خطف مسلحون ثلاثة من موظفي منظمة إغاثة إنسانية وطالبوا بفدية.",
     "Hostage Taking (Kidnapping)", "NGO", None),
]


@pytest.mark.parametrize("lang,text,attack,target,weapon", CASES)
def test_first_type_of_each_list(lang, text, attack, target, weapon):
    result = classify_types(text, lang=lang)
    assert result.attack_types[0] == attack
    assert result.target_types[0] == target
    if weapon:
        assert result.weapon_types[0] == weapon


@pytest.mark.parametrize("lang,text,attack,target,weapon", CASES[:3])
def test_lists_hold_vocabulary_names_only(lang, text, attack, target, weapon):
    result = classify_types(text, lang=lang)
    ATTACK_TYPES.validate(result.attack_types)
    TARGET_TYPES.validate(result.target_types)
    WEAPON_TYPES.validate(result.weapon_types)
    for names in (result.attack_types, result.target_types, result.weapon_types):
        assert 1 <= len(names) <= 3 and len(set(names)) == len(names)
        assert "Unknown" not in names[1:]
        assert all(0.0 < result.probabilities[n] <= 1.0 for n in names)


def test_same_event_in_three_languages_gets_same_attack_type():
    texts = {
        "en": "A suicide bomber detonated his explosive belt in a crowded market.",
        "fr": "Un kamikaze a déclenché sa ceinture d'explosifs dans un marché bondé.",
        "ar": "فجر انتحاري حزامه الناسف في سوق مكتظ.",
    }
    attacks = {lang: classify_types(t, lang=lang).attack_types[0] for lang, t in texts.items()}
    assert set(attacks.values()) == {"Bombing/Explosion"}


@pytest.mark.parametrize("values", [
    [0.1, 0.5, 0.2, 0.05, 0.15],  # strictly ordered: Python's sort
    [0.3, 0.3, 0.1, 0.3, 0.0],  # ties at the top: numpy's order of ties, as the records have always held
    [0.2, 0.4, 0.2, 0.2, 0.0, 0.0],  # a tie for second place
    [0.25, 0.25, 0.25, 0.25],  # all equal
    [0.6, 0.4],  # fewer than four classes
    # 22 classes (targets): numpy sorts past 16 values unstably, here 6, 7, 5 where a stable sort gives 5, 6, 7
    [.01, .05, .05, .1, .1, .3, .3, .3, .3, .01, .05, .01, .05, .05, .01, .05, .05, .05, .05, .01, .1, .01],
    [float("nan")] * 5,  # a NaN score makes every probability of its task NaN
])
def test_top_three_is_numpys_argsort_order(values):
    p = np.array(values, dtype=np.float32)
    assert _top_three(p.tolist(), p) == np.argsort(-p)[:3].tolist()


def test_types_from_a_batchs_probabilities_are_each_reports_own():
    """Types read from a row of :func:`type_probabilities` (a batch's softmaxes made together) must equal the
    types of the report scored alone: lists and recorded probabilities, in every language (a batch whose rows
    were mixed up or summed together would give another report's types)."""
    models = load_models()
    feats = [(featurise(text, None, lang), lang) for lang, text, *_ in CASES]
    scores = [models.raw(f, lang) for f, lang in feats]
    rows = type_probabilities(models, scores)
    assert rows.shape[0] == len(CASES)
    for (f, lang), raw, row in zip(feats, scores, rows):
        alone = types_from_features(f, lang, models, raw)
        assert types_from_features(f, lang, models, raw, row) == alone
        assert types_from_features(f, lang, models, None, row) == alone
