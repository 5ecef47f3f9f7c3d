"""Evaluate the early-warning rule (marsad.analysis.warnings.detect) on history and on stationary simulations.

History: the GTD development files in ../shared/data/gtd-dev (internal only: read here, nothing copied), rows
mapped by marsad.analysis.history_rows.gtd_fields (the importer's own mapping), de-duplicated by event id, then
monthly series per country, group and attack type — the series `marsad warnings` watches. Every month of every
series with enough history is tested as the dashboard would test it at that month's end.

Figures printed:
  alerts per series-year         how often an analyst would be alerted per watched series
  preceded a lasting rise        share of alerts after which the next 3 months averaged at least
                                 max(1.5 × baseline mean, baseline mean + 1): the rise was real, not a one-off
  rises caught                   share of "real rises" (a month ≥ max(2 × baseline, baseline + 3) whose next 3
                                 months stay ≥ 1.5 × baseline) that got an alert that month
  null false-alarm rate          alerts per series-year on stationary simulated series (Poisson mean 3; negative
                                 binomial mean 3, dispersion 3), where every alert is false

Usage: python scripts/eval_warnings.py [--data ../shared/data/gtd-dev] [--alpha 0.01]
Last line: key=value summary.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
from collections import defaultdict
from pathlib import Path

from marsad.analysis.history_rows import gtd_fields
from marsad.analysis.warnings import detect
from marsad.errors import InputError

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "gtd-dev"
BASELINE, HORIZON, MIN_HISTORY = 12, 3, 6


def load_series(folder: Path) -> dict[tuple[str, str], dict[int, int]]:
    """(dimension, key) → {month index: incidents}, month index = year * 12 + month - 1."""
    seen: set[str] = set()
    series: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                try:
                    fields = gtd_fields(row)
                except InputError:
                    continue
                if fields["event_id"] in seen or fields["occurred_precision"] == "year":
                    continue
                seen.add(fields["event_id"])
                year, month = int(fields["occurred"][:4]), int(fields["occurred"][5:7])
                index = year * 12 + month - 1
                keys = [("country", fields["country"]), ("group", fields["perpetrator"])]
                keys += [("attack_type", a) for a in fields["attack_types"]]
                for key in keys:
                    if key[1]:
                        series[key][index] += 1
    return series


def evaluate(values: list[int], alpha: float) -> tuple[int, int, int, int, float]:
    """(alerts, alerts before a lasting rise, real rises, rises alerted, series-years tested)."""
    hits = {h.index for h in detect(values, baseline=BASELINE, alpha=alpha, min_history=MIN_HISTORY)}
    confirmed = rises = caught = 0
    for t in range(MIN_HISTORY, len(values) - HORIZON):
        window = values[max(0, t - BASELINE):t]
        mean = sum(window) / len(window)
        after = sum(values[t + 1:t + 1 + HORIZON]) / HORIZON
        if t in hits and after >= max(1.5 * mean, mean + 1):
            confirmed += 1
        if values[t] >= max(2 * mean, mean + 3) and after >= 1.5 * mean and after >= 1:
            rises += 1
            caught += t in hits
    tested = [t for t in hits if t < len(values) - HORIZON]
    return len(tested), confirmed, rises, caught, max(0, len(values) - HORIZON - MIN_HISTORY) / 12


def history_figures(folder: Path, alpha: float, min_total: int = 24) -> dict:
    totals = defaultdict(float)
    for (dimension, key), months in load_series(folder).items():
        if sum(months.values()) < min_total:
            continue
        first, last = min(months), max(months)
        values = [months.get(i, 0) for i in range(first, last + 1)]
        if len(values) < MIN_HISTORY + HORIZON + 1:
            continue
        alerts, confirmed, rises, caught, years = evaluate(values, alpha)
        totals["series"] += 1
        for name, value in (("alerts", alerts), ("confirmed", confirmed), ("rises", rises), ("caught", caught),
                            ("series_years", years)):
            totals[name] += value
    return totals


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p < limit:
            return k
        k += 1


def _negative_binomial(rng: random.Random, mean: float, dispersion: float) -> int:
    size = mean / (dispersion - 1)
    return _poisson(rng, rng.gammavariate(size, mean / size))


def null_rate(draw, alpha: float, series: int = 500, years: int = 10) -> float:
    rng, alerts = random.Random(2026), 0
    for _ in range(series):
        values = [draw(rng) for _ in range(12 * (years + 1))]
        alerts += len(detect(values, baseline=BASELINE, alpha=alpha, min_history=MIN_HISTORY, start=12))
    return alerts / (series * years)


def main() -> None:
    parser = argparse.ArgumentParser(description="Early-warning evaluation")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--alpha", type=float, default=0.005)
    args = parser.parse_args()
    poisson = null_rate(lambda rng: _poisson(rng, 3.0), args.alpha)
    negbin = null_rate(lambda rng: _negative_binomial(rng, 3.0, 3.0), args.alpha)
    print(f"null false-alarm rate: Poisson(3) {poisson:.3f}, NB(3, φ=3) {negbin:.3f} alerts per series-year")
    figures = {"alpha": args.alpha, "null_poisson": round(poisson, 3), "null_negbin": round(negbin, 3)}
    if args.data.is_dir():
        t = history_figures(args.data, args.alpha)
        per_year = t["alerts"] / t["series_years"] if t["series_years"] else 0.0
        precision = t["confirmed"] / t["alerts"] if t["alerts"] else 0.0
        recall = t["caught"] / t["rises"] if t["rises"] else 0.0
        print(f"GTD dev history: {int(t['series'])} monthly series (country, group, attack type; ≥24 incidents), "
              f"{t['series_years']:.0f} series-years tested")
        print(f"  alerts: {int(t['alerts'])} = {per_year:.2f} per series-year")
        print(f"  preceded a lasting rise: {int(t['confirmed'])} / {int(t['alerts'])} = {precision:.0%}")
        print(f"  real rises caught the month they began: {int(t['caught'])} / {int(t['rises'])} = {recall:.0%}")
        figures.update(series=int(t["series"]), series_years=round(t["series_years"]), alerts=int(t["alerts"]),
                       alerts_per_series_year=round(per_year, 3), preceded_rise=round(precision, 3),
                       rises_caught=round(recall, 3))
    else:
        print(f"{args.data} absent: history figures skipped")
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
