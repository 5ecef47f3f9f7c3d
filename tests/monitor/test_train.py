"""Pieces of the extraction training that decide what ships (no shared data needed)."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from marsad.monitor.features import featurise
from marsad.monitor.training.train import FOLDS, PRUNE_BELOW, _calibrate, _fit, _prune, word_keys


def test_word_keys_are_unigrams_and_adjacent_bigrams():
    keys = word_keys(featurise("Car bomb, car.", lang="en"))
    assert keys == {"car", "bomb", "car bomb", "bomb car"}


def test_prune_keeps_strong_rows_and_the_words_of_kept_bigrams():
    words = ["car", "bomb", "the", "car bomb"]
    weights = np.array([[0.0, 0.0], [0.5, 0.0], [0.0, PRUNE_BELOW / 2], [0.0, -0.4]])
    kept, rows = _prune(words, weights)
    assert kept == ["car", "bomb", "car bomb"]
    assert rows.shape == (3, 2) and rows[2, 1] == -0.4


def test_calibration_puts_one_half_at_the_best_out_of_fold_threshold():
    rng = np.random.default_rng(0)
    y = np.array([0, 1] * 100)
    x = sparse.csr_matrix((y + rng.normal(0, 0.6, y.size)).reshape(-1, 1) + 1.0)
    folds = np.arange(y.size) % FOLDS
    a, b = _calibrate(x, y, np.ones(y.size), folds, c=1.0)
    assert a > 0
    scores = _fit(x, y, None, 1.0).decision_function(x)
    pred = a * scores + b >= 0  # calibrated probability >= 0.5
    assert 0 < pred.sum() < y.size and (pred == (y == 1)).mean() > 0.75
