"""Filing a report: merge it into the incident it reports, or open a new one; compose the incident's next version.

Why here: the pipeline (``marsad.monitor.pipeline``) hands over each extracted report inside its transaction;
this module decides *which* incident it feeds (:mod:`marsad.monitor.merging`), keeps the provenance rows
(:mod:`marsad.store.incident_reports`) and builds the new STIX incident version from all the incident's reports
and edits (:mod:`marsad.monitor.incident_compose`), with its ``location`` and its ``attributed-to`` relationship
to the organisation's ``threat-actor`` (the registry's objects, stored by ``marsad init``).

Candidates are found by index, never by scanning every incident: open incidents with the report's marking key
whose ``occurred`` falls in the report's date window (± :data:`~marsad.monitor.merging.DATE_WINDOW` days), plus
those sharing a near-duplicate band key with it (a copy of a story already filed). Reports merge only within
one marking (TLP, release list and originator): a restricted report of an event that also has an open
(TLP:CLEAR) incident opens its own incident, linked to the open one by a ``related-to`` relationship.

Limits: a report's text is compared with the newest :data:`SIGNATURES_PER_INCIDENT` reports of each candidate.
Two workers filing reports of one new event at the same moment (neither sees the other's uncommitted incident)
open two incidents; an analyst merges them (:func:`marsad.monitor.curation.merge_incidents`).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, insert, or_, select, union_all, update

from marsad.model.actors import threat_actor_id
from marsad.model.ids import stable_id
from marsad.errors import InputError
from marsad.model.incident import (
    DETERMINATIONS,
    GTD_EXTENSION_ID,
    INCIDENT_CORE_EXTENSION_ID,
    INVESTIGATION_STATUSES,
    gtd_extension,
)
from marsad.model.organisations import load_registry
from marsad.monitor.incident_compose import EDITABLE_FIELDS, Composition, FiledRow, compose
from marsad.monitor.merging import DATE_WINDOW, MERGE_K, UNDATED_LOOKBACK, EventFacts, best_match, date_interval
from marsad.monitor.similarity import Signature, near_duplicate_key, signature
from marsad.store.incident_reports import (
    incident_band_keys, incident_band_keys_recent, incident_edits, incident_file_reports, incident_files,
)

__all__ = ["FiledReport", "Filing", "file_report", "marking_key", "compose_version", "facts_of_file", "relationship",
           "widened", "versioned",
           "incident_version", "index_values", "location_objects", "actor_target", "window_params", "CANDIDATE_LIMIT",
           "SIGNATURES_PER_INCIDENT"]

#: at most this many candidates are scored per report (the newest first)
CANDIDATE_LIMIT = 200
#: a report's text is compared with this many of a candidate's reports (the newest)
SIGNATURES_PER_INCIDENT = 8
_TEXT_LIMIT = 20_000


@dataclass(frozen=True)
class FiledReport:
    """One extracted report handed to :func:`file_report` (see ``/work/notes/contracts.md``)."""

    report_id: str
    item_key: str
    source: str | None
    url: str | None
    title: str
    text: str
    language: str | None
    published: datetime | None
    received: datetime
    record: Mapping[str, Any]
    tlp: str
    release_to: tuple[str, ...]
    created_by_ref: str | None
    marking_refs: tuple[str, ...]


@dataclass
class Filing:
    """What filing a report produced: the incident's new version and the objects to store with it."""

    incident_id: str
    objects: list[dict]
    opened: bool
    toll_rose: bool
    incident: dict


def marking_key(tlp: str, release_to: Sequence[str], created_by_ref: str | None) -> str:
    """The key reports must share to merge: a hash of TLP, sorted release list and originator.

    Remembered per (TLP, release list, originator): a batch asks it three times per report (its own key, its
    probe's, the new version's ``widened`` check) for the few markings a hub uses."""
    return _marking_key(tlp, tuple(release_to), created_by_ref)


@functools.lru_cache(maxsize=1024)
def _marking_key(tlp: str, release_to: tuple[str, ...], created_by_ref: str | None) -> str:
    data = json.dumps([tlp, sorted(release_to), created_by_ref or ""], separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()


@functools.lru_cache(maxsize=1)
def _registry():
    return load_registry()


def _stix_time(value: datetime) -> str:
    value = value.astimezone(timezone.utc)
    if value.year < 1000:  # strftime writes such a year unpadded; isoformat would pad it
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"  # the same text, ~3x cheaper


def _merge_signature(report: FiledReport) -> Signature:
    return signature(f"{report.title}\n{report.text[:_TEXT_LIMIT]}", MERGE_K)


def facts_of_file(row, signatures: Sequence[Signature]) -> EventFacts:
    """The facts of an ``incident_files`` row (the composed incident) with its reports' signatures."""
    return EventFacts(row.occurred, row.occurred_precision, row.country, row.admin1, row.city, row.latitude,
                      row.longitude, frozenset(row.attack_types or ()), row.perpetrator, tuple(signatures))


# Statements built once (with bound parameters): building SQLAlchemy expressions per report cost more than running them.
_f, _r, _b, _e = incident_files.c, incident_file_reports.c, incident_band_keys.c, incident_edits.c
_OPEN = and_(_f.marking_key == bindparam("key"), _f.state == "open")
_SAME_COUNTRY = or_(_f.country == bindparam("country"), _f.country.is_(None))
_NEAR = select(_f.incident_id).where(_OPEN, _f.occurred.between(bindparam("lo"), bindparam("hi")))
_COARSE = select(_f.incident_id).where(_OPEN, _f.occurred.in_(bindparam("coarse", expanding=True)))
_WINDOW = {  # by whether the report names its country
    False: (_NEAR.order_by(_f.modified.desc()).limit(CANDIDATE_LIMIT), _COARSE),
    True: (_NEAR.where(_SAME_COUNTRY).order_by(_f.modified.desc()).limit(CANDIDATE_LIMIT), _COARSE.where(_SAME_COUNTRY)),
}
_BANDS_IN = bindparam("bands", expanding=True)
_BOTH_BANDS = union_all(*(select(t.c.band_key, t.c.report_id).where(t.c.band_key.in_(_BANDS_IN))
                          for t in (incident_band_keys, incident_band_keys_recent))).subquery()
#: by whether the backend is SQLite, where band keys may still wait in ``incident_band_keys_recent``
_BY_BAND = {
    False: (select(_r.incident_id).join(incident_band_keys, _b.report_id == _r.report_id)
            .where(_b.band_key.in_(_BANDS_IN)).distinct().limit(CANDIDATE_LIMIT)),
    True: (select(_r.incident_id).join(_BOTH_BANDS, _BOTH_BANDS.c.report_id == _r.report_id)
           .distinct().limit(CANDIDATE_LIMIT)),
}
_FILES = select(incident_files).where(_f.incident_id.in_(bindparam("ids", expanding=True)), _OPEN)
_RANKED = select(_r.incident_id, _r.signature, func.row_number().over(
    partition_by=_r.incident_id, order_by=(_r.received.desc(), _r.report_id)).label("rank")).where(
    _r.incident_id.in_(bindparam("ids", expanding=True))).subquery()
_NEWEST = select(_RANKED.c.incident_id, _RANKED.c.signature).where(_RANKED.c.rank <= SIGNATURES_PER_INCIDENT)
_ROWS = select(_r.report_id, _r.received, _r.published, _r.title, _r.record).where(_r.incident_id == bindparam("iid"))
_EDITS = select(_e.field, _e.new).where(_e.incident_id == bindparam("iid")).order_by(_e.id)
_FILE = select(incident_files).where(_f.incident_id == bindparam("iid"))
_UPDATE = update(incident_files).where(_f.incident_id == bindparam("b_iid"))
_FILED = select(_r.incident_id).where(_r.report_id == bindparam("rid"))
_INSERT_FILE, _INSERT_REPORT, _INSERT_BANDS = (insert(incident_files), insert(incident_file_reports),
                                               insert(incident_band_keys))


def window_params(key: str, facts: EventFacts) -> dict | None:
    """Parameters of the indexed lookups of open incidents of marking ``key`` whose date may be the report's:
    day-precise or undated ones within the window, month- or year-precise ones stored at the first of that
    month or year (a day-precise incident on such a first day comes too; :func:`~marsad.monitor.merging.match`
    vetoes it)."""
    interval = date_interval(facts.occurred, facts.precision)
    if interval is None:
        return None
    lo, hi = interval
    coarse = sorted({lo.replace(day=1), hi.replace(day=1), date(lo.year, 1, 1), date(hi.year, 1, 1)})
    return {"key": key, "country": facts.country, "coarse": coarse,
            "lo": lo - timedelta(days=DATE_WINDOW + UNDATED_LOOKBACK), "hi": hi + timedelta(days=DATE_WINDOW)}


def _candidate_ids(conn: Connection, key: str, facts: EventFacts, band_keys: list[str]) -> list[str]:
    ids: set[str] = set()
    params = window_params(key, facts)
    if params is not None:
        for query in _WINDOW[bool(facts.country)]:
            ids.update(conn.execute(query, params).scalars())
    if band_keys:
        ids.update(conn.execute(_BY_BAND[conn.dialect.name == "sqlite"], {"bands": band_keys}).scalars())
    return sorted(ids)


def _candidates(conn: Connection, key: str, facts: EventFacts, band_keys: list[str]) -> list[tuple[str, EventFacts]]:
    ids = _candidate_ids(conn, key, facts, band_keys)
    if not ids:
        return []
    files = conn.execute(_FILES, {"ids": ids, "key": key}).all()
    sigs: dict[str, list[Signature]] = {}
    for incident_id, data in conn.execute(_NEWEST, {"ids": [f.incident_id for f in files]}):
        if data:
            sigs.setdefault(incident_id, []).append(Signature.from_bytes(data))
    return [(f.incident_id, facts_of_file(f, sigs.get(f.incident_id, ()))) for f in files]


def _rows_of(conn: Connection, incident_id: str) -> list[FiledRow]:
    return [FiledRow(row.report_id, row.received, row.published, row.title, row.record)
            for row in conn.execute(_ROWS, {"iid": incident_id})]


def _edits_of(conn: Connection, incident_id: str) -> dict[str, Any]:
    latest: dict[str, Any] = {}
    for row in conn.execute(_EDITS, {"iid": incident_id}):
        if row.field in EDITABLE_FIELDS:  # split/merge rows are history, not field values
            latest[row.field] = row.new
    return latest


def index_values(comp: Composition, rows: Sequence[FiledRow]) -> dict[str, Any]:
    """The candidate-index columns; an undated incident is indexed at its first report's publication date
    (precision "published", see :func:`marsad.monitor.merging.date_interval`)."""
    f = comp.fields
    occurred = date.fromisoformat(str(f["occurred"])[:10]) if f.get("occurred") else None
    precision = f.get("occurred_precision") or "day"
    if occurred is None:
        occurred, precision = min(r.when for r in rows).astimezone(timezone.utc).date(), "published"
    return {"occurred": occurred, "occurred_precision": precision,
            "country": f.get("country"), "admin1": f.get("admin1"), "city": f.get("city"),
            "latitude": f.get("latitude"), "longitude": f.get("longitude"), "attack_types": f.get("attack_types") or [],
            "perpetrator": f.get("perpetrator"), "killed": f.get("killed"), "wounded": f.get("wounded")}


def location_objects(incident: dict, fields: Mapping[str, Any], marking: Sequence[str]) -> list[dict]:
    """The incident's STIX ``location`` (country, administrative area, city, coordinates) and ``located-at``;
    none when neither the country nor coordinates are known (STIX needs one of them)."""
    get = fields.get  # one lookup per field; the same objects, keys and order as a loop over the keys gives
    country, area, city, lat, lon = get("country"), get("admin1"), get("city"), get("latitude"), get("longitude")
    if not country and lat is None:
        return []
    loc_id = stable_id("location", json.dumps([incident["id"], country, area, city, lat, lon]))
    loc: dict[str, Any] = {"type": "location", "spec_version": "2.1", "id": loc_id, "created": incident["created"],
                           "modified": incident["created"], "object_marking_refs": list(marking)}
    for key, value in (("country", country), ("administrative_area", area), ("city", city), ("latitude", lat),
                       ("longitude", lon)):
        if value is not None:
            loc[key] = value
    loc["name"] = ", ".join([str(v) for v in (city, area, country) if v])
    return [loc, relationship(incident, "located-at", loc_id, marking)]


def relationship(incident: dict, kind: str, target: str, marking: Sequence[str]) -> dict:
    """A relationship from ``incident`` (stable id, so filing again re-creates the same object)."""
    rel = {"type": "relationship", "spec_version": "2.1", "id": stable_id("relationship", f"{incident['id']}|{kind}|{target}"),
           "created": incident["created"], "modified": incident["created"], "relationship_type": kind,
           "source_ref": incident["id"], "target_ref": target, "object_marking_refs": list(marking)}
    if incident.get("created_by_ref"):
        rel["created_by_ref"] = incident["created_by_ref"]
    return rel


@functools.lru_cache(maxsize=4096)
def actor_target(perpetrator: str | None) -> str | None:
    """The ``threat-actor`` id an incident of ``perpetrator`` is attributed to (an armed group, or an Al-Qaida /
    Taliban listed entity of the registry), or None; the registry is searched once per name."""
    registry = _registry()
    org = registry.by_gtd_name(perpetrator or "") or next(iter(registry.find(perpetrator or "")), None)
    if org is None or not (org.kind == "armed-group" or (org.kind == "sanctioned-entity"
                                                         and org.un_list in ("Al-Qaida", "Taliban"))):
        return None
    return threat_actor_id(org.key)


def _actor(incident: dict, perpetrator: str | None, marking: Sequence[str]) -> list[dict]:
    target = actor_target(perpetrator)
    return [relationship(incident, "attributed-to", target, marking)] if target else []


def widened(row) -> bool:
    """True when the originator widened the file's marking (:mod:`marsad.monitor.sharing`): its ``tlp``,
    ``release_to`` and ``marking_refs`` are the current marking, while ``marking_key`` stays the key it was opened
    with, so reports with the original marking still merge into it."""
    return marking_key(row.tlp, row.release_to or (), row.created_by_ref) != row.marking_key


def versioned(objects: list[dict], incident: dict, row) -> list[dict]:
    """``objects`` (the incident, its location and relationships) as written for ``row``.

    Why: the location and relationships have stable ids and a fixed version (the incident's ``created``), so
    filing again re-creates the same objects. Once the marking was widened they carry another marking, and the
    same id and version with other content is a conflict: so they become versions of the incident's own
    ``modified`` (each recomposition of a widened incident writes them again, under the current marking; a
    repeated filing, ``bump=False``, gives the same versions)."""
    if not widened(row):
        return objects
    return [o if o is incident else {**o, "modified": incident["modified"]} for o in objects]


def incident_version(comp: Composition, *, incident_id: str, created: datetime, modified: datetime,
                     created_by_ref: str | None, marking_refs: Sequence[str], revoked: bool = False) -> dict:
    """The STIX incident of a composition as a dict: what :func:`marsad.model.incident.make_incident` gives
    (tested equal, and valid STIX), without stix2's object validation on every version — the shape is ours."""
    fields = {k: v for k, v in comp.fields.items() if v not in (None, [])}
    name = str(fields.pop("name", "")).strip()
    head = {k: fields.pop(k, None) for k in ("description", "determination", "investigation_status")}
    if not name:
        raise InputError("an incident needs a name")
    if (head["determination"] or "suspected") not in DETERMINATIONS:
        raise InputError(f"determination must be one of {', '.join(DETERMINATIONS)}, not {head['determination']!r}")
    if (head["investigation_status"] or "new") not in INVESTIGATION_STATUSES:
        raise InputError(f"investigation_status must be one of {', '.join(INVESTIGATION_STATUSES)}")
    gtd = gtd_extension({**fields, "report_refs": comp.report_refs, "report_count": len(comp.report_refs),
                         "agreement": comp.agreement, "toll_history": comp.toll_history,
                         "toll_source": comp.toll_source, "edited_fields": comp.edited_fields})
    obj: dict[str, Any] = {"type": "incident", "spec_version": "2.1", "id": incident_id,
                           "created": _stix_time(created), "modified": _stix_time(modified), "name": name}
    optional = {"description": head["description"], "created_by_ref": created_by_ref,
                "confidence": comp.confidence, "revoked": revoked or None}
    obj.update({k: v for k, v in optional.items() if v is not None})
    obj["extensions"] = {
        INCIDENT_CORE_EXTENSION_ID: {"extension_type": "property-extension",
                                     "determination": head["determination"] or "suspected",
                                     "investigation_status": head["investigation_status"] or "new"},
        GTD_EXTENSION_ID: gtd}
    obj["object_marking_refs"] = list(marking_refs)
    return obj


def compose_version(conn: Connection, incident_id: str, *, now: datetime, bump: bool = True,
                    revoked: bool = False) -> tuple[dict, list[dict], Composition, Any]:
    """(incident, objects, composition, previous file row) of ``incident_id``'s next version, the candidate
    index updated. ``bump``: a new ``modified`` (later than the last); otherwise the last version again."""
    row = conn.execute(_FILE, {"iid": incident_id}).one()
    rows = _rows_of(conn, incident_id)
    comp = compose(rows, _edits_of(conn, incident_id))
    modified = max(now, row.modified + timedelta(milliseconds=1)) if bump else row.modified
    incident = incident_version(comp, incident_id=incident_id, created=row.created, modified=modified,
                                created_by_ref=row.created_by_ref, marking_refs=row.marking_refs, revoked=revoked)
    conn.execute(_UPDATE, {"b_iid": incident_id, "modified": modified, **index_values(comp, rows)})
    objects = [incident, *location_objects(incident, comp.fields, row.marking_refs),
               *_actor(incident, comp.fields.get("perpetrator"), row.marking_refs)]
    return incident, versioned(objects, incident, row), comp, row


def _open_file(conn: Connection, report: FiledReport, key: str, now: datetime) -> str:
    incident_id = stable_id("incident", f"opened-by|{report.report_id}")
    conn.execute(_INSERT_FILE, dict(
        incident_id=incident_id, marking_key=key, tlp=report.tlp, release_to=list(report.release_to),
        created_by_ref=report.created_by_ref, marking_refs=list(report.marking_refs), state="open",
        attack_types=[], created=now, modified=now - timedelta(milliseconds=1)))
    return incident_id


def _related_open_incident(conn: Connection, report: FiledReport, facts: EventFacts, keys: list[str]) -> str | None:
    """The open (TLP:CLEAR) incident of the same event, for a restricted report that opened its own."""
    if report.tlp == "clear" and not report.release_to and not report.created_by_ref:
        return None
    found = best_match(facts, _candidates(conn, marking_key("clear", (), None), facts, keys))
    return found[0] if found else None


def file_report(conn: Connection, report: FiledReport, *, now: datetime) -> Filing | None:
    """File ``report`` in the caller's transaction; None when its record is not an incident report.

    Filing the same report again gives its incident's current version (nothing new is written).
    """
    if not report.record.get("is_incident"):
        return None
    existing = conn.execute(_FILED, {"rid": report.report_id}).scalar()
    if existing is not None:
        incident, objects, _, _ = compose_version(conn, existing, now=now, bump=False)
        return Filing(existing, objects, False, False, incident)
    sig = _merge_signature(report)
    keys = near_duplicate_key(f"{report.title}\n{report.text[:_TEXT_LIMIT]}")
    anchor = (report.published or report.received).astimezone(timezone.utc).date()
    facts = EventFacts.from_record(report.record, published=anchor, signature=sig)
    key = marking_key(report.tlp, report.release_to, report.created_by_ref)
    found = best_match(facts, _candidates(conn, key, facts, keys))
    opened = found is None
    incident_id = _open_file(conn, report, key, now) if opened else found[0]
    conn.execute(_INSERT_REPORT, dict(
        report_id=report.report_id, incident_id=incident_id, item_key=report.item_key[:2000], source=report.source,
        url=(report.url or None) and report.url[:2000], title=(report.title or "")[:1000], lang=report.language,
        published=report.published, received=report.received, record=dict(report.record), signature=sig.to_bytes()))
    if keys:  # the main tree even on SQLite (readers read both; a range moved per report would cost 2 statements)
        conn.execute(_INSERT_BANDS, [{"band_key": k, "report_id": report.report_id} for k in keys])
    incident, objects, comp, before = compose_version(conn, incident_id, now=now)
    if opened:
        related = _related_open_incident(conn, report, facts, keys)
        if related:
            objects.append(relationship(incident, "related-to", related, report.marking_refs))
    rose = not opened and comp.toll > (before.killed or 0) + (before.wounded or 0)
    return Filing(incident_id, objects, opened, rose, incident)
