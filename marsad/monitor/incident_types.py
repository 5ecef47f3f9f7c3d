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


def _labels(scores: np.ndarray, classes: list[str], probs: dict[str, float]) -> list[str]:
    p = softmax(scores)
    order = np.argsort(-p)
    out = [classes[order[0]]]
    probs[classes[order[0]]] = round(float(p[order[0]]), 4)
    for k in order[1:3]:
        if p[k] >= SECOND_LABEL and classes[k] != "Unknown":
            out.append(classes[k])
            probs[classes[k]] = round(float(p[k]), 4)
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
