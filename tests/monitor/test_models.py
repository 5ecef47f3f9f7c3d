"""The shipped model files: they load fast, have the vocabularies' classes, and fail with a clear error."""

from __future__ import annotations

import numpy as np
import pytest

from marsad.errors import ConfigError
from marsad.model.vocab import ATTACK_TYPES, TARGET_TYPES, WEAPON_TYPES
from marsad.monitor.features import featurise
from marsad.monitor.models import MODEL_DIR, load_models


def test_shipped_files_are_small():
    total = sum(p.stat().st_size for p in MODEL_DIR.glob("extraction.*"))
    assert 0 < total < 5_000_000


def test_tasks_cover_the_vocabularies():
    models = load_models()
    assert models.tasks["attack"][2] == list(ATTACK_TYPES.names)
    assert models.tasks["target"][2] == list(TARGET_TYPES.names)
    assert models.tasks["weapon"][2] == list(WEAPON_TYPES.names)
    assert models.tasks["relevance"][2] == ["incident"]


@pytest.mark.parametrize("lang", ["en", "ar", "fr", "other"])
def test_scores_have_one_column_per_class(lang):
    models = load_models()
    scores = models.raw(featurise("A bomb exploded.", lang=lang), lang)
    n_out = max(stop for _, stop, _ in models.tasks.values())
    assert scores.shape == (n_out,) and np.isfinite(scores).all()
    assert models.variant(lang) == ("full" if lang == "en" else "concept")
    assert 0.0 <= models.calibrated("relevance", float(scores[0]), lang) <= 1.0


def test_missing_files_raise_config_error(tmp_path):
    with pytest.raises(ConfigError, match="train_extraction"):
        load_models(str(tmp_path))
