"""Fixed splits of the development corpora (skipped when ../shared/data is absent)."""

from __future__ import annotations

import hashlib

import pytest

from marsad.monitor.training.corpora import (
    city_key, fold_of, is_dev, is_dev_id, load_gtd, load_muc, same_city, strip_gtd_date,
)
from marsad.monitor.training.synthetic import policy_negatives


def test_dev_split_is_stable_and_about_a_fifth():
    ids = [str(197000000000 + i) for i in range(5000)]
    share = sum(map(is_dev_id, ids)) / len(ids)
    assert 0.17 < share < 0.23
    assert [is_dev_id(i) for i in ids[:50]] == [is_dev_id(i) for i in ids[:50]]


def test_one_split_definition_is_md5_mod_5():
    for key in ("200001010001", "201712310042", "ACLED-1", "x"):
        expected = int(hashlib.md5(key.encode()).hexdigest(), 16) % 5
        assert fold_of(key) == expected
        assert is_dev("gtd", key) == is_dev_id(key) == (expected == 0)
    with pytest.raises(ValueError, match="published"):
        is_dev("muc", "DEV-MUC3-0001")


def test_gtd_date_prefix_is_removed():
    assert strip_gtd_date("10/06/1971: A bomb exploded.") == "A bomb exploded."
    assert strip_gtd_date("12/2/1975 - 12/14/1975: Gunmen seized a train.") == "Gunmen seized a train."
    assert strip_gtd_date("No date here.") == "No date here."


def test_policy_negatives_cover_three_languages():
    langs = {lang for lang, _ in policy_negatives(per_template=1)}
    assert langs == {"ar", "en", "fr"}


@pytest.mark.shared_data
def test_gtd_train_and_dev_are_disjoint(shared_data):
    train, dev = load_gtd(shared_data, "train"), load_gtd(shared_data, "dev")
    assert train and dev and not {d.id for d in train} & {d.id for d in dev}
    assert all(is_dev_id(d.id) for d in dev)


@pytest.mark.shared_data
def test_muc_relevance_labels(shared_data):
    dev = load_muc(shared_data, "dev")
    assert len(dev) == 200 and 0 < sum(d.labels["relevant"] for d in dev) < 200


def test_city_scorer_ignores_a_trailing_kind_word_case_and_hyphens():
    assert city_key("Paghman District") == city_key("paghman") == "paghman"
    assert same_city("Jar-e Khushk", "Jar e Khushk")
    assert not same_city("Kabul", None) and not same_city("Kabul", "Kandahar")
