"""What a batch of reports being filed knows of the open incidents: the rows and reports read once per batch,
overlaid with what the batch changed (:func:`marsad.monitor.filing_batch.file_reports` files against it).

Why a module of its own: reading a batch's candidates with a few statements (narrow window rows first, whole
rows and reports only of those some report does not veto) and keeping them indexed by day and country is what
makes filing a batch cheap; the filing rules stay in :mod:`marsad.monitor.filing_batch` and
:mod:`marsad.monitor.incident_files`.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, select

from marsad.monitor.incident_compose import EDITABLE_FIELDS, FiledRow
from marsad.monitor.incident_files import SIGNATURES_PER_INCIDENT
from marsad.monitor.merging import FAR_KM, EventFacts, vetoed
from marsad.monitor.similarity import Signature
from marsad.store.incident_reports import band_rows_sql, incident_edits, incident_file_reports, incident_files
from marsad.store.pipeline_items import among
from marsad.store.lookups import in_sql, values_of
from marsad.store.rows import listed

__all__ = ["FileRow", "Touched", "Probe", "BatchView", "read_batch", "load_incident", "in_window",
           "newest_signatures", "newest_first", "CHUNK"]

_f, _r, _e = incident_files.c, incident_file_reports.c, incident_edits.c
#: ids per lookup statement
CHUNK = 500


class FileRow:
    """An ``incident_files`` row as the batch sees it (attribute access, like a result row)."""

    def __init__(self, **values: Any):
        self.__dict__.update(values)


@dataclass
class Touched:
    """An incident this batch touched: its current row, reports, edits and newest signatures."""

    row: FileRow
    rows: list[FiledRow]
    edits: dict[str, Any]
    signatures: list[tuple[datetime, str, bytes]]  # (received, report id, signature) of its reports
    opened: bool


@dataclass
class Probe:
    """One candidate lookup: a report's facts under one marking key (its own, or TLP:CLEAR for related-to)."""

    key: str
    facts: EventFacts
    bands: list[str]
    params: dict | None
    known: dict[str, bool] | None = None  # the view's remembered vetoes for these facts
    lookups: list[tuple] | None = None  # the view's index keys of its window and coarse days (BatchView.in_days)


@dataclass
class BatchView:
    """What the batch knows of the open incidents: rows read, incidents touched, band keys, signatures."""

    rows: dict[str, Any] = field(default_factory=dict)
    by_day: dict[tuple[str, date], set[str]] = field(default_factory=lambda: defaultdict(set))
    by_country: dict[tuple[str, date, str | None], set[str]] = field(default_factory=lambda: defaultdict(set))
    indexed: dict[str, tuple[str, date, str | None]] = field(default_factory=dict)
    touched: dict[str, Touched] = field(default_factory=dict)
    bands: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    signatures: dict[str, list[tuple[datetime, str, bytes]]] = field(default_factory=lambda: defaultdict(list))
    #: (marking key, report facts) → {incident id: vetoed} for rows as read; ``changed``: ids this batch rewrote
    vetoes: dict[tuple[str, EventFacts], dict[str, bool]] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)
    #: what the vetoes compare of each row as read (not of those in ``changed``), built once per row, not per probe
    row_facts: dict[str, EventFacts] = field(default_factory=dict)
    #: the reports and edits of the candidates read whole (``loaded``), as the database holds them; a report as
    #: (report id, received, published, title, record as JSON text): see :data:`_REPORT_COLUMNS`
    reports: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    edits: dict[str, dict[str, Any]] = field(default_factory=lambda: defaultdict(dict))
    loaded: set[str] = field(default_factory=set)
    #: incident id → (its signature list, its length then, the newest decoded): reports near one another are
    #: scored against the same candidates, whose lists only grow (appends), so a decoding stays good while the
    #: list is the same object of the same length
    decoded: dict[str, tuple[list, int, list[Signature]]] = field(default_factory=dict)
    #: incident id → (its row, its newest signatures, their facts): a candidate's facts built once while neither
    #: object changes (a row is changed in place only while touched: those are built anew)
    facts: dict[str, tuple[Any, list[Signature], EventFacts]] = field(default_factory=dict)

    def newest(self, incident_id: str, entries: list) -> list[Signature]:
        """The newest signatures of ``entries`` (an incident's), decoded once per batch while they do not change."""
        known = self.decoded.get(incident_id)
        if known is not None and known[0] is entries and known[1] == len(entries):
            return known[2]
        signatures = newest_signatures(entries)
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

    def in_days(self, probe: Probe) -> set[str]:
        """Ids of the rows (as read, or as this batch changed them) dated in the probe's window or coarse days;
        for a probe naming its country, only those in that country or none (what the probe's lookup asks)."""
        if probe.lookups is None:  # the index keys of its days, once per probe (they do not change)
            lo, hi, key, country = probe.params["lo"], probe.params["hi"], probe.key, probe.facts.country
            days = {lo + timedelta(days=n) for n in range((hi - lo).days + 1)} | set(probe.params["coarse"])
            probe.lookups = ([(key, day, c) for day in days for c in (country, None)] if country
                             else [(key, day) for day in days])
        index = self.by_country if probe.facts.country else self.by_day
        return {i for lookup in probe.lookups for i in index.get(lookup, ())}

    def vetoed(self, probe: Probe, incident_id: str, row) -> bool:
        """Whether the place or date veto rules ``row`` out for the probe (remembered for rows as read)."""
        if incident_id in self.changed:
            return _vetoed(probe, row)
        known = probe.known
        if known is None:  # one lookup per probe, not per row (hashing the facts is not free)
            known = probe.known = self.vetoes.setdefault((probe.key, probe.facts), {})
        found = known.get(incident_id)
        if found is None:
            found = known[incident_id] = _vetoed(probe, row, self.row_facts, incident_id)
        return found


#: the columns the window lookup reads: what finding candidates and the place and date vetoes look at (the whole
#: row, JSON columns included, is read only for the rows that pass the vetoes of some report of the batch)
_NARROW = (_f.incident_id, _f.marking_key, _f.occurred, _f.occurred_precision, _f.country, _f.admin1, _f.city,
           _f.latitude, _f.longitude)


class _Narrow(NamedTuple):
    """A window row as read narrow (open, by the lookup's condition). ``modified`` is None until needed: only
    choosing the newest :data:`CANDIDATE_LIMIT` of a crowded window reads it (:func:`newest_first`)."""

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


#: the narrow columns as SQL text, for the window statements written as text (:data:`_PG_WINDOWS`,
#: :data:`_SQLITE_WINDOWS`)
_NARROW_TEXT = ", ".join(f"f.{c.name}" for c in _NARROW)
_PG_RANGE = ("SELECT {c} FROM incident_files AS f WHERE f.marking_key = w.k{country} "
             "AND f.occurred BETWEEN w.lo AND w.hi AND f.state = 'open'")
#: PostgreSQL: the ranges as arrays (one text parameter each: :func:`~marsad.store.rows.listed`), each an index
#: range of a join on their ``unnest``; a range with a country reads that country, then none (two index ranges of
#: ``(marking_key, country, occurred)``: an ``OR`` inside would read the whole key), one without reads every
#: country (``(marking_key, occurred)``); ``OFFSET 0`` keeps each subquery a per-range index probe (joined flat,
#: the planner hashed the ranges against every open row of the store: 70 ms at 6,500 incidents, not 5); see
#: :func:`_window_rows`
_PG_UNNEST = ("SELECT {g} FROM unnest(CAST(%(k)s AS varchar[]), CAST(%(lo)s AS date[]), CAST(%(hi)s AS date[]){c}) "
              "AS w(k, lo, hi{w}) CROSS JOIN LATERAL ({ranges} OFFSET 0) AS g")
_PG_WINDOWS = {
    True: _PG_UNNEST.format(g=_NARROW_TEXT.replace("f.", "g."), c=", CAST(%(c)s AS varchar[])", w=", c",
                            ranges=" UNION ALL ".join(_PG_RANGE.format(c=_NARROW_TEXT, country=c) for c in (
                                " AND f.country = w.c", " AND f.country IS NULL"))),
    False: _PG_UNNEST.format(g=_NARROW_TEXT.replace("f.", "g."), c="", w="",
                             ranges=_PG_RANGE.format(c=_NARROW_TEXT, country=""))}


_make = _Narrow._make


_SQLITE_RANGE = ("SELECT {c} FROM json_each(?) AS r JOIN incident_files AS f ON f.marking_key = r.value ->> 0 "
                 "AND f.occurred BETWEEN r.value ->> 1 AND r.value ->> 2{country} WHERE f.state = 'open'")
#: SQLite: the ranges as one JSON parameter, each an index range of a join (a range with a country: that country,
#: then none); see :func:`_window_rows`
_SQLITE_WINDOWS = {
    True: " UNION ALL ".join(_SQLITE_RANGE.format(c=_NARROW_TEXT, country=c) for c in (
        " AND f.country = r.value ->> 3", " AND f.country IS NULL")),
    False: _SQLITE_RANGE.format(c=_NARROW_TEXT, country="")}


def _window_rows(conn: Connection, with_country: bool, ranges: list[dict]) -> Iterator[_Narrow]:
    """The open rows in ``ranges`` (of :func:`_window_ranges`), read narrow, each once.

    Why a join on the ranges given as one parameter (SQLite: a JSON array; PostgreSQL: one text array per field)
    rather than a statement ORing 64 padded ranges: on SQLite that statement's 200-odd parameters cost ~8 ms per
    statement in SQLAlchemy, 15 times SQLite's own work on the rows (30,000-item store); on PostgreSQL the server
    planned its 128 branches anew at every execution (~5 ms per statement, a custom plan each time). The join's
    SQL text is constant (psycopg prepares it after 5 uses), its plan is an index range per range, and it needs no
    padding. A row in two ranges (a country's range and another country's, both reading rows of no country) comes
    twice: it is given once."""
    seen: set[str] = set()
    if conn.dialect.name != "postgresql":
        listed_ranges = json.dumps([[r["k"], r["lo"].isoformat(), r["hi"].isoformat(), r["c"]] for r in ranges])
        result = conn.exec_driver_sql(_SQLITE_WINDOWS[with_country],
                                      (listed_ranges, listed_ranges) if with_country else (listed_ranges,))
        for row in result.fetchall():
            if row[0] not in seen:
                seen.add(row[0])
                yield _make((row[0], row[1], date.fromisoformat(row[2]), *row[3:], "open", None))
        return
    fields = ("k", "lo", "hi", "c") if with_country else ("k", "lo", "hi")
    params = {name: listed(conn, [r[name] for r in ranges]) for name in fields}
    for row in conn.exec_driver_sql(_PG_WINDOWS[with_country], params).fetchall():
        if row[0] not in seen:
            seen.add(row[0])
            yield _make((*row, "open", None))


def _window_ranges(probes: Sequence[Probe]) -> dict[bool, list[dict]]:
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


#: SQLite's fixed-width UTC text of a datetime column read as it is (``datetime.fromisoformat`` reads it several
#: times faster than SQLAlchemy's per-row processing; same value: the stored text is its UTC time). The offset is
#: parsed with it (its tzinfo is ``timezone.utc`` itself): ``.replace(tzinfo=…)`` after the parse cost five times
#: the parse (~0.87 µs against ~0.15 µs a value, ~15,000 values a batch of 500 at 50,000 items)
def _utc_text(value: str) -> datetime:
    return datetime.fromisoformat(value + "+00:00")


class _Whole(NamedTuple):
    """An ``incident_files`` row read whole for a candidate that may merge. ``release_to`` and ``marking_refs``
    stay their JSON text until the incident changes (:func:`load_incident`): most candidates never do."""

    incident_id: str
    marking_key: str
    tlp: str
    release_to: str
    created_by_ref: str | None
    marking_refs: str
    state: str
    merged_into: str | None
    occurred: date | None
    occurred_precision: str | None
    country: str | None
    admin1: str | None
    city: str | None
    latitude: float | None
    longitude: float | None
    attack_types: list
    perpetrator: str | None
    killed: int | None
    wounded: int | None
    created: datetime
    modified: datetime


#: the whole row's columns as SQL text: JSON lists as their text (``json.loads`` of the text the driver or
#: SQLAlchemy's JSON type decodes, so the same values); SQLite's dates and times come as their stored text
_WHOLE_SQL = ", ".join(f"CAST({c.name} AS TEXT)" if c.name in ("release_to", "marking_refs", "attack_types")
                       else c.name for c in incident_files.c)
assert tuple(c.name for c in incident_files.c) == _Whole._fields and _Whole._fields[-2:] == ("created", "modified")


_OCCURRED, _ATTACK_TYPES, _CREATED = (_Whole._fields.index(n) for n in ("occurred", "attack_types", "created"))


def _utc(value: datetime | None) -> datetime | None:
    """A PostgreSQL ``timestamptz`` as :class:`~marsad.store.base.UTCDateTime` gives it (in UTC)."""
    return None if value is None else value.astimezone(timezone.utc)


def _whole_rows(conn: Connection, ids: Sequence[str]) -> Iterator[_Whole]:
    """Whole rows by the driver (constant SQL text; SQLAlchemy's result rows cost more than the read) in the
    values SQLAlchemy's typed read gives (tested equal)."""
    sqlite = conn.dialect.name != "postgresql"
    sql = f"SELECT {_WHOLE_SQL} FROM incident_files WHERE {in_sql(conn.dialect.name, 'incident_id')}"
    for row in conn.exec_driver_sql(sql, (values_of(conn, ids),)).fetchall():
        values = list(row)
        values[_ATTACK_TYPES] = json.loads(values[_ATTACK_TYPES])
        if sqlite:
            day = values[_OCCURRED]
            values[_OCCURRED] = None if day is None else date.fromisoformat(day)
            values[_CREATED] = _utc_text(values[_CREATED])
            values[_CREATED + 1] = _utc_text(values[_CREATED + 1])  # modified
        else:
            values[_CREATED] = _utc(values[_CREATED])
            values[_CREATED + 1] = _utc(values[_CREATED + 1])
        yield _Whole._make(values)


def _report_rows(conn: Connection, ids: Sequence[str]) -> Iterator[tuple]:
    """The reports of incidents ``ids`` as (incident id, report id, received, published, title, record as JSON
    text, signature), by the driver (see :data:`_REPORTS_SQL`)."""
    sqlite = conn.dialect.name != "postgresql"
    rows = conn.exec_driver_sql(f"{_REPORTS_SQL} WHERE {in_sql(conn.dialect.name, 'incident_id')}",
                                (values_of(conn, ids),)).fetchall()
    for incident_id, report_id, received, published, title, record, data in rows:
        if sqlite:
            received, published = _utc_text(received), None if published is None else _utc_text(published)
        else:
            received, published = _utc(received), _utc(published)
        yield incident_id, report_id, received, published, title, record, data


def read_batch(conn: Connection, probes: Sequence[Probe], view: BatchView) -> None:
    """Rows in the probes' windows (narrow), incidents sharing their band keys, and the whole rows and signatures
    of those and of the window rows some probe does not veto.

    Why narrow first: a report's window holds every incident of its country over eight days, a number that grows
    with the store, while the vetoes (place, date) leave a few; reading the JSON columns and signatures of the
    rest cost most of a batch's reading at 20,000 items."""
    for with_country, ranges in _window_ranges(probes).items():
        if ranges:
            for row in _window_rows(conn, with_country, ranges):
                view.keep(row)
    keys = sorted({k for p in probes for k in p.bands})
    by_band: set[str] = set()
    sql = (f"SELECT b.band_key, r.incident_id FROM ({band_rows_sql(conn.dialect.name)}) AS b "
           "JOIN incident_file_reports AS r ON b.report_id = r.report_id")
    copies = 2 if conn.dialect.name == "sqlite" else 1  # SQLite reads both band trees, each of the one parameter
    for start in range(0, len(keys), CHUNK):
        param = values_of(conn, keys[start:start + CHUNK])
        for band, incident_id in conn.exec_driver_sql(sql, (param,) * copies).fetchall():
            view.bands[band].add(incident_id)
            by_band.add(incident_id)
    ids = sorted(by_band | _passing(view, probes))
    for start in range(0, len(ids), CHUNK):  # whole rows of the candidates that may merge
        chunk = ids[start:start + CHUNK]
        for row in _whole_rows(conn, chunk):
            view.keep(row)
    for start in range(0, len(ids), CHUNK):  # their reports: signatures, and what composing a version reads
        chunk = ids[start:start + CHUNK]
        for incident_id, report_id, received, published, title, record, data in _report_rows(conn, chunk):
            if data is not None:
                view.signatures[incident_id].append((received, report_id, data))
            view.reports[incident_id].append((report_id, received, published, title, record))
        for incident_id, name, value in conn.execute(select(_e.incident_id, _e.field, _e.new).where(
                among(conn, _e.incident_id, chunk)).order_by(_e.id)):
            if name in EDITABLE_FIELDS:  # split/merge rows are history, not field values
                view.edits[incident_id][name] = value
        view.loaded.update(chunk)


#: latitude degrees beyond which two points are surely farther apart than the place veto's distance: a great-circle
#: distance is at least the Earth's radius times the latitude difference (1 km of margin for rounding)
_FAR_LATITUDE = math.degrees((FAR_KM + 1.0) / 6371.0088)


def _vetoed(probe: Probe, row, row_facts: dict[str, EventFacts] | None = None, incident_id: str = "") -> bool:
    """:func:`~marsad.monitor.merging.vetoed` for a row, answered without it when the two places are surely more
    than :data:`~marsad.monitor.merging.FAR_KM` apart by latitude alone (same answer: that is the place veto).

    Why: a report's window holds every incident of its country over a week or more, a number that grows with the
    store; most are other cities hundreds of kilometres away, and the full veto (haversine, dates) cost ~5 µs each.
    """
    lat = probe.facts.latitude
    if (lat is not None and row.latitude is not None and probe.facts.longitude is not None
            and row.longitude is not None and abs(lat - row.latitude) > _FAR_LATITUDE):
        return True
    if row_facts is None:
        return vetoed(probe.facts, _veto_facts(row))
    facts = row_facts.get(incident_id)
    if facts is None:
        facts = row_facts[incident_id] = _veto_facts(row)
    return vetoed(probe.facts, facts)


def _veto_facts(row) -> EventFacts:
    """What the place and date vetoes compare of a row (read whole or narrow)."""
    return EventFacts(row.occurred, row.occurred_precision, row.country, row.admin1, row.city, row.latitude,
                      row.longitude)


def _passing(view: BatchView, probes: Sequence[Probe]) -> set[str]:
    """Ids of the window rows some probe finds and does not veto: the only ones whose whole rows and signatures
    filing can need (a vetoed row never merges; a row this batch changes is one that merged)."""
    out: set[str] = set()
    for probe in probes:
        if probe.params is None:
            continue
        for incident_id in view.in_days(probe):
            row = view.rows[incident_id]
            if any(in_window(row, probe)) and not view.vetoed(probe, incident_id, row):
                out.add(incident_id)
    return out


#: what the batch reads of its candidates' reports (signatures for scoring, the rest for composing), by the driver
#: (SQLAlchemy's result rows cost more than the read). The record comes as its JSON text, decoded by
#: :func:`load_incident` for the few candidates a report merges into. Why: a batch reads the reports of every
#: candidate not vetoed (~20 per item at 32,000 items, growing with the store) and decoding their records was a
#: tenth of file_reports' CPU on PostgreSQL; ``json.loads`` of the same text the driver (or SQLAlchemy's JSON type
#: on SQLite) decoded, so the same values. SQLite's times come as their text (:func:`_utc_text`), PostgreSQL's
#: ``timestamptz`` in UTC (:func:`_utc`), as SQLAlchemy's typed read gives them (tested equal)
_REPORTS_SQL = ("SELECT incident_id, report_id, received, published, title, CAST(record AS TEXT), signature "
                "FROM incident_file_reports")
#: an incident's reports and edits (built once: an update reads them for every incident it changes)
_REPORTS_OF = select(_r.report_id, _r.received, _r.published, _r.title, _r.record).where(
    _r.incident_id == bindparam("iid"))
_EDITS_OF = select(_e.field, _e.new).where(_e.incident_id == bindparam("iid")).order_by(_e.id)


def load_incident(conn: Connection, view: BatchView, incident_id: str) -> Touched:
    """An existing incident about to change: its row, all its reports and its analysts' edits."""
    if incident_id not in view.touched:
        row = view.rows[incident_id]
        values = vars(row) if isinstance(row, FileRow) else row._asdict()
        if isinstance(row, _Whole):
            values.update(release_to=json.loads(row.release_to), marking_refs=json.loads(row.marking_refs))
        if incident_id in view.loaded:  # read with the batch's candidates
            rows = [FiledRow(report_id, received, published, title, json.loads(record))
                    for report_id, received, published, title, record in view.reports[incident_id]]
            edits = dict(view.edits[incident_id])
        else:  # opened earlier in this batch and written since, or a band match read another way
            rows = [FiledRow(r.report_id, r.received, r.published, r.title, r.record)
                    for r in conn.execute(_REPORTS_OF, {"iid": incident_id})]
            edits = {e.field: e.new for e in conn.execute(_EDITS_OF, {"iid": incident_id})
                     if e.field in EDITABLE_FIELDS}
        view.touched[incident_id] = Touched(FileRow(**values), rows, edits, list(view.signatures[incident_id]),
                                              False)
    return view.touched[incident_id]


# -- candidates as incident_files would find them ------------------------------------------------------------
def in_window(row, probe: Probe) -> tuple[bool, bool]:
    """(near, coarse): whether ``row`` answers the probe's near-window or coarse-day lookup."""
    params = probe.params
    if params is None or row.state != "open" or row.marking_key != probe.key or row.occurred is None:
        return False, False
    if probe.facts.country and row.country not in (probe.facts.country, None):
        return False, False
    return params["lo"] <= row.occurred <= params["hi"], row.occurred in params["coarse"]


def newest_signatures(entries: list[tuple[datetime, str, bytes]]) -> list[Signature]:
    ranked = sorted(entries, key=lambda e: e[1])
    ranked.sort(key=lambda e: e[0], reverse=True)
    return [Signature.from_bytes(data) for _, _, data in ranked[:SIGNATURES_PER_INCIDENT]]


def newest_first(conn: Connection, view: BatchView, near: list) -> list:
    """``near`` newest first (by ``modified``), the rows read narrow given their ``modified`` first (once)."""
    missing = sorted(r.incident_id for r in near if r.modified is None)
    for start in range(0, len(missing), CHUNK):
        query = select(_f.incident_id, _f.modified).where(among(conn, _f.incident_id, missing[start:start + CHUNK]))
        for incident_id, modified in conn.execute(query):
            row = view.rows[incident_id]
            if isinstance(row, _Narrow):
                view.rows[incident_id] = row._replace(modified=modified)
    near = [view.row(r.incident_id) for r in near]
    near.sort(key=lambda r: r.modified, reverse=True)
    return near

