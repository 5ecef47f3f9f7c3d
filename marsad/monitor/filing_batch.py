"""Filing a whole batch of reports with a few statements: the same outcome as filing them one by one.

Why: :func:`marsad.monitor.incident_files.file_report` runs about ten statements per report (candidate lookups,
the incident's reports and edits, inserts, the index update), and the pipeline files hundreds of reports in one
write transaction that every worker waits for. Here the database is read once per batch — the open incidents
in the date windows of all the reports (one statement whose terms are the reports' windows merged per marking
and country), the incidents sharing their band keys, the newest signatures of those candidates, the reports
already filed — and written once per batch (inserts and the index updates as ``executemany``). In between,
reports are filed in order against an in-memory view: the rows read, overlaid with the incidents this batch
opened or changed, so a report can merge into an incident opened earlier in the same batch exactly as if the
earlier one had been written. An existing incident a report merges into has its reports and edits read when
first needed (two statements per incident updated, none per incident opened).

The rules are :mod:`marsad.monitor.incident_files`' (the same candidate predicates, limit and scoring); the
tests file the same reports both ways and compare.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, NamedTuple

from sqlalchemy import Connection, String, Text, and_, bindparam, cast, insert, or_, select, type_coerce, update

from marsad.model.ids import stable_id
from marsad.monitor.incident_compose import EDITABLE_FIELDS, Composition, FiledRow, compose
from marsad.monitor.incident_files import (
    CANDIDATE_LIMIT,
    SIGNATURES_PER_INCIDENT,
    FiledReport,
    Filing,
    actor_target,
    compose_version,
    facts_of_file,
    incident_version,
    index_values,
    location_objects,
    marking_key,
    relationship,
    versioned,
    window_params,
)
from marsad.monitor.merging import FAR_KM, MERGE_K, EventFacts, best_match, vetoed
from marsad.monitor.similarity import Signature, near_duplicate_key, signature, signature_of_words
from marsad.store.incident_reports import incident_band_keys, incident_edits, incident_file_reports, incident_files
from marsad.store.pipeline_items import among, insert_many

__all__ = ["file_reports", "text_keys", "TextKeys"]

_f, _r, _b, _e = incident_files.c, incident_file_reports.c, incident_band_keys.c, incident_edits.c
_CHUNK = 500
_TEXT_LIMIT = 20_000
_CLEAR = marking_key("clear", (), None)
_UPDATE = update(incident_files).where(_f.incident_id == bindparam("b_iid")).values(
    modified=bindparam("b_modified"), **{k: bindparam(f"b_{k}") for k in (
        "occurred", "occurred_precision", "country", "admin1", "city", "latitude", "longitude", "attack_types",
        "perpetrator", "killed", "wounded")})


class _Row:
    """An ``incident_files`` row as the batch sees it (attribute access, like a result row)."""

    def __init__(self, **values: Any):
        self.__dict__.update(values)


@dataclass
class _Incident:
    """An incident this batch touched: its current row, reports, edits and newest signatures."""

    row: _Row
    rows: list[FiledRow]
    edits: dict[str, Any]
    signatures: list[tuple[datetime, str, bytes]]  # (received, report id, signature) of its reports
    opened: bool


@dataclass
class _Probe:
    """One candidate lookup: a report's facts under one marking key (its own, or TLP:CLEAR for related-to)."""

    key: str
    facts: EventFacts
    bands: list[str]
    params: dict | None
    known: dict[str, bool] | None = None  # the view's remembered vetoes for these facts


@dataclass
class _View:
    """What the batch knows of the open incidents: rows read, incidents touched, band keys, signatures."""

    rows: dict[str, Any] = field(default_factory=dict)
    by_day: dict[tuple[str, date], set[str]] = field(default_factory=lambda: defaultdict(set))
    by_country: dict[tuple[str, date, str | None], set[str]] = field(default_factory=lambda: defaultdict(set))
    indexed: dict[str, tuple[str, date, str | None]] = field(default_factory=dict)
    touched: dict[str, _Incident] = field(default_factory=dict)
    bands: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    signatures: dict[str, list[tuple[datetime, str, bytes]]] = field(default_factory=lambda: defaultdict(list))
    #: (marking key, report facts) → {incident id: vetoed} for rows as read; ``changed``: ids this batch rewrote
    vetoes: dict[tuple[str, EventFacts], dict[str, bool]] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)
    #: the reports and edits of the candidates read whole (``loaded``), as the database holds them; a report as
    #: (report id, received, published, title, record as JSON text): see :data:`_REPORT_COLUMNS`
    reports: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    edits: dict[str, dict[str, Any]] = field(default_factory=lambda: defaultdict(dict))
    loaded: set[str] = field(default_factory=set)
    #: incident id → (its signature list, its length then, the newest decoded): reports near one another are
    #: scored against the same candidates, whose lists only grow (appends), so a decoding stays good while the
    #: list is the same object of the same length
    decoded: dict[str, tuple[list, int, list[Signature]]] = field(default_factory=dict)

    def newest(self, incident_id: str, entries: list) -> list[Signature]:
        """The newest signatures of ``entries`` (an incident's), decoded once per batch while they do not change."""
        known = self.decoded.get(incident_id)
        if known is not None and known[0] is entries and known[1] == len(entries):
            return known[2]
        signatures = _newest_signatures(entries)
        self.decoded[incident_id] = (entries, len(entries), signatures)
        return signatures

    def row(self, incident_id: str):
        touched = self.touched.get(incident_id)
        return touched.row if touched else self.rows.get(incident_id)

    def keep(self, row) -> None:
        """Add a row read (or written) to the view and index it."""
        self.rows[row.incident_id] = row
        self.index(row)

    def index(self, row) -> None:
        """(Re)file a row under its (marking key, day) and (marking key, day, country) after its date changed."""
        old = self.indexed.pop(row.incident_id, None)
        if old is not None:
            self.by_day[old[:2]].discard(row.incident_id)
            self.by_country[old].discard(row.incident_id)
        if row.occurred is not None:
            place = (row.marking_key, row.occurred, row.country)
            self.indexed[row.incident_id] = place
            self.by_day[place[:2]].add(row.incident_id)
            self.by_country[place].add(row.incident_id)

    def in_days(self, key: str, params: dict, country: str | None = None) -> set[str]:
        """Ids of the rows (as read, or as this batch changed them) dated in the probe's window or coarse days;
        with ``country``, only those in that country or none (what the probe's lookup asks)."""
        lo, hi = params["lo"], params["hi"]
        days = {lo + timedelta(days=n) for n in range((hi - lo).days + 1)} | set(params["coarse"])
        if country:
            return {i for day in days for c in (country, None) for i in self.by_country.get((key, day, c), ())}
        return {i for day in days for i in self.by_day.get((key, day), ())}

    def vetoed(self, probe: _Probe, incident_id: str, row) -> bool:
        """Whether the place or date veto rules ``row`` out for the probe (remembered for rows as read)."""
        if incident_id in self.changed:
            return _vetoed(probe, row)
        known = probe.known
        if known is None:  # one lookup per probe, not per row (hashing the facts is not free)
            known = probe.known = self.vetoes.setdefault((probe.key, probe.facts), {})
        found = known.get(incident_id)
        if found is None:
            found = known[incident_id] = _vetoed(probe, row)
        return found


def _related_objects(incident: dict, comp: Composition, marking: Sequence[str]) -> list[dict]:
    """The incident's location (and located-at) and its attributed-to relationship."""
    target = actor_target(comp.fields.get("perpetrator"))
    actor = [relationship(incident, "attributed-to", target, marking)] if target else []
    return [*location_objects(incident, comp.fields, marking), *actor]


#: a report text's merge signature and LSH band keys
TextKeys = tuple[Signature, list[str]]


def text_keys(title: str, text: str, text_signature: Signature | None = None,
              seq: Sequence[str] | None = None) -> TextKeys:
    """The merge signature and band keys of a report (what ``file_report`` computes from its title and text):
    CPU work a caller may do before its write transaction and pass to :func:`file_reports`.

    ``text_signature`` — the default-shingle signature of ``text`` alone, when the caller has it (the
    near-duplicate fingerprint): without a title and under the size limit the band keys are its keys, and the
    text is not shingled a second time. ``seq`` — the :func:`~marsad.monitor.similarity.words` of the title then
    of the text, when the caller folded them already (the text under the size limit): not folded again."""
    body = f"{title}\n{text[:_TEXT_LIMIT]}"
    short = len(text) <= _TEXT_LIMIT
    merge = signature_of_words(seq, MERGE_K) if seq is not None and short else signature(body, MERGE_K)
    if text_signature is not None and not title and short:
        return merge, near_duplicate_key(text_signature)
    if seq is not None and short:
        return merge, near_duplicate_key(signature_of_words(seq))
    return merge, near_duplicate_key(body)


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(timezone.utc)


# -- reading once per batch ------------------------------------------------------------------------------------
#: the columns the window lookup reads: what finding candidates and the place and date vetoes look at (the whole
#: row, JSON columns included, is read only for the rows that pass the vetoes of some report of the batch)
_NARROW = (_f.incident_id, _f.marking_key, _f.occurred, _f.occurred_precision, _f.country, _f.admin1, _f.city,
           _f.latitude, _f.longitude)


class _Narrow(NamedTuple):
    """A window row as read narrow (open, by the lookup's condition). ``modified`` is None until needed: only
    choosing the newest :data:`CANDIDATE_LIMIT` of a crowded window reads it (:func:`_newest_first`)."""

    incident_id: str
    marking_key: str
    occurred: date
    occurred_precision: str | None
    country: str | None
    admin1: str | None
    city: str | None
    latitude: float | None
    longitude: float | None
    state: str = "open"
    modified: datetime | None = None


#: date ranges per window statement: each statement has exactly this many (the last repeated), so it always has
#: one of two shapes (with or without the country condition) and SQLAlchemy compiles each shape once
_TERMS = 64


def _window_statement(with_country: bool, columns: Sequence):
    """``SELECT … WHERE state = 'open' AND (range 0 OR … OR range 63)``, a range being marking key, a date
    interval and (``with_country``) the country, or the same without a country.

    Why each range is written out as plain equalities and one interval: an ``OR`` nested inside a range (country
    or none) kept SQLite from using the interval on ``(marking_key, country, occurred)``, so each range read
    every incident of its country (1.7 ms per range at 10,000 incidents, growing with the store)."""
    terms = []
    for n in range(_TERMS):
        term = [_f.marking_key == bindparam(f"k{n}"), _f.occurred.between(bindparam(f"lo{n}"), bindparam(f"hi{n}"))]
        if with_country:  # two index ranges, not one OR inside the range: SQLite then scanned the whole country
            terms += [and_(*term, _f.country == bindparam(f"c{n}")), and_(*term, _f.country.is_(None))]
        else:
            terms.append(and_(*term))
    return select(*columns).where(_f.state == "open", or_(*terms))


#: by dialect, then by whether ranges carry a country; SQLite's day comes back as its text (``date.fromisoformat``
#: reads it several times faster than SQLAlchemy's per-row date processing)
_WINDOWS = {dialect: {c: _window_statement(c, columns) for c in (True, False)} for dialect, columns in (
    ("postgresql", _NARROW),
    ("sqlite", tuple(type_coerce(c, String).label("occurred") if c is _f.occurred else c for c in _NARROW)))}


_make = _Narrow._make


def _window_rows(conn: Connection, with_country: bool, params: dict) -> Iterator[_Narrow]:
    sqlite = conn.dialect.name != "postgresql"
    for row in conn.execute(_WINDOWS["sqlite" if sqlite else "postgresql"][with_country], params):
        if sqlite:
            yield _make((row[0], row[1], date.fromisoformat(row[2]), *row[3:], "open", None))
        else:
            yield _make((*row, "open", None))


def _window_ranges(probes: Sequence[_Probe]) -> dict[bool, list[dict]]:
    """The date ranges of every probe's window and coarse days, merged per (marking key, country), as the
    parameters of one range each: by whether they carry a country condition."""
    spans: dict[tuple[str, str | None], list[tuple[date, date]]] = defaultdict(list)
    for probe in probes:
        if probe.params is not None:
            group = spans[(probe.key, probe.facts.country or None)]
            group.append((probe.params["lo"], probe.params["hi"]))
            group += [(day, day) for day in probe.params["coarse"]]
    out: dict[bool, list[dict]] = {True: [], False: []}
    for (key, country), ranges in spans.items():
        merged: list[list[date]] = []
        for lo, hi in sorted(ranges):
            if merged and lo <= merged[-1][1] + timedelta(days=1):
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        out[country is not None] += [{"k": key, "lo": lo, "hi": hi, "c": country} for lo, hi in merged]
    return out


def _read(conn: Connection, probes: Sequence[_Probe], view: _View) -> None:
    """Rows in the probes' windows (narrow), incidents sharing their band keys, and the whole rows and signatures
    of those and of the window rows some probe does not veto.

    Why narrow first: a report's window holds every incident of its country over eight days, a number that grows
    with the store, while the vetoes (place, date) leave a few; reading the JSON columns and signatures of the
    rest cost most of a batch's reading at 20,000 items."""
    for with_country, ranges in _window_ranges(probes).items():
        for start in range(0, len(ranges), _TERMS):
            chunk = ranges[start:start + _TERMS]
            chunk += [chunk[-1]] * (_TERMS - len(chunk))
            params = {f"{name}{n}": value for n, r in enumerate(chunk) for name, value in r.items()
                      if with_country or name != "c"}
            for row in _window_rows(conn, with_country, params):
                view.keep(row)
    keys = sorted({k for p in probes for k in p.bands})
    by_band: set[str] = set()
    for start in range(0, len(keys), _CHUNK):
        query = select(_b.band_key, _r.incident_id).join(incident_file_reports, _b.report_id == _r.report_id)
        for band, incident_id in conn.execute(query.where(among(conn, _b.band_key, keys[start:start + _CHUNK]))):
            view.bands[band].add(incident_id)
            by_band.add(incident_id)
    ids = sorted(by_band | _passing(view, probes))
    for start in range(0, len(ids), _CHUNK):  # whole rows of the candidates that may merge
        chunk = ids[start:start + _CHUNK]
        for row in conn.execute(select(incident_files).where(among(conn, _f.incident_id, chunk))):
            view.keep(row)
    for start in range(0, len(ids), _CHUNK):  # their reports: signatures, and what composing a version reads
        chunk = ids[start:start + _CHUNK]
        for r in conn.execute(select(*_REPORT_COLUMNS).where(among(conn, _r.incident_id, chunk))):
            if r.signature is not None:
                view.signatures[r.incident_id].append((r.received, r.report_id, r.signature))
            view.reports[r.incident_id].append((r.report_id, r.received, r.published, r.title, r.record))
        for incident_id, name, value in conn.execute(select(_e.incident_id, _e.field, _e.new).where(
                among(conn, _e.incident_id, chunk)).order_by(_e.id)):
            if name in EDITABLE_FIELDS:  # split/merge rows are history, not field values
                view.edits[incident_id][name] = value
        view.loaded.update(chunk)


#: latitude degrees beyond which two points are surely farther apart than the place veto's distance: a great-circle
#: distance is at least the Earth's radius times the latitude difference (1 km of margin for rounding)
_FAR_LATITUDE = math.degrees((FAR_KM + 1.0) / 6371.0088)


def _vetoed(probe: _Probe, row) -> bool:
    """:func:`~marsad.monitor.merging.vetoed` for a row, answered without it when the two places are surely more
    than :data:`~marsad.monitor.merging.FAR_KM` apart by latitude alone (same answer: that is the place veto).

    Why: a report's window holds every incident of its country over a week or more, a number that grows with the
    store; most are other cities hundreds of kilometres away, and the full veto (haversine, dates) cost ~5 µs each.
    """
    lat = probe.facts.latitude
    if (lat is not None and row.latitude is not None and probe.facts.longitude is not None
            and row.longitude is not None and abs(lat - row.latitude) > _FAR_LATITUDE):
        return True
    return vetoed(probe.facts, _veto_facts(row))


def _veto_facts(row) -> EventFacts:
    """What the place and date vetoes compare of a row (read whole or narrow)."""
    return EventFacts(row.occurred, row.occurred_precision, row.country, row.admin1, row.city, row.latitude,
                      row.longitude)


def _passing(view: _View, probes: Sequence[_Probe]) -> set[str]:
    """Ids of the window rows some probe finds and does not veto: the only ones whose whole rows and signatures
    filing can need (a vetoed row never merges; a row this batch changes is one that merged)."""
    out: set[str] = set()
    for probe in probes:
        if probe.params is None:
            continue
        for incident_id in view.in_days(probe.key, probe.params, probe.facts.country):
            row = view.rows[incident_id]
            if any(_in_window(row, probe)) and not view.vetoed(probe, incident_id, row):
                out.add(incident_id)
    return out


#: what the batch reads of its candidates' reports (signatures for scoring, the rest for composing). The record
#: comes as its JSON text, decoded by :func:`_load` for the few candidates a report merges into. Why: a batch
#: reads the reports of every candidate not vetoed (~20 per item at 32,000 items, growing with the store) and
#: decoding their records was a tenth of file_reports' CPU on PostgreSQL; ``json.loads`` of the same text the
#: driver (or SQLAlchemy's JSON type on SQLite) decoded, so the same values
_REPORT_COLUMNS = (_r.incident_id, _r.report_id, _r.received, _r.published, _r.title,
                   cast(_r.record, Text).label("record"), _r.signature)
#: an incident's reports and edits (built once: an update reads them for every incident it changes)
_REPORTS_OF = select(_r.report_id, _r.received, _r.published, _r.title, _r.record).where(
    _r.incident_id == bindparam("iid"))
_EDITS_OF = select(_e.field, _e.new).where(_e.incident_id == bindparam("iid")).order_by(_e.id)


def _load(conn: Connection, view: _View, incident_id: str) -> _Incident:
    """An existing incident about to change: its row, all its reports and its analysts' edits."""
    if incident_id not in view.touched:
        row = view.rows[incident_id]
        values = vars(row) if isinstance(row, _Row) else row._asdict()
        if incident_id in view.loaded:  # read with the batch's candidates
            rows = [FiledRow(report_id, received, published, title, json.loads(record))
                    for report_id, received, published, title, record in view.reports[incident_id]]
            edits = dict(view.edits[incident_id])
        else:  # opened earlier in this batch and written since, or a band match read another way
            rows = [FiledRow(r.report_id, r.received, r.published, r.title, r.record)
                    for r in conn.execute(_REPORTS_OF, {"iid": incident_id})]
            edits = {e.field: e.new for e in conn.execute(_EDITS_OF, {"iid": incident_id})
                     if e.field in EDITABLE_FIELDS}
        view.touched[incident_id] = _Incident(_Row(**values), rows, edits, list(view.signatures[incident_id]),
                                              False)
    return view.touched[incident_id]


# -- candidates as incident_files would find them ------------------------------------------------------------
def _in_window(row, probe: _Probe) -> tuple[bool, bool]:
    """(near, coarse): whether ``row`` answers the probe's near-window or coarse-day lookup."""
    params = probe.params
    if params is None or row.state != "open" or row.marking_key != probe.key or row.occurred is None:
        return False, False
    if probe.facts.country and row.country not in (probe.facts.country, None):
        return False, False
    return params["lo"] <= row.occurred <= params["hi"], row.occurred in params["coarse"]


def _newest_signatures(entries: list[tuple[datetime, str, bytes]]) -> list[Signature]:
    ranked = sorted(entries, key=lambda e: e[1])
    ranked.sort(key=lambda e: e[0], reverse=True)
    return [Signature.from_bytes(data) for _, _, data in ranked[:SIGNATURES_PER_INCIDENT]]


def _newest_first(conn: Connection, view: _View, near: list) -> list:
    """``near`` newest first (by ``modified``), the rows read narrow given their ``modified`` first (once)."""
    missing = sorted(r.incident_id for r in near if r.modified is None)
    for start in range(0, len(missing), _CHUNK):
        query = select(_f.incident_id, _f.modified).where(among(conn, _f.incident_id, missing[start:start + _CHUNK]))
        for incident_id, modified in conn.execute(query):
            row = view.rows[incident_id]
            if isinstance(row, _Narrow):
                view.rows[incident_id] = row._replace(modified=modified)
    near = [view.row(r.incident_id) for r in near]
    near.sort(key=lambda r: r.modified, reverse=True)
    return near


def _candidates(conn: Connection, view: _View, probe: _Probe) -> list[tuple[str, EventFacts]]:
    """What ``incident_files`` would look up now: open incidents of the probe's marking in its date window
    (the newest :data:`CANDIDATE_LIMIT`), on its coarse days, or sharing a band key; with their newest signatures.
    Those the place or date veto rules out are left out (:func:`~marsad.monitor.merging.best_match` would skip
    them): most of a dense window, whose signatures are then never decoded."""
    near, chosen = [], set()
    ids = view.in_days(probe.key, probe.params, probe.facts.country) if probe.params is not None else ()
    for incident_id in ids:
        row = view.row(incident_id)
        is_near, is_coarse = _in_window(row, probe)
        if is_coarse:
            chosen.add(incident_id)
        if is_near:
            near.append(row)
    if len(near) > CANDIDATE_LIMIT:
        near = _newest_first(conn, view, near)
    chosen.update(r.incident_id for r in near[:CANDIDATE_LIMIT])
    banded = sorted({i for k in probe.bands for i in view.bands.get(k, ())})
    chosen.update(banded[:CANDIDATE_LIMIT])
    out = []
    for incident_id in sorted(chosen):
        row = view.row(incident_id)
        if row is None or row.state != "open" or row.marking_key != probe.key:
            continue
        if view.vetoed(probe, incident_id, row):  # never merges: its signatures need not be decoded
            continue
        entries = view.touched[incident_id].signatures if incident_id in view.touched else view.signatures[incident_id]
        out.append((incident_id, facts_of_file(row, view.newest(incident_id, entries))))
    return out


# -- filing in order ---------------------------------------------------------------------------------------------
def _probe(key: str, facts: EventFacts, bands: list[str]) -> _Probe:
    return _Probe(key, facts, bands, window_params(key, facts))


def _open(report: FiledReport, key: str, now: datetime) -> _Incident:
    incident_id = stable_id("incident", f"opened-by|{report.report_id}")
    row = _Row(incident_id=incident_id, marking_key=key, tlp=report.tlp, release_to=list(report.release_to),
               created_by_ref=report.created_by_ref, marking_refs=list(report.marking_refs), state="open",
               merged_into=None, occurred=None, occurred_precision=None, country=None, admin1=None, city=None,
               latitude=None, longitude=None, attack_types=[], perpetrator=None, killed=None, wounded=None,
               created=now, modified=now - timedelta(milliseconds=1))
    return _Incident(row, [], {}, [], True)


def _version(view: _View, incident: _Incident, now: datetime) -> tuple[dict, list[dict], Composition]:
    """The incident's next version (composed from its reports and edits) and its row's new index values."""
    row = incident.row
    comp = compose(incident.rows, incident.edits)
    row.modified = max(now, row.modified + timedelta(milliseconds=1))
    obj = incident_version(comp, incident_id=row.incident_id, created=row.created, modified=row.modified,
                           created_by_ref=row.created_by_ref, marking_refs=row.marking_refs)
    for name, value in index_values(comp, incident.rows).items():
        setattr(row, name, value)
    view.index(row)
    view.changed.add(row.incident_id)
    return obj, versioned([obj, *_related_objects(obj, comp, row.marking_refs)], obj, row), comp


@dataclass
class _Writes:
    """Rows to insert at the end of the batch."""

    reports: list[dict] = field(default_factory=list)
    bands: list[dict] = field(default_factory=list)


def _file_one(conn: Connection, view: _View, report: FiledReport, keys: TextKeys, writes: _Writes,
              now: datetime) -> Filing:
    """File one report against the view (merge or open, compose the next version); its rows wait in ``writes``."""
    sig, bands = keys
    anchor = (report.published or report.received).astimezone(timezone.utc).date()
    facts = EventFacts.from_record(report.record, published=anchor, signature=sig)
    key = marking_key(report.tlp, report.release_to, report.created_by_ref)
    found = best_match(facts, _candidates(conn, view, _probe(key, facts, bands)))
    if found is None:
        incident = _open(report, key, now)
        view.touched[incident.row.incident_id] = incident
    else:
        incident = _load(conn, view, found[0])
    before = (incident.row.killed or 0) + (incident.row.wounded or 0)
    record = json.loads(json.dumps(dict(report.record)))  # as the row gives it back
    incident.rows.append(FiledRow(report.report_id, _utc(report.received), _utc(report.published),
                                  (report.title or "")[:1000], record))
    incident.signatures.append((_utc(report.received), report.report_id, sig.to_bytes()))
    writes.reports.append(dict(
        report_id=report.report_id, incident_id=incident.row.incident_id, item_key=report.item_key[:2000],
        source=report.source, url=(report.url or None) and report.url[:2000], title=(report.title or "")[:1000],
        lang=report.language, published=report.published, received=report.received, record=dict(report.record),
        signature=sig.to_bytes()))
    for band in bands:
        writes.bands.append({"band_key": band, "report_id": report.report_id})
        view.bands[band].add(incident.row.incident_id)
    obj, objects, comp = _version(view, incident, now)
    if found is None and not (report.tlp == "clear" and not report.release_to and not report.created_by_ref):
        related = best_match(facts, _candidates(conn, view, _probe(_CLEAR, facts, bands)))
        if related:
            objects.append(relationship(obj, "related-to", related[0], report.marking_refs))
    rose = found is not None and comp.toll > before
    return Filing(incident.row.incident_id, objects, found is None, rose, obj)


def _flush(conn: Connection, view: _View, writes: _Writes) -> None:
    """Write what the batch did: new incidents, reports, band keys, then every touched incident's index row."""
    touched = list(view.touched.values())
    new = [vars(t.row) for t in touched if t.opened]
    if new:
        conn.execute(insert(incident_files), new)
    if writes.reports:
        conn.execute(insert(incident_file_reports), writes.reports)
    insert_many(conn, incident_band_keys, writes.bands)  # ~16 per report: one array statement on PostgreSQL
    changed = [{f"b_{k}": getattr(t.row, k) for k in (
        "occurred", "occurred_precision", "country", "admin1", "city", "latitude", "longitude", "attack_types",
        "perpetrator", "killed", "wounded")} | {"b_iid": t.row.incident_id, "b_modified": t.row.modified}
        for t in touched if not t.opened]
    if changed:
        conn.execute(_UPDATE, changed)
    for t in touched:
        t.opened = False
    writes.reports.clear()
    writes.bands.clear()
    for t in touched:
        view.keep(t.row)
        view.loaded.discard(t.row.incident_id)  # its reports and edits are read again from what was written
    view.signatures.update({t.row.incident_id: t.signatures for t in touched})
    view.touched.clear()


def file_reports(conn: Connection, reports: Sequence[FiledReport], *, now: datetime,
                 keys: Mapping[str, TextKeys] | None = None) -> list[Filing | None]:
    """File ``reports`` in order in the caller's transaction; one :class:`Filing` (or None: not an incident
    report) per report, as :func:`~marsad.monitor.incident_files.file_report` would give filing them one by one.

    A report already filed (before or earlier in this batch) gives its incident's current version. ``keys``:
    report id → :func:`text_keys` of its title and text, when computed beforehand (else computed here).
    """
    wanted = [r for r in reports if r.record.get("is_incident")]
    filed: dict[str, str] = {}
    ids = sorted({r.report_id for r in wanted})
    for start in range(0, len(ids), _CHUNK):
        filed.update(conn.execute(select(_r.report_id, _r.incident_id).where(
            among(conn, _r.report_id, ids[start:start + _CHUNK]))).all())
    probes, keys = [], dict(keys or {})
    for r in wanted:
        if r.report_id in filed:
            continue
        facts = EventFacts.from_record(r.record, published=(r.published or r.received).astimezone(timezone.utc).date())
        if r.report_id not in keys:
            keys[r.report_id] = text_keys(r.title, r.text)
        bands = keys[r.report_id][1]
        probes.append(_probe(marking_key(r.tlp, r.release_to, r.created_by_ref), facts, bands))
        if not (r.tlp == "clear" and not r.release_to and not r.created_by_ref):
            probes.append(_probe(_CLEAR, facts, bands))
    view, writes, out = _View(), _Writes(), []
    _read(conn, probes, view)
    for report in reports:
        if not report.record.get("is_incident"):
            out.append(None)
        elif report.report_id in filed:  # filed before: its incident's current version, nothing new
            _flush(conn, view, writes)
            incident, objects, _, _ = compose_version(conn, filed[report.report_id], now=now, bump=False)
            out.append(Filing(filed[report.report_id], objects, False, False, incident))
        else:
            filing = _file_one(conn, view, report, keys[report.report_id], writes, now)
            filed[report.report_id] = filing.incident_id
            out.append(filing)
    _flush(conn, view, writes)
    return out
