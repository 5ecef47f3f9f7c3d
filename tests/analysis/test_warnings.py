"""Early warning: the tail probabilities, the detection rule, its false-alarm rate on stationary series, and
alerts on a stored history as one viewer sees it."""

from __future__ import annotations

import math
import random
import uuid
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.analysis.trends import visibility
from marsad.analysis.warnings import detect, early_warnings, upper_tail
from marsad.errors import InputError
from marsad.model import make_incident
from marsad.store import open_store


def test_poisson_and_negative_binomial_tails():
    assert upper_tail(3, 1.0) == pytest.approx(1 - math.exp(-1) * 2.5)
    # NB with mean 2, variance 4: size 2, p 1/2, P(X = k) = (k + 1) / 2^(k + 2)
    assert upper_tail(3, 2.0, 2.0) == pytest.approx(1 - (1 / 4 + 2 / 8 + 3 / 16))
    assert upper_tail(0, 5.0) == 1.0 and upper_tail(1, 0.0) == 0.0


@given(st.integers(1, 40), st.floats(0.1, 20), st.floats(1.0, 6.0))
def test_tail_is_a_probability_and_overdispersion_widens_it(x, mean, dispersion):
    p = upper_tail(x, mean, dispersion)
    assert 0.0 <= p <= 1.0
    if x > 2 * mean + 3:
        assert p >= upper_tail(x, mean) - 1e-12


def test_a_jump_is_detected_and_quiet_series_are_not():
    steady = [2, 3, 2, 1, 2, 3, 2, 2, 3, 2, 1, 2]
    hits = detect([*steady, 11])
    assert [h.index for h in hits] == [12] and hits[0].expected == pytest.approx(sum(steady) / 12, abs=0.01)
    assert detect([*steady, 4]) == []
    assert detect([0] * 12 + [1]) == []  # 0 → 1 is below min_count
    assert [h.index for h in detect([0] * 12 + [3])] == [12]  # new activity


def test_overdispersed_baseline_raises_the_bar():
    bursty = [0, 9, 0, 1, 8, 0, 0, 10, 1, 0, 7, 0]
    calm = [3] * 12
    assert detect([*bursty, 11]) == [] and detect([*calm, 11]) != []


def test_false_alarm_rate_on_stationary_series_is_low():
    rng = random.Random(11)
    alerts, series_years = 0, 0
    for _ in range(200):
        mean = rng.choice([0.5, 2, 5, 10])
        values = [_poisson(rng, mean) for _ in range(12 * 11)]
        alerts += len(detect(values, start=12))
        series_years += 10
    assert alerts / series_years < 0.15  # one false alarm per series every ~7 years at most


def _poisson(rng, mean):
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p < limit:
            return k
        k += 1


@pytest.fixture
def store(database_url):
    opened = open_store(database_url)
    yield opened
    opened.engine.dispose()


def _history(store, country, per_month, tlp="clear", months=24, last=None):
    objects = []
    for index in range(months):
        year, month = 2022 + index // 12, index % 12 + 1
        count = last if (last is not None and index == months - 1) else per_month
        for n in range(count):
            objects.append(make_incident(f"{country} {index} {n}", incident_id=f"incident--{uuid.uuid4()}",
                                         occurred=date(year, month, 1 + n % 27), country=country, tlp=tlp,
                                         perpetrator="Group X", attack_types=["Armed Assault"],
                                         created="2024-01-01T00:00:00.000Z"))
    store.put_objects(objects)


def test_alert_on_a_stored_rise_only_for_who_may_see_it(store):
    _history(store, "IQ", 2, last=12)
    _history(store, "SY", 2)
    _history(store, "YE", 1, tlp="red", last=15)  # nobody without a name on the list sees it
    with store.engine.connect() as conn:
        alerts = early_warnings(conn, where=visibility(None), at=date(2023, 12, 15))
    assert {(a.dimension, a.key) for a in alerts} >= {("country", "IQ")}
    assert all(a.key not in ("SY", "YE") for a in alerts)
    assert all(a.period == date(2023, 12, 1) for a in alerts)
    iraq = next(a for a in alerts if a.key == "IQ")
    assert iraq.count == 12 and iraq.expected == pytest.approx(2.0)


def test_unknown_period_refused(store):
    with store.engine.connect() as conn, pytest.raises(InputError):
        early_warnings(conn, where=None, period="decade")
