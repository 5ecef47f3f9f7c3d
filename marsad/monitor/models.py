"""The shipped linear models of extraction: loading and scoring, in numpy only.

Why not pickled scikit-learn objects: pickles break across library versions and are slow to load.
Training (``marsad.monitor.training``) writes plain arrays to ``marsad/data/models/extraction.npz``
and names to ``extraction.json``; here they are read back and scored with one gather-and-sum per
report for every task at once.

Word features are folded unigrams and adjacent-token bigrams ("suicide bomber" is stored as
``"suicide bomber"``: a folded token never holds a space). Both words of a vocabulary bigram are
vocabulary unigrams, so a report costs one dict probe per token; its bigrams are then found with one
vectorised search over integer keys (first word's row × vocabulary size + second word's row). The
vocabulary (:class:`marsad.monitor.features.WordVocabulary`) is handed by :func:`load_models` to
:func:`marsad.monitor.features.featurise`, whose per-token table then holds each token's row beside its
concept entry: the probe is the one featurise makes anyway, while the token is still in the CPU's caches.

Two weight sets share the output columns: the *full* model (word + concept features, for English)
and the *concept-only* model (for Arabic, French and anything else), each with per-task column
ranges listed in the JSON ("tasks": name → [start, stop, classes]).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache, partial
from operator import is_not
from pathlib import Path

import numpy as np

from marsad.errors import ConfigError
from marsad.monitor.features import Features, WordVocabulary, use_vocabulary

__all__ = ["LinearModels", "load_models", "MODEL_DIR", "softmax", "softmaxes", "sigmoid"]

MODEL_DIR = Path(__file__).resolve().parent.parent / "data" / "models"


def sigmoid(x: np.ndarray | float) -> np.ndarray | float:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30.0, 30.0)))


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return e / e.sum()


@lru_cache(maxsize=8)
def _segments(bounds: tuple[tuple[int, int], ...]) -> tuple[np.ndarray, np.ndarray] | None:
    """Start offsets of the slices in their run and each column's slice number; None unless adjacent."""
    if any(b[0] != a[1] for a, b in zip(bounds, bounds[1:])) or any(a >= b for a, b in bounds):
        return None
    first = bounds[0][0]
    starts = np.array([a - first for a, _ in bounds], dtype=np.intp)
    return starts, np.repeat(np.arange(len(bounds)), [b - a for a, b in bounds])


def softmaxes(x: np.ndarray, bounds: tuple[tuple[int, int], ...]) -> np.ndarray:
    """:func:`softmax` of each slice ``x[a:b]`` of ``bounds``, side by side (``x[first a:last b]``'s columns);
    for a 2-D ``x``, of each row's slices, row by row (one report's scores a row).

    Why not one call per slice: each task holds 9-22 classes, so numpy's per-call cost is most of a softmax;
    here the maxima, the shift, the exponential and the division are one call each for every slice at once —
    and, given a batch's rows, for every report of the batch at once (a dozen reports: ~7x less per report).
    Bit-identical to the per-slice softmax: max, subtraction, exp and division are element by element
    (numpy's float32 exp gives an element the same value wherever it sits in the array); only the sums are
    taken slice by slice, because ``add.reduceat`` adds in order where ``sum`` adds pairwise (a row's slice is
    summed pairwise as the slice alone is). Slices that are not adjacent are done one by one."""
    segments = _segments(bounds)
    if segments is None:
        if x.ndim == 2:
            return np.stack([softmaxes(row, bounds) for row in x]) if len(x) else x[:, :0]
        return np.concatenate([softmax(x[a:b]) for a, b in bounds])
    starts, slice_of = segments
    first = bounds[0][0]
    run = x[..., first:bounds[-1][1]]
    e = np.exp(run - np.maximum.reduceat(run, starts, axis=-1)[..., slice_of])
    add = np.add.reduce  # what ndarray.sum calls, without its Python wrapper: the same pairwise sum
    if x.ndim == 2:
        sums = np.stack([add(e[:, a - first:b - first], axis=1) for a, b in bounds], axis=1)
    else:
        sums = np.array([add(e[a - first:b - first]) for a, b in bounds], dtype=e.dtype)
    return e / sums[..., slice_of]


#: true for anything but None (``filter`` with it keeps row 0)
_NOT_NONE = partial(is_not, None)


@dataclass
class _Weights:
    words: np.ndarray | None  # (n_words, n_out) or None for the concept-only model
    concepts: np.ndarray  # (n_concept_features, n_out)
    bias: np.ndarray  # (n_out,)


class LinearModels:
    """Every extraction classifier's weights; :meth:`scores` gives raw scores per task for one report."""

    def __init__(self, meta: dict, arrays: dict[str, np.ndarray]):
        self.meta = meta
        self.vocabulary = WordVocabulary(meta["words"])
        self.word_index = self.vocabulary.index
        self.concept_index = {c: i for i, c in enumerate(meta["concept_features"])}
        self.tasks: dict[str, tuple[int, int, list[str]]] = {
            name: (start, stop, classes) for name, (start, stop, classes) in meta["tasks"].items()
        }
        self.calibration: dict[str, dict[str, list[float]]] = meta.get("calibration", {})
        f32 = np.float32
        self.full = _Weights(arrays["full_words"].astype(f32), arrays["full_concepts"].astype(f32),
                             arrays["full_bias"].astype(f32))
        self.concept_only = _Weights(None, arrays["conc_concepts"].astype(f32), arrays["conc_bias"].astype(f32))

    def variant(self, lang: str) -> str:
        """"full" for English (the training language), "concept" for every other language."""
        return "full" if lang == "en" else "concept"

    def raw(self, feats: Features, lang: str) -> np.ndarray:
        """All output columns' scores for one report."""
        weights = self.full if self.variant(lang) == "full" else self.concept_only
        # the known concept features' rows, looked up in C (a row may be 0: only None is dropped)
        ci = list(filter(_NOT_NONE, map(self.concept_index.get, feats.concepts)))
        out = weights.bias + np.add.reduce(weights.concepts.take(ci, axis=0), axis=0)
        if weights.words is not None:
            if feats.vocabulary is self.vocabulary and feats.records is not None:
                rows = self.vocabulary.rows(feats.tokens, feats.records)
            else:
                rows = self.word_rows(feats.tokens)
            if rows.size:
                out = out + np.add.reduce(weights.words.take(rows, axis=0), axis=0)
        return out

    def word_rows(self, tokens: list[str]) -> np.ndarray:
        """Distinct vocabulary rows (ascending) of the unigrams and bigrams of ``tokens`` (folded tokens)."""
        return self.vocabulary.rows(tokens)

    def task(self, scores: np.ndarray, name: str) -> tuple[np.ndarray, list[str]]:
        """The slice of ``scores`` for task ``name`` and its class names."""
        start, stop, classes = self.tasks[name]
        return scores[start:stop], classes

    def calibrated(self, name: str, score: float, lang: str) -> float:
        """Probability from a binary task's raw score, with the Platt scaling fitted for this variant."""
        a, b = self.calibration.get(name, {}).get(self.variant(lang), [1.0, 0.0])
        # sigmoid of one number: the clip in Python (np.clip's dispatch cost more than the rest), the same exp
        x = min(max(a * score + b, -30.0), 30.0)
        return float(1.0 / (1.0 + np.exp(-x)))


@lru_cache(maxsize=2)
def load_models(directory: str | None = None) -> LinearModels:
    """The shipped models (cached); :class:`ConfigError` if the files are missing or unreadable."""
    folder = Path(directory) if directory else MODEL_DIR
    try:
        meta = json.loads((folder / "extraction.json").read_text(encoding="utf-8"))
        with np.load(folder / "extraction.npz") as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(
            f"extraction models in {folder} are missing or unreadable ({exc}); "
            "re-create them with scripts/train_extraction.py"
        ) from None
    models = LinearModels(meta, arrays)
    use_vocabulary(models.vocabulary)  # featurise records this vocabulary's rows from now on
    return models
