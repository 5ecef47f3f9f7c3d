"""Attack, target and weapon types of an incident report, as GTD codebook names (multi-label lists).

Why linear models over shared features: they are trained on GTD summaries (English) and score in a few
microseconds per report; for Arabic and French the concept-only variant reads the same concepts
("EXPLOSION", "POLICE"…) from the lexicon. Each list holds the most likely type and any other whose
probability reaches SECOND_LABEL (GTD records up to three types per incident); "Unknown" is never added
as a second label. A type the report states outright ("were kidnapped", "اغتيال", "un kamikaze") overrides
the model's first guess (:mod:`marsad.monitor.type_rules`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from marsad.monitor.features import Features, featurise
from marsad.monitor.models import LinearModels, load_models, softmaxes
from marsad.monitor.type_rules import apply_rules, could_apply, evidence

__all__ = ["IncidentTypes", "SECOND_LABEL", "types_from_features", "type_probabilities", "classify_types"]

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


def _labels(order: list[int], values: list[float], classes: list[str], probs: dict[str, float]) -> list[str]:
    """The most likely class, then up to two more reaching SECOND_LABEL. ``order``: the three most likely
    classes in numpy's argsort order (see :func:`_top_three`); ``values``: the float32 probabilities as Python
    floats (a numpy scalar costs more to index, compare and convert than the whole list of 9-22 classes)."""
    first = classes[order[0]]
    out = [first]
    probs[first] = round(values[order[0]], 4)
    for k in order[1:]:
        if values[k] >= _SECOND_LABEL_F32 and classes[k] != "Unknown":
            out.append(classes[k])
            probs[classes[k]] = round(values[k], 4)
    return out


def _top_three(values: list[float], p: np.ndarray) -> list[int]:
    """The indices of the three largest ``values`` (``p`` as floats), largest first, as ``np.argsort(-p)`` gives
    them. Python's sort of 9-22 floats costs half an argsort call; when the four largest are strictly ordered,
    the first three are the only possible answer of any sort, so its order of ties cannot show. Ties go to
    numpy's argsort, whose order the records have always held; so does a softmax of NaN (a NaN or infinite
    score makes every probability of its task NaN, and NaN is never strictly greater)."""
    top = sorted(range(len(values)), key=values.__getitem__, reverse=True)[:4]
    if len(top) == 4 and values[top[0]] > values[top[1]] > values[top[2]] > values[top[3]]:
        return top[:3]
    return np.argsort(-p)[:3].tolist()


def _bounds(models: LinearModels) -> tuple[tuple[int, int], ...]:
    return tuple((start, stop) for start, stop, _ in (models.tasks[task] for task in _TASKS))


def type_probabilities(models: LinearModels, scores: Sequence[np.ndarray]) -> np.ndarray:
    """The type tasks' float32 softmaxes of many reports' raw scores, one row a report, computed together
    (:func:`softmaxes` of the rows: each row the bits of its own softmaxes). Why: numpy's cost per call is
    most of one report's softmaxes; :mod:`marsad.monitor.extract` types a batch's incidents with one call."""
    return softmaxes(np.stack(scores), _bounds(models))


def _task_lists(models: LinearModels, raw: np.ndarray, probs: dict[str, float],
                p: np.ndarray | None = None) -> dict[str, list[str]]:
    """Each task's labels from one float32 softmax per task, computed together (:func:`softmaxes`: the same
    bits as three calls; ``p``: this report's row of :func:`type_probabilities`, when the batch's are made
    together) and read as Python floats once."""
    spans = [models.tasks[task] for task in _TASKS]
    if p is None:
        p = softmaxes(raw, _bounds(models))
    values = p.tolist()  # float32 values, exactly, as Python floats
    first = spans[0][0]
    lists = {}
    for task, (start, stop, classes) in zip(_TASKS, spans):
        a, b = start - first, stop - first
        task_values = values[a:b]
        lists[task] = _labels(_top_three(task_values, p[a:b]), task_values, classes, probs)
    return lists


def types_from_features(feats: Features, lang: str, models: LinearModels | None = None,
                        scores=None, probabilities: np.ndarray | None = None) -> IncidentTypes:
    """Types of an already featurised report (``scores``: precomputed raw scores, to share work;
    ``probabilities``: its row of :func:`type_probabilities`, when a batch's are computed together)."""
    models = models or load_models()
    raw = models.raw(feats, lang) if scores is None and probabilities is None else scores
    probs: dict[str, float] = {}
    lists = _task_lists(models, raw, probs, probabilities)
    if could_apply(feats.counts, lists):
        found = evidence(feats.tokens, lang if lang in ("ar", "fr") else "en")
        lists = apply_rules(found, lists, probs)
    return IncidentTypes(lists["attack"], lists["target"], lists["weapon"], probs)


def classify_types(text: str, title: str | None = None, lang: str = "en") -> IncidentTypes:
    """Attack, target and weapon types of one incident report in language ``lang``."""
    return types_from_features(featurise(text, title, lang), lang)
