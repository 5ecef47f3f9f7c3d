"""Attack, target and weapon types of an incident report, as GTD codebook names (multi-label lists).

Why linear models over shared features: they are trained on GTD summaries (English) and score in a few
microseconds per report; for Arabic and French the concept-only variant reads the same concepts
("EXPLOSION", "POLICE"…) from the lexicon. Each list holds the most likely type and any other whose
probability reaches SECOND_LABEL (GTD records up to three types per incident); "Unknown" is never added
as a second label. A type the report states outright ("were kidnapped", "اغتيال", "un kamikaze") overrides
the model's first guess (:mod:`marsad.monitor.type_rules`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from marsad.monitor.features import Features, featurise
from marsad.monitor.models import LinearModels, load_models, softmax
from marsad.monitor.type_rules import apply_rules, could_apply, evidence

__all__ = ["IncidentTypes", "SECOND_LABEL", "types_from_features", "classify_types"]

#: a type other than the most likely one is listed when its probability reaches this
SECOND_LABEL = 0.35
_TASKS = ("attack", "target", "weapon")


@dataclass(frozen=True, slots=True)
class IncidentTypes:
    """GTD type names, most likely first, and the probability of each listed name."""

    attack_types: list[str]
    target_types: list[str]
    weapon_types: list[str]
    probabilities: dict[str, float]


#: SECOND_LABEL as the float32 the probabilities are: numpy compares a float32 with a Python float in float32
_SECOND_LABEL_F32 = float(np.float32(SECOND_LABEL))


def _labels(scores: np.ndarray, classes: list[str], probs: dict[str, float]) -> list[str]:
    """The most likely class, then up to two more reaching SECOND_LABEL. The float32 softmax and the argsort
    (its order of ties) stay numpy's; the few values read from them are read as Python numbers, once (a
    numpy scalar costs more to index, compare and convert than the whole list of 9-22 classes)."""
    p = softmax(scores)
    top = np.argsort(-p)[:3].tolist()
    values = p.tolist()  # float32 values, exactly, as Python floats
    first = classes[top[0]]
    out = [first]
    probs[first] = round(values[top[0]], 4)
    for k in top[1:]:
        if values[k] >= _SECOND_LABEL_F32 and classes[k] != "Unknown":
            out.append(classes[k])
            probs[classes[k]] = round(values[k], 4)
    return out


def types_from_features(feats: Features, lang: str, models: LinearModels | None = None,
                        scores=None) -> IncidentTypes:
    """Types of an already featurised report (``scores``: precomputed raw scores, to share work)."""
    models = models or load_models()
    raw = models.raw(feats, lang) if scores is None else scores
    probs: dict[str, float] = {}
    lists = dict(zip(_TASKS, (_labels(*models.task(raw, task), probs) for task in _TASKS)))
    if could_apply(feats.counts, lists):
        found = evidence(feats.tokens, lang if lang in ("ar", "fr") else "en")
        lists = apply_rules(found, lists, probs)
    return IncidentTypes(lists["attack"], lists["target"], lists["weapon"], probs)


def classify_types(text: str, title: str | None = None, lang: str = "en") -> IncidentTypes:
    """Attack, target and weapon types of one incident report in language ``lang``."""
    return types_from_features(featurise(text, title, lang), lang)
