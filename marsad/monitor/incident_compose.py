"""Composing one incident from all the reports that fed it, and the analysts' edits.

Why pure and separate from the database: the same reports must always give the same incident whatever order
they arrived in (two workers, a retried batch, a split and re-merge), so composition is a function of the
*set* of reports and the edits — rows are sorted first, every vote breaks ties by value, never by arrival —
and it is tested as such (hypothesis, ``tests/monitor/test_incident_compose.py``).

Rules:

- **Votes.** Each single-valued field (date, country, admin1, city, perpetrator) takes the value most reports
  give (ties: the smallest value); admin1 and city are voted only among reports in the chosen country, the
  coordinates are the median of the reports naming the chosen city (else admin1). "Unknown" perpetrator is
  no vote: a named group wins over reports that name none. List fields (attack, target, weapon types,
  themes) keep every value given by at least half the reports that give any (at least the most common one).
- **Agreement** per field: the share of reports giving a value for the field whose value equals the shown
  one (lists: share whose list contains a shown value) — 1.0 means every report that says something agrees.
- **Toll.** Death tolls rise as news develops; early reports undercount and later ones correct. Following GTD
  practice — casualty figures are coded from the most recent reliable reporting, not the largest or the first
  figure — the shown killed/wounded come from the *newest* report that gives a toll (by publication time,
  else receipt), and ``toll_history`` keeps every reported figure, oldest first, with its report, so a
  downward correction stays visible and a mis-merged outlier does not inflate the toll.
- **Confidence** (0–100): mean incident probability × (0.5 + 0.5 × mean agreement) × (1 − 2^−reports):
  one clean report ≈ 45, three agreeing reports ≈ 80; an analyst's confirmation lifts it to at least 95.
- **Edits win.** An analyst's latest value for a field replaces the composed one, in this and every later
  version, and the field is listed in ``edited_fields``.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from marsad.monitor.merging import UNKNOWN

__all__ = ["FiledRow", "Composition", "compose", "EDITABLE_FIELDS", "LIST_FIELDS", "CONFIRMED_CONFIDENCE"]

LIST_FIELDS = ("attack_types", "target_types", "weapon_types", "themes")
_SINGLE = ("country", "admin1", "city", "perpetrator")
#: fields an analyst may set (GTD fields, plus the incident's name, description and status)
EDITABLE_FIELDS = ("name", "description", "determination", "investigation_status", "occurred", "occurred_precision",
                   *LIST_FIELDS, "killed", "wounded", "hostages", "suicide", "success", "country", "admin1", "city",
                   "perpetrator", "latitude", "longitude")
CONFIRMED_CONFIDENCE = 95


@dataclass(frozen=True)
class FiledRow:
    """One report as composition reads it (a row of ``incident_file_reports``)."""

    report_id: str
    received: datetime
    published: datetime | None
    title: str
    record: Mapping[str, Any]

    @property
    def when(self) -> datetime:
        return self.published or self.received


@dataclass
class Composition:
    """The composed incident: ``fields`` for :func:`marsad.model.incident.make_incident` (GTD fields, name,
    description, determination, investigation_status) and the provenance properties."""

    fields: dict[str, Any]
    agreement: dict[str, float]
    toll_history: list[dict[str, Any]]
    toll_source: str | None
    confidence: int
    report_refs: list[str]
    edited_fields: list[str] = field(default_factory=list)

    @property
    def toll(self) -> int:
        """killed + wounded shown (unknown counts as 0): what a toll rise is measured on."""
        return (self.fields.get("killed") or 0) + (self.fields.get("wounded") or 0)


def _stix_time(value: datetime) -> str:
    """The time as written (its own clock, no zone conversion), to the millisecond, truncated; isoformat's text
    is strftime's (~3x cheaper: a version writes one per report of its toll history), but for years before 1000."""
    if value.year < 1000:
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def _vote(values: Sequence[Any]) -> Any:
    # a dict count, not a Counter (same counts, same keys: ~3x cheaper for the few values of one incident)
    counts: dict[Any, int] = {}
    for v in values:
        if v is not None and v != "":
            counts[v] = counts.get(v, 0) + 1
    if not counts:
        return None
    if len(counts) == 1:  # one value given (most fields of most incidents): what the vote below gives
        return str(next(iter(counts)))
    top = max(counts.values())
    tops = [v for v, c in counts.items() if c == top]
    return str(tops[0]) if len(tops) == 1 else min(str(v) for v in tops)


def _list_vote(lists: Sequence[Sequence[str]]) -> list[str]:
    counts: dict[str, int] = {}
    given = 0
    for values in lists:
        if values:
            given += 1
            for v in set(values):
                counts[v] = counts.get(v, 0) + 1
    if not given:
        return []
    kept = [v for v, c in counts.items() if 2 * c >= given] or [min(counts, key=lambda v: (-counts[v], v))]
    return sorted(kept, key=lambda v: (-counts[v], v))


def _place(rows: Sequence[FiledRow], out: dict) -> None:
    out["country"] = _vote([r.record.get("country") for r in rows])
    local = [r for r in rows if r.record.get("country") in (None, out["country"])]
    out["admin1"] = _vote([r.record.get("admin1") for r in local])
    out["city"] = _vote([r.record.get("city") for r in local if r.record.get("admin1") in (None, out["admin1"])])
    key, value = ("city", out["city"]) if out["city"] else ("admin1", out["admin1"])
    points = [(r.record["latitude"], r.record["longitude"]) for r in local
              if value and r.record.get(key) == value and r.record.get("latitude") is not None
              and r.record.get("longitude") is not None]
    out["latitude"] = statistics.median([p[0] for p in points]) if points else None
    out["longitude"] = statistics.median([p[1] for p in points]) if points else None


def _date(rows: Sequence[FiledRow], out: dict) -> None:
    dated = [(str(r.record.get("date"))[:10], r.record.get("date_precision") or "day") for r in rows
             if r.record.get("date")]
    day = _vote([d for d, _ in dated])
    out["occurred"] = day
    precisions = [p for d, p in dated if d == day]
    out["occurred_precision"] = min(precisions, key=("day", "month", "year").index) if precisions else None


def _toll(rows: Sequence[FiledRow]) -> tuple[list[dict], str | None, int | None, int | None]:
    history = []
    for row in rows:  # already newest last
        killed, wounded = row.record.get("killed"), row.record.get("wounded")
        if killed is None and wounded is None:
            continue
        history.append({"at": _stix_time(row.when), "killed": killed, "wounded": wounded, "report_ref": row.report_id})
    if not history:
        return [], None, None, None
    last = history[-1]
    return history, last["report_ref"], last["killed"], last["wounded"]


#: (composed field, record key) of the single-valued fields agreement is measured on, in the order it lists them
_AGREED = (("occurred", "date"), *((n, n) for n in _SINGLE), ("killed", "killed"), ("wounded", "wounded"))


def _agreement(rows: Sequence[FiledRow], fields: Mapping[str, Any]) -> dict[str, float]:
    # one pass per field over the records, counting (no lists of values): the same shares in the same order
    records = [r.record for r in rows]
    out = {}
    for name, key in _AGREED:
        shown, agree, given = fields.get(name), 0, 0
        for record in records:
            v = record.get(key)
            if v is None or v == "" or (name == "perpetrator" and v == UNKNOWN):
                continue
            given += 1
            agree += (str(v)[:10] if name == "occurred" else v) == shown
        if given:
            out[name] = agree / given
    for name in LIST_FIELDS:
        shown, agree, given = set(fields.get(name) or ()), 0, 0
        for record in records:
            values = record.get(name)
            if values:
                given += 1
                agree += not shown.isdisjoint(values)
        if given:
            out[name] = agree / given
    return out


def _confidence(rows: Sequence[FiledRow], agreement: Mapping[str, float], confirmed: bool) -> int:
    # lists, not iterators: fmean then skips counting them (same exact sum, math.fsum)
    probability = statistics.fmean([float(r.record.get("incident_probability") or 0.5) for r in rows])
    agree = statistics.fmean(list(agreement.values())) if agreement else 1.0
    value = round(100 * probability * (0.5 + 0.5 * agree) * (1 - 0.5 ** len(rows)))
    return max(value, CONFIRMED_CONFIDENCE) if confirmed else max(0, min(100, value))


def _name(first: FiledRow, fields: Mapping[str, Any]) -> str:
    """The earliest report's title (stable as reports arrive), else a name made of type, place and date."""
    if first.title and first.title.strip():
        return first.title.strip()[:300]
    parts = [(fields.get("attack_types") or ["Incident"])[0], fields.get("city") or fields.get("admin1")
             or fields.get("country"), fields.get("occurred")]
    return " — ".join(str(p) for p in parts if p)


def compose(rows: Sequence[FiledRow], edits: Mapping[str, Any] | None = None) -> Composition:
    """The incident of ``rows`` (at least one) with ``edits`` (field → latest analyst value) applied."""
    if not rows:
        raise ValueError("an incident is composed from at least one report")
    rows = sorted(rows, key=lambda r: (r.when, r.report_id))
    edits = dict(edits or {})
    fields: dict[str, Any] = {}
    _date(rows, fields)
    _place(rows, fields)
    named = [r.record.get("perpetrator") for r in rows if r.record.get("perpetrator") not in (None, UNKNOWN)]
    fields["perpetrator"] = _vote(named) or (UNKNOWN if any(r.record.get("perpetrator") for r in rows) else None)
    for name in LIST_FIELDS:
        fields[name] = _list_vote([r.record.get(name) or () for r in rows])
    history, source, fields["killed"], fields["wounded"] = _toll(rows)
    fields["name"] = _name(rows[0], fields)
    fields["determination"], fields["investigation_status"] = "suspected", "new" if len(rows) == 1 else "open"
    fields.update(edits)
    if "killed" in edits or "wounded" in edits:
        source = None
    agreement = _agreement(rows, fields)
    confirmed = fields.get("determination") == "confirmed"
    return Composition(fields, agreement, history, source, _confidence(rows, agreement, confirmed),
                       [r.report_id for r in rows], sorted(edits))
