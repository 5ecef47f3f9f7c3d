"""Whether a report describes the same event as an incident already filed: the merge rule and its score.

Why a rule and not a learned model: analysts must be able to read why two reports were merged (or not), and
the few hundred MUC-3/4 documents with answer keys are enough to tune a threshold, not to train a model.

The rule, in two steps:

1. **Vetoes** — facts that rule a merge out whatever else agrees:
   - different countries (both known);
   - dates more than :data:`DATE_WINDOW` days apart. A date is an *interval*: a day-precise date is one day,
     a month- or year-precise one its whole month or year, and a report that names no date stands for
     [published − :data:`UNDATED_LOOKBACK`, published] (news reports events of the last few days), so
     "yesterday" resolved against publication and an undated follow-up both compare correctly;
   - places that are far apart: both have coordinates more than :data:`FAR_KM` km apart, or (without
     coordinates) both name an admin1 region and the regions differ;
   - both name a (non-"Unknown") perpetrator and the groups differ while the texts share little
     (claims are disputed, but two named groups and unlike texts are two events).
2. **Score** (0..1), a weighted mean of five agreements, each 0..1:
   place (:data:`WEIGHTS` 0.10: same city, or within :data:`NEAR_KM` km → 1; same admin1 → 0.7; same country
   only → 0.4; a side without place → 0.3), date (0.50: same day → 1, falling linearly to 0.4 at the window
   edge; coarse or undated → 0.5), attack type (0.10: shared type → 1, a side without types → 0.5, disjoint →
   0), group (0.05: same named group → 1, "Unknown"/none on a side → 0.5 — compatible with anything),
   text (0.25: estimated Jaccard similarity of folded word sets, scaled so 0.35 counts as full agreement).
   A report merges into the best-scoring candidate at or above :data:`THRESHOLD`.

Why date first and place light: place already acts through the vetoes (another country, another region, more
than :data:`FAR_KM` km), and what is left of it barely separates same-event pairs from others (error analysis
on MUC-3 DEV 1–650, report pairs that pass the vetoes: place agreement 0.93 on same-event pairs vs 0.88 on
others; date 0.94 vs 0.66; type 0.68 vs 0.46; text 0.45 vs 0.35; group 0.5 on both — MUC perpetrators are
rarely named). A logistic regression on those parts gave place ≈ 0.08, date ≈ 0.55, type ≈ 0.09, text ≈ 0.28
and nothing to group; the shipped weights round that, keep a little for group (named groups do occur in
news), and with them a same-day report still needs some shared wording, and a report two days off needs more
than the rest can give (so a one-day gap is the practical limit outside the window's vetoes).
:data:`THRESHOLD` 0.70 sits in a plateau of pairwise F1 on DEV 1–650 (0.41 at 0.68, 0.44 at 0.70, 0.43 at
0.72; the old weights 0.30/0.25/0.15/0.10/0.20 at their threshold 0.65: 0.37, same extractor); precision is
favoured because a wrong merge hides an event from analysts whereas a missed merge only shows it twice.
Figures are measured on DEV 651–1300, never tuned on (``benchmarks/merge_quality.py``).
What the rule cannot recover (``merge_quality.py --analyse dev-a``): 178 of the 302 same-event pairs are
vetoed — by the extractor's country (66: another country named in the text), dates (66: a year off, or a
week; in 45 of them one report's date is more than a week from its own publication) or places (46; making
that veto a zero part instead gains nothing: F1 0.436 vs 0.444) — the extractor's errors, not the rule's; and
word-set text similarity separates little on all-caps wire text (IDF weighting: AUC 0.76 vs 0.74 on pairs past
the vetoes).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from marsad.monitor.similarity import Signature, similarity

__all__ = ["DATE_WINDOW", "UNDATED_LOOKBACK", "NEAR_KM", "FAR_KM", "WEIGHTS", "THRESHOLD", "MERGE_K", "UNKNOWN",
           "EventFacts", "MatchScore", "date_interval", "distance_km", "match", "best_match", "vetoed"]

#: days two event dates may be apart and still be one event
DATE_WINDOW = 2
#: an undated report stands for an event of the last this many days before publication
UNDATED_LOOKBACK = 3
#: places closer than this are one place
NEAR_KM = 25.0
#: places farther apart than this are not one event
FAR_KM = 100.0
WEIGHTS = {"place": 0.10, "date": 0.50, "type": 0.10, "group": 0.05, "text": 0.25}
#: the score at or above which a report merges (tuned on MUC-3 DEV 1–650; see the module docstring)
THRESHOLD = 0.70
#: word-shingle length of the signatures text agreement is computed on (single folded words)
MERGE_K = 1
#: text similarity that counts as full agreement (reports of one event share names, not sentences)
_TEXT_FULL = 0.35
#: below this text similarity, two different named groups veto the merge
_GROUP_TEXT = 0.25
UNKNOWN = "Unknown"


@dataclass(frozen=True)
class EventFacts:
    """What the rule compares, for a report or an incident: date (with precision; ``precision`` "published"
    means the date is the publication date of an undated report), place, attack types, group, text signatures."""

    occurred: date | None = None
    precision: str | None = None
    country: str | None = None
    admin1: str | None = None
    city: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    attack_types: frozenset[str] = frozenset()
    perpetrator: str | None = None
    signatures: tuple[Signature, ...] = field(default=(), compare=False)

    @property
    def group(self) -> str | None:
        """The named perpetrator, or None for none or "Unknown"."""
        return None if not self.perpetrator or self.perpetrator == UNKNOWN else self.perpetrator

    @classmethod
    def from_record(cls, record: Mapping[str, Any], *, published: date | None,
                    signature: Signature | None = None) -> EventFacts:
        """The facts of an extraction record (``marsad extract`` dict); ``published`` dates an undated report."""
        day, precision = _record_date(record)
        if day is None and published is not None:
            day, precision = published, "published"
        lat, lon = record.get("latitude"), record.get("longitude")
        return cls(day, precision, record.get("country") or None, record.get("admin1") or None,
                   record.get("city") or None, None if lat is None else float(lat), None if lon is None else float(lon),
                   frozenset(record.get("attack_types") or ()), record.get("perpetrator") or None,
                   (signature,) if signature is not None else ())


def _record_date(record: Mapping[str, Any]) -> tuple[date | None, str | None]:
    value = record.get("date") or record.get("occurred")
    if not value:
        return None, None
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return None, None
    precision = record.get("date_precision") or record.get("occurred_precision") or "day"
    return day, precision if precision in ("day", "month", "year") else "day"


def date_interval(day: date | None, precision: str | None) -> tuple[date, date] | None:
    """The days an event date may stand for (see the module docstring); None for no date at all."""
    if day is None:
        return None
    if precision == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if precision == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if precision == "published":
        return day - timedelta(days=UNDATED_LOOKBACK), day
    return day, day


def _gap_days(a: tuple[date, date], b: tuple[date, date]) -> int:
    """Days between two intervals (0 when they overlap)."""
    return max((a[0] - b[1]).days, (b[0] - a[1]).days, 0)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class MatchScore:
    """The outcome of :func:`match`: ``score`` (0 when vetoed), the agreement per part, and the veto reason."""

    score: float
    parts: dict[str, float]
    veto: str | None = None

    @property
    def merges(self) -> bool:
        return self.veto is None and self.score >= THRESHOLD


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and a.casefold() == b.casefold()


def _place(a: EventFacts, b: EventFacts) -> tuple[float, str | None]:
    if a.country and b.country and a.country != b.country:
        return 0.0, "different countries"
    km = None
    if None not in (a.latitude, a.longitude, b.latitude, b.longitude):
        # one place (a city's gazetteer point, most pairs that pass the country veto): exactly the haversine's 0.0
        same = a.latitude == b.latitude and a.longitude == b.longitude
        km = 0.0 if same else distance_km(a.latitude, a.longitude, b.latitude, b.longitude)
        if km > FAR_KM:
            return 0.0, f"places {km:.0f} km apart"
    elif a.admin1 and b.admin1 and not _same(a.admin1, b.admin1):
        return 0.0, "different regions"
    if _same(a.city, b.city) or (km is not None and km <= NEAR_KM):
        return 1.0, None
    if _same(a.admin1, b.admin1):
        return 0.7, None
    if a.country and b.country:
        return 0.4, None
    return 0.3, None


def _date(a: EventFacts, b: EventFacts) -> tuple[float, str | None]:
    ia, ib = date_interval(a.occurred, a.precision), date_interval(b.occurred, b.precision)
    if ia is None or ib is None:
        return 0.5, None
    gap = _gap_days(ia, ib)
    if gap > DATE_WINDOW:
        return 0.0, f"dates {gap} days apart"
    if a.precision == b.precision == "day":
        return 1.0 - 0.6 * gap / DATE_WINDOW, None
    return 0.5, None


def _types(a: EventFacts, b: EventFacts) -> float:
    if not a.attack_types or not b.attack_types:
        return 0.5
    return 1.0 if a.attack_types & b.attack_types else 0.0


def _text(a: EventFacts, b: EventFacts) -> float:
    best = 0.0
    for sa in a.signatures:
        for sb in b.signatures:
            best = max(best, similarity(sa, sb))
    return best


def vetoed(report: EventFacts, candidate: EventFacts) -> bool:
    """Whether the place or date veto rules the pair out: what :func:`match` checks before comparing texts, so
    a caller holding many candidates can drop these before it decodes their signatures (same outcome)."""
    return _place(report, candidate)[1] is not None or _date(report, candidate)[1] is not None


def match(report: EventFacts, candidate: EventFacts) -> MatchScore:
    """How well ``report`` matches ``candidate`` (an incident's composed facts and its reports' signatures)."""
    place, veto = _place(report, candidate)
    if veto is None:
        when, veto = _date(report, candidate)
    if veto is not None:
        return MatchScore(0.0, {}, veto)
    text = _text(report, candidate)
    ga, gb = report.group, candidate.group
    if ga and gb and not _same(ga, gb) and text < _GROUP_TEXT:
        return MatchScore(0.0, {}, "different groups")
    parts = {"place": place, "date": when, "type": _types(report, candidate),
             "group": 1.0 if _same(ga, gb) else 0.5 if not (ga and gb) else 0.0,
             "text": min(1.0, text / _TEXT_FULL)}
    score = sum(WEIGHTS[k] * v for k, v in parts.items())
    return MatchScore(round(score, 4), parts)


def best_match(report: EventFacts, candidates: Iterable[tuple[str, EventFacts]]) -> tuple[str, MatchScore] | None:
    """The candidate id the report merges into (highest score ≥ THRESHOLD; ties: smallest id), or None."""
    best: tuple[str, MatchScore] | None = None
    for key, facts in candidates:
        result = match(report, facts)
        if not result.merges:
            continue
        if best is None or result.score > best[1].score or (
                result.score == best[1].score and _neg(key) > _neg(best[0])):  # (score, _neg) compared, lazily
            best = (key, result)
    return best


def _neg(key: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in key)
