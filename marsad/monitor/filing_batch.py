"""Filing a whole batch of reports with a few statements: the same outcome as filing them one by one.

Why: :func:`marsad.monitor.incident_files.file_report` runs about ten statements per report (candidate lookups,
the incident's reports and edits, inserts, the index update), and the pipeline files hundreds of reports in one
write transaction that every worker waits for. Here the database is read once per batch — the open incidents
in the date windows of all the reports (one statement whose terms are the reports' windows merged per marking
and country), the incidents sharing their band keys, the newest signatures of those candidates, the reports
already filed — and written once per batch (:mod:`marsad.monitor.filing_writes`: rows in database form, inserted
and updated by the driver). In between,
reports are filed in order against an in-memory view (:mod:`marsad.monitor.filing_view`, which also reads the
batch): the rows read, overlaid with the incidents this batch opened or changed, so a report can merge into an incident opened earlier in the same batch exactly as if the
earlier one had been written. An existing incident a report merges into has its reports and edits read when
first needed (two statements per incident updated, none per incident opened).

The rules are :mod:`marsad.monitor.incident_files`' (the same candidate predicates, limit and scoring); the
tests file the same reports both ways and compare.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, select

from marsad.model.ids import stable_id
from marsad.monitor.filing_view import (
    CHUNK,
    BatchView,
    FileRow,
    Probe,
    Touched,
    in_window,
    load_incident,
    newest_first,
    read_batch,
)
from marsad.monitor.incident_compose import Composition, FiledRow, compose
from marsad.monitor.incident_files import (
    CANDIDATE_LIMIT,
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
from marsad.monitor.filing_writes import record_text, write_batch
from marsad.monitor.merging import MERGE_K, EventFacts, best_match
from marsad.monitor.similarity import Signature, near_duplicate_key, signature, signature_of_words
from marsad.store.pipeline_items import among
from marsad.store.incident_reports import incident_file_reports

__all__ = ["file_reports", "text_keys", "TextKeys"]

_r = incident_file_reports.c
_TEXT_LIMIT = 20_000
_CLEAR = marking_key("clear", (), None)


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
def _candidates(conn: Connection, view: BatchView, probe: Probe) -> list[tuple[str, EventFacts]]:
    """What ``incident_files`` would look up now: open incidents of the probe's marking in its date window
    (the newest :data:`CANDIDATE_LIMIT`), on its coarse days, or sharing a band key; with their newest signatures.
    Those the place or date veto rules out are left out (:func:`~marsad.monitor.merging.best_match` would skip
    them): most of a dense window, whose signatures are then never decoded."""
    near, chosen = [], set()
    ids = view.in_days(probe) if probe.params is not None else ()
    for incident_id in ids:
        row = view.row(incident_id)
        is_near, is_coarse = in_window(row, probe)
        if is_coarse:
            chosen.add(incident_id)
        if is_near:
            near.append(row)
    if len(near) > CANDIDATE_LIMIT:
        near = newest_first(conn, view, near)
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
        touched = view.touched.get(incident_id)
        signatures = view.newest(incident_id, touched.signatures if touched else view.signatures[incident_id])
        known = view.facts.get(incident_id)
        if touched is None and known is not None and known[0] is row and known[1] is signatures:
            out.append((incident_id, known[2]))  # same row object (not being changed) and same signatures
            continue
        facts = facts_of_file(row, signatures)
        if touched is None:
            view.facts[incident_id] = (row, signatures, facts)
        out.append((incident_id, facts))
    return out


# -- filing in order ---------------------------------------------------------------------------------------------
def _probe(key: str, facts: EventFacts, bands: list[str]) -> Probe:
    return Probe(key, facts, bands, window_params(key, facts))


def _open(report: FiledReport, key: str, now: datetime) -> Touched:
    incident_id = stable_id("incident", f"opened-by|{report.report_id}")
    row = FileRow(incident_id=incident_id, marking_key=key, tlp=report.tlp, release_to=list(report.release_to),
               created_by_ref=report.created_by_ref, marking_refs=list(report.marking_refs), state="open",
               merged_into=None, occurred=None, occurred_precision=None, country=None, admin1=None, city=None,
               latitude=None, longitude=None, attack_types=[], perpetrator=None, killed=None, wounded=None,
               created=now, modified=now - timedelta(milliseconds=1))
    return Touched(row, [], {}, [], True)


def _version(view: BatchView, incident: Touched, now: datetime) -> tuple[dict, list[dict], Composition]:
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
    """Rows to insert at the end of the batch (:func:`~marsad.monitor.filing_writes.write_batch`'s forms)."""

    record_text: Callable[[Any], str]
    reports: list[tuple] = field(default_factory=list)
    bands: list[tuple[int, str]] = field(default_factory=list)


def _file_one(conn: Connection, view: BatchView, report: FiledReport, keys: TextKeys, writes: _Writes,
              now: datetime, probes: tuple[Probe, Probe | None]) -> Filing:
    """File one report against the view (merge or open, compose the next version); its rows wait in ``writes``.
    ``probes``: the report's lookups under its own marking key and under TLP:CLEAR (None for an open report), as
    the batch's reading made them (their index keys and remembered vetoes serve again)."""
    sig, bands = keys
    own, clear = probes
    facts = replace(own.facts, signatures=(sig,))
    key = own.key
    found = best_match(facts, _candidates(conn, view, own))
    if found is None:
        incident = _open(report, key, now)
        view.touched[incident.row.incident_id] = incident
    else:
        incident = load_incident(conn, view, found[0])
    before = (incident.row.killed or 0) + (incident.row.wounded or 0)
    record_json = writes.record_text(dict(report.record))
    signature_bytes = sig.to_bytes()
    received, published, title = _utc(report.received), _utc(report.published), (report.title or "")[:1000]
    incident_id = incident.row.incident_id
    incident.rows.append(FiledRow(report.report_id, received, published, title, json.loads(record_json)))
    incident.signatures.append((received, report.report_id, signature_bytes))
    writes.reports.append((  # REPORT_COLUMNS' order; the record as the text stored (read back as json.loads gives)
        report.report_id, incident_id, report.item_key[:2000], report.source, (report.url or None) and report.url[:2000],
        title, report.language, report.published, report.received, record_json, signature_bytes))
    report_id, view_bands = report.report_id, view.bands
    writes.bands.extend((band, report_id) for band in bands)
    for band in bands:
        view_bands[band].add(incident_id)
    obj, objects, comp = _version(view, incident, now)
    if found is None and clear is not None:
        related = best_match(facts, _candidates(conn, view, clear))
        if related:
            objects.append(relationship(obj, "related-to", related[0], report.marking_refs))
    rose = found is not None and comp.toll > before
    return Filing(incident.row.incident_id, objects, found is None, rose, obj)


def _flush(conn: Connection, view: BatchView, writes: _Writes) -> None:
    """Write what the batch did: new incidents, reports, band keys, then every touched incident's index row."""
    touched = list(view.touched.values())
    write_batch(conn, [vars(t.row) for t in touched if t.opened], writes.reports, writes.bands,
                [vars(t.row) for t in touched if not t.opened])
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
    for start in range(0, len(ids), CHUNK):
        filed.update(conn.execute(select(_r.report_id, _r.incident_id).where(
            among(conn, _r.report_id, ids[start:start + CHUNK]))).all())
    probes: dict[str, tuple[Probe, Probe | None]] = {}
    keys = dict(keys or {})
    for r in wanted:
        if r.report_id in filed or r.report_id in probes:
            continue
        facts = EventFacts.from_record(r.record, published=(r.published or r.received).astimezone(timezone.utc).date())
        if r.report_id not in keys:
            keys[r.report_id] = text_keys(r.title, r.text)
        bands = keys[r.report_id][1]
        clear = None if r.tlp == "clear" and not r.release_to and not r.created_by_ref else _probe(_CLEAR, facts, bands)
        probes[r.report_id] = (_probe(marking_key(r.tlp, r.release_to, r.created_by_ref), facts, bands), clear)
    view, writes, out = BatchView(), _Writes(record_text(conn)), []
    read_batch(conn, [p for pair in probes.values() for p in pair if p is not None], view)
    for report in reports:
        if not report.record.get("is_incident"):
            out.append(None)
        elif report.report_id in filed:  # filed before: its incident's current version, nothing new
            _flush(conn, view, writes)
            incident, objects, _, _ = compose_version(conn, filed[report.report_id], now=now, bump=False)
            out.append(Filing(filed[report.report_id], objects, False, False, incident))
        else:
            filing = _file_one(conn, view, report, keys[report.report_id], writes, now, probes[report.report_id])
            filed[report.report_id] = filing.incident_id
            out.append(filing)
    _flush(conn, view, writes)
    return out
