"""The shipped model files: they load fast, have the vocabularies' classes, and fail with a clear error."""

from __future__ import annotations

import numpy as np
import pytest

from marsad.errors import ConfigError
from marsad.model.vocab import ATTACK_TYPES, TARGET_TYPES, WEAPON_TYPES
from marsad.monitor.features import featurise
from marsad.monitor.models import MODEL_DIR, LinearModels, load_models, softmax, softmaxes


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


def _tiny_models() -> LinearModels:
    """Two unigrams, one bigram, one output column: each row's weight is a distinct power of two."""
    meta = {"words": ["bomb", "car", "car bomb"], "concept_features": ["c:EXPLOSION"],
            "tasks": {"relevance": [0, 1, ["incident"]]}}
    arrays = {"full_words": np.array([[1.0], [2.0], [4.0]]), "full_concepts": np.array([[8.0]]),
              "full_bias": np.array([0.0]), "conc_concepts": np.array([[8.0]]), "conc_bias": np.array([0.0])}
    return LinearModels(meta, arrays)


def test_word_rows_find_unigrams_and_bigrams_once_each():
    models = _tiny_models()
    assert list(models.word_rows(["a", "car", "bomb", "car", "bomb", "bomb"])) == [0, 1, 2]
    assert list(models.word_rows(["bomb", "car"])) == [0, 1]  # "bomb car" is no vocabulary bigram
    assert list(models.word_rows([])) == [] and list(models.word_rows(["x"])) == []


def test_full_model_adds_bigram_weights_and_concept_model_ignores_words():
    models = _tiny_models()
    feats = featurise("A car bomb.", lang="en")
    full, concept = models.raw(feats, "en")[0], models.raw(feats, "fr")[0]
    assert full - concept == 1.0 + 2.0 + 4.0


def test_rows_from_featurise_records_are_the_vocabulary_lookup():
    """featurise records the loaded model's rows beside the concepts; they must be what a lookup gives."""
    models = load_models()
    for text, title in (("A car bomb exploded near the police station, killing the suicide bomber.", None),
                        ("Gunmen opened fire on a bus; two were killed and the driver was wounded.", "Bus attack"),
                        ("", None), ("x", None)):
        feats = featurise(text, title, lang="en")
        assert feats.vocabulary is models.vocabulary and feats.records is not None
        assert np.array_equal(models.vocabulary.rows(feats.tokens, feats.records), models.word_rows(feats.tokens))


@pytest.mark.parametrize("bounds", [((1, 10), (10, 32), (32, 45)), ((0, 3), (3, 4), (4, 30)), ((1, 10), (12, 20))])
def test_softmaxes_are_each_slice_softmax_bit_for_bit(bounds):
    """The task probabilities are recorded: the joint softmax must give the per-slice softmax's exact bits
    (the sums in particular: numpy's pairwise sum, not reduceat's running sum), ties and large scores included."""
    rng = np.random.default_rng(3)
    for trial in range(2000):
        x = (rng.standard_normal(45) * (0.3, 3.0, 40.0)[trial % 3]).astype(np.float32)
        if trial % 4 == 0:
            x[rng.integers(0, 45, 6)] = x[rng.integers(0, 45)]
        joint = softmaxes(x, bounds)
        each = np.concatenate([softmax(x[a:b]) for a, b in bounds])
        assert joint.dtype == each.dtype == np.float32
        assert joint.tobytes() == each.tobytes()


@pytest.mark.parametrize("bounds", [((1, 10), (10, 32), (32, 45)), ((0, 3), (3, 4), (4, 30)), ((1, 10), (12, 20))])
def test_softmaxes_of_rows_are_each_rows_softmaxes_bit_for_bit(bounds):
    """A batch's reports are scored together (one row each): every row must get the bits its own softmaxes
    give (the pairwise sums of each row's slices, not a sum across rows or a running sum), for batches of
    one report up to more than a dozen, ties and large scores included."""
    rng = np.random.default_rng(5)
    for trial in range(600):
        x = (rng.standard_normal((1 + trial % 14, 45)) * (0.3, 3.0, 40.0)[trial % 3]).astype(np.float32)
        if trial % 4 == 0:
            x[:, rng.integers(0, 45, 6)] = x[0, rng.integers(0, 45)]
        rows = softmaxes(x, bounds)
        assert rows.dtype == np.float32 and rows.shape[0] == x.shape[0]
        for row, scores in zip(rows, x):
            assert row.tobytes() == softmaxes(scores, bounds).tobytes()
    assert softmaxes(np.zeros((0, 45), dtype=np.float32), bounds).shape[0] == 0
