"""Relevance: does a report describe a specific violent or terrorist incident, and how sure are we?

Why a calibrated probability and not a yes/no: the monitoring pipeline ranks and thresholds reports, and
analysts read "0.93" and "0.55" differently. The score is a logistic model over word (uni- and bigram) and
concept features (:mod:`marsad.monitor.features`), Platt-scaled on out-of-fold MUC train scores and shifted
so that THRESHOLD (0.5) sits on the out-of-fold F1-best score (see ``training/train.py``); for languages other than
English only concept features are used (the "concept" variant), so Arabic and French policy news about
conferences, strategies, trials or anniversaries scores low for the same reasons English does.
"""

from __future__ import annotations

from dataclasses import dataclass

from marsad.monitor.features import Features, featurise
from marsad.monitor.models import LinearModels, load_models

__all__ = ["Relevance", "THRESHOLD", "relevance_from_features", "score_relevance"]

#: probability at or above which a report counts as an incident report
THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class Relevance:
    """The calibrated probability that the report describes an incident, and the decision at THRESHOLD."""

    probability: float
    is_incident: bool


def relevance_from_features(feats: Features, lang: str, models: LinearModels | None = None,
                            scores=None) -> Relevance:
    """Relevance of an already featurised report (``scores``: precomputed raw scores, to share work)."""
    models = models or load_models()
    raw = models.raw(feats, lang) if scores is None else scores
    column, _ = models.task(raw, "relevance")
    probability = round(models.calibrated("relevance", float(column[0]), lang), 4)
    return Relevance(probability, probability >= THRESHOLD)


def score_relevance(text: str, title: str | None = None, lang: str = "en") -> Relevance:
    """Relevance of one report in language ``lang`` ("ar", "en", "fr" or "other")."""
    return relevance_from_features(featurise(text, title, lang), lang)
