"""The merge rule: vetoes (country, date window, distance, rival groups) and the weighted score."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.monitor.merging import (THRESHOLD, EventFacts, best_match, date_interval, distance_km, match, vetoed)
from marsad.monitor.similarity import signature

TEXT = "Car bomb kills five at a police checkpoint in Kirkuk market, health officials say"
BASE = EventFacts(date(2026, 11, 20), "day", "IQ", "Kirkuk", "Kirkuk", 35.47, 44.39, frozenset({"Bombing/Explosion"}),
                  "Unknown", (signature(TEXT, 1),))


def variant(**changes) -> EventFacts:
    values = {**BASE.__dict__, **changes}
    return EventFacts(**values)


def test_same_event_merges_and_reasons_are_given():
    result = match(variant(signatures=(signature("Kirkuk police checkpoint bomb toll rises to seven", 1),)), BASE)
    assert result.merges and result.parts["place"] == 1.0 and result.parts["date"] == 1.0


def test_vetoes():
    assert match(variant(country="SY"), BASE).veto == "different countries"
    assert match(variant(occurred=date(2026, 11, 24)), BASE).veto == "dates 4 days apart"
    assert "km apart" in match(variant(latitude=33.3, longitude=44.4, city="Baghdad"), BASE).veto
    assert match(variant(latitude=None, longitude=None, admin1="Nineveh", city="Mosul"),
                 variant(latitude=None, longitude=None)).veto == "different regions"
    rival = variant(perpetrator="Al-Qaida", signatures=(signature("statement claims responsibility", 1),))
    assert match(rival, variant(perpetrator="Islamic State of Iraq and the Levant (ISIL)")).veto == "different groups"


def test_vetoed_is_the_place_and_date_vetoes_without_the_texts():
    for changed in (variant(country="SY"), variant(occurred=date(2026, 11, 24)),
                    variant(latitude=33.3, longitude=44.4, city="Baghdad")):
        assert vetoed(changed, variant(signatures=())) and match(changed, BASE).veto
    assert not vetoed(variant(signatures=()), BASE)
    rival = variant(perpetrator="Al-Qaida", signatures=(signature("statement claims responsibility", 1),))
    assert not vetoed(rival, variant(perpetrator="Islamic State of Iraq and the Levant (ISIL)"))  # needs the texts


def test_window_edge_and_unknown_group_are_compatible():
    assert match(variant(occurred=date(2026, 11, 22), perpetrator="Al-Shabaab"), BASE).veto is None
    assert match(variant(perpetrator=None), variant(perpetrator="Al-Shabaab")).parts["group"] == 0.5


def test_undated_report_stands_for_the_days_before_publication():
    undated = variant(occurred=date(2026, 11, 21), precision="published")
    assert date_interval(undated.occurred, undated.precision) == (date(2026, 11, 18), date(2026, 11, 21))
    assert match(undated, BASE).merges
    assert match(variant(occurred=date(2026, 11, 30), precision="published"), BASE).veto is not None
    assert date_interval(date(2026, 2, 1), "month") == (date(2026, 2, 1), date(2026, 2, 28))


def test_different_attack_in_the_same_city_and_day_scores_lower():
    other = variant(attack_types=frozenset({"Hostage Taking (Kidnapping)"}),
                    signatures=(signature("gunmen kidnapped two engineers from a construction site", 1),))
    assert match(other, BASE).score < match(variant(), BASE).score
    assert not match(other, BASE).merges


def test_best_match_takes_the_highest_score_and_none_below_threshold():
    weak = variant(city=None, admin1=None, latitude=None, longitude=None, attack_types=frozenset(), signatures=())
    strong = variant()
    found = best_match(BASE, [("incident--b", weak), ("incident--a", strong)])
    assert found[0] == "incident--a" and found[1].score >= THRESHOLD
    assert best_match(BASE, [("incident--x", variant(country="JO"))]) is None


def test_distance():
    assert round(distance_km(33.3152, 44.3661, 35.4681, 44.3922)) in range(235, 245)  # Baghdad–Kirkuk
    assert distance_km(1.0, 2.0, 1.0, 2.0) == 0.0


places = st.sampled_from([("IQ", "Kirkuk"), ("IQ", "Baghdad"), ("SY", "Raqqa"), (None, None)])
days = st.dates(date(2026, 11, 1), date(2026, 11, 30))


@settings(max_examples=100, deadline=None)
@given(places, places, days, days, st.booleans())
def test_score_is_symmetric_and_bounded(pa, pb, da, db, same_type):
    a = EventFacts(da, "day", pa[0], pa[1], pa[1], attack_types=frozenset({"Armed Assault"}))
    b = EventFacts(db, "day", pb[0], pb[1], pb[1],
                   attack_types=frozenset({"Armed Assault" if same_type else "Bombing/Explosion"}))
    ab, ba = match(a, b), match(b, a)
    assert ab.score == ba.score and ab.veto == ba.veto
    assert 0.0 <= ab.score <= 1.0
    if abs((da - db).days) > 2:
        assert not ab.merges


def _merge_quality():
    """The benchmark script (not a package module), loaded from its file."""
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "merge_quality.py"
    spec = importlib.util.spec_from_file_location("merge_quality", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gold_events_agree_on_day_type_and_place_part():
    mq = _merge_quality()
    same = mq._same_event
    assert same((("09", "JAN", "90"), "PERU", "ATTACK"), (("09", "JAN", "90"), "PERU: LIMA: SAN ISIDRO", "ATTACK"))
    assert not same((("09", "JAN", "90"), "PERU: LIMA", "ATTACK"), (("09", "JAN", "90"), "PERU: CUZCO", "ATTACK"))
    assert not same((("09", "JAN", "90"), "PERU", "ATTACK"), (("10", "JAN", "90"), "PERU", "ATTACK"))
    assert mq.score({("a", "b")}, {("a", "b"), ("a", "c")}) == (0.5, 1.0, 2 / 3)


@pytest.mark.shared_data
def test_muc_answer_keys_give_gold_pairs(shared_data):
    mq = _merge_quality()
    folder = shared_data / "muc" / "raw" / "tst1"
    events = mq.read_events(folder / "key-tst1.v7")
    texts = mq.read_texts(folder / "tst1-muc3")
    assert len(texts) == 100 and set(events) <= set(texts)
    assert all(len(key) == 3 for doc in events.values() for key in doc)


@given(st.floats(-90, 90), st.floats(-180, 180))
def test_one_place_is_zero_km_as_the_shortcut_says(lat, lon):
    """``_place`` skips the haversine for two identical points: it gives exactly 0.0 for them."""
    assert distance_km(lat, lon, lat, lon) == 0.0
    here = variant(latitude=lat, longitude=lon)
    assert match(here, here).parts["place"] == 1.0


def _reference_best(report, candidates):
    """The rule as first written: the largest (score, negated code points of the id)."""
    best = None
    for key, facts in candidates:
        result = match(report, facts)
        if result.merges and (best is None or (result.score, tuple(-ord(c) for c in key))
                              > (best[1].score, tuple(-ord(c) for c in best[0]))):
            best = (key, result)
    return best


@given(st.lists(st.tuples(st.sampled_from(["incident--a", "incident--ab", "incident--b", "incident--", "z", "a"]),
                          st.sampled_from([0, 1, 2]), st.booleans()), max_size=8))
def test_best_match_breaks_ties_as_the_tuple_rule(specs):
    """Equal scores (the same facts under several ids, prefixes of one another among them) pick what comparing
    (score, negated code points) picked: comparing the ids only on a tie gives the same winner."""
    candidates = [(key, variant(occurred=date(2026, 11, 20 + gap), signatures=() if bare else BASE.signatures))
                  for key, gap, bare in specs]
    got, expected = best_match(BASE, candidates), _reference_best(BASE, candidates)
    assert (got and (got[0], got[1].score)) == (expected and (expected[0], expected[1].score))
