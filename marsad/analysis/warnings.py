"""Early warning: unusual rises of incidents per country, group, tactic or theme against each series' own baseline.

Method — negative-binomial control limits on a moving baseline (the count-data form of a Shewhart chart, as in
the Farrington / CDC-EARS family used for outbreak detection). For each series (one key of one dimension,
counts per period, zero-filled) and each period ``t``:

* expected count ``μ`` = mean of the ``baseline`` periods before ``t`` (12 months by default);
* over-dispersion ``φ`` = variance-to-mean ratio of the ``dispersion_window`` periods before ``t`` (36 by
  default: burstiness is a long-run trait of a series, and 12 points under-estimate it), at least 1, widened by
  ``1 + 1/12`` for the uncertainty of ``μ``. Incident counts are bursty (one campaign, many attacks), so a plain
  Poisson limit alarms far too often on real series; with ``φ = 1`` the limit is Poisson's;
* an alert is raised when ``P(X ≥ x_t) < alpha`` (0.005 by default) under a negative binomial of mean ``μ`` and
  variance ``φμ``, **and** ``x_t ≥ min_count`` (3: a quiet series going from 0 to 1 is no alarm) **and**
  ``x_t > μ``. A series with no incident in its baseline alerts once it reaches ``min_count`` (new activity).

Why this and not EWMA or a burst model: it needs no tuning beyond ``alpha``, works per series with short
histories (6+ periods), handles zero-heavy and over-dispersed counts, and gives every alert an interpretable
expectation and p-value to show the analyst ("12 incidents where about 4 were expected").

Measured (``python scripts/eval_warnings.py``, monthly, defaults): false-alarm rate on stationary simulated
series 0.037 alerts per series-year (Poisson, mean 3) and 0.10 (negative binomial, mean 3, φ = 3), i.e. one
false alarm per series every 10–27 years. On the GTD development files (55 monthly series of countries, groups
and attack types, 966 series-years): 0.09 alerts per series-year; 51 % of alerts were followed by three months
averaging ≥ 1.5× the baseline (a lasting rise), and 26 % of such rises were flagged in the month they began.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Connection

from marsad.analysis.trends import counts, latest_period, period_range, shift_period
from marsad.errors import InputError
from marsad.store.incidents import period_start

__all__ = ["DEFAULT_DIMENSIONS", "Detection", "Alert", "upper_tail", "detect", "early_warnings"]

DEFAULT_DIMENSIONS = ("country", "group", "attack_type", "theme")


@dataclass(frozen=True)
class Detection:
    """An unusual count at ``index`` of a series."""

    index: int
    count: int
    expected: float
    dispersion: float
    p_value: float


@dataclass(frozen=True)
class Alert:
    """An early warning: ``dimension`` = ``key`` had ``count`` incidents in the period starting ``period``."""

    dimension: str
    key: str
    period: date
    count: int
    expected: float
    dispersion: float
    p_value: float


def upper_tail(x: int, mean: float, dispersion: float = 1.0) -> float:
    """``P(X ≥ x)`` for a count of mean ``mean`` and variance ``dispersion × mean`` (Poisson when 1, else
    negative binomial), computed by summing the probability mass below ``x``."""
    if x <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    if dispersion <= 1.0 + 1e-9:
        term = math.exp(-mean)
        ratio = lambda k: mean / (k + 1)  # noqa: E731 - recurrence of the Poisson mass
    else:
        size = mean / (dispersion - 1.0)
        success = size / (size + mean)
        term = math.exp(size * math.log(success))
        ratio = lambda k: (k + size) / (k + 1) * (1 - success)  # noqa: E731 - recurrence of the NB mass
    below = 0.0
    for k in range(x):
        below += term
        term *= ratio(k)
    return max(0.0, 1.0 - below)


def detect(series: Sequence[int], *, baseline: int = 12, alpha: float = 0.005, min_count: int = 3,
           min_history: int = 6, start: int = 0, dispersion_window: int = 36) -> list[Detection]:
    """Unusual counts in ``series`` from index ``start`` on (see the module docstring for the rule)."""
    found = []
    for t in range(max(start, min_history), len(series)):
        x = series[t]
        if x < min_count:
            continue
        window = series[max(0, t - baseline):t]
        mean = sum(window) / len(window)
        if x <= mean:
            continue
        dispersion = _dispersion(series[max(0, t - dispersion_window):t], len(window))
        p = upper_tail(x, mean, dispersion)
        if p < alpha:
            found.append(Detection(t, x, round(mean, 2), round(dispersion, 2), p))
    return found


def _dispersion(history: Sequence[int], baseline_size: int) -> float:
    """Variance-to-mean ratio of ``history`` (at least 1), widened by ``1 + 1/n`` for the uncertainty of a mean
    estimated from ``n`` periods (the predictive spread of the next count)."""
    mean = sum(history) / len(history)
    if mean <= 0:
        return 1.0
    variance = sum((v - mean) ** 2 for v in history) / max(1, len(history) - 1)
    ratio = variance / mean
    return ratio * (1 + 1 / baseline_size) if ratio > 1 else 1.0


def early_warnings(conn: Connection, *, where: ColumnElement[bool] | None,
                   dimensions: Sequence[str] = DEFAULT_DIMENSIONS, period: str = "month", at: date | None = None,
                   lookback: int = 1, baseline: int = 12, alpha: float = 0.005, min_count: int = 3,
                   dispersion_window: int = 36) -> list[Alert]:
    """Alerts in the ``lookback`` periods ending with the one containing ``at`` (default: the latest period with
    a visible incident), over what ``where`` lets the caller see; strongest (lowest p-value) first."""
    if period not in ("day", "week", "month", "year"):
        raise InputError(f"unknown period {period!r}; choose one of: day, week, month, year")
    last = period_start(at, period) if at else latest_period(conn, period, where=where)
    if last is None:
        return []
    first = shift_period(last, period, -(max(baseline, dispersion_window) + lookback - 1))
    periods = period_range(first, last, period)
    position = {p: i for i, p in enumerate(periods)}
    alerts = []
    for dimension in dimensions:
        series: dict[str, list[int]] = {}
        for cell in counts(conn, dimension, period, where=where, start=first, end=last):
            if cell.key is not None:
                series.setdefault(cell.key, [0] * len(periods))[position[cell.period]] = cell.tally.incidents
        for key, values in series.items():
            for hit in detect(values, baseline=baseline, alpha=alpha, min_count=min_count, min_history=min(baseline, 6),
                              start=len(periods) - lookback, dispersion_window=dispersion_window):
                alerts.append(Alert(dimension, key, periods[hit.index], hit.count, hit.expected, hit.dispersion,
                                    hit.p_value))
    alerts.sort(key=lambda a: (a.p_value, -a.count, a.dimension, a.key))
    return alerts
