"""Analysts' curation of merged incidents: confirm, correct, split, merge.

Why here: the machine merges and composes incidents (:mod:`marsad.monitor.incident_files`); analysts fix what
it got wrong. Each action is one transaction that records the edit rows (:mod:`marsad.store.incident_reports`),
writes the new incident version(s) through :func:`marsad.store.writes.put_objects` into the collections that
hold the incident, and appends an audit entry — all or nothing. Recorded edits win over machine values in this
version and in every later one (a new report never overwrites an analyst's figure).

Who: analysts and administrators (roles ``analyst``/``admin``), and only on incidents they may see
(:func:`marsad.access.policy.visible_clause`, the SQL form of ``can_see``). An incident they may not see is
answered exactly like an unknown one (:class:`NotFound`), and the refusal is audited.

- **confirm**: determination → ``confirmed`` (confidence ≥ 95), investigation status → ``open``.
- **correct**: set fields (GTD fields, name, description, determination, investigation status) with a note;
  the values are checked by building the incident (:class:`InputError` names a bad one, nothing is kept).
- **split**: move the named reports (some, not all) to a new incident of the same marking; both recomposed.
- **merge**: move every report of ``absorb_id`` into ``keep_id`` (same marking only); the absorbed incident's
  last version is revoked with a ``duplicate-of`` relationship to the kept one.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, insert, select, update

from marsad.access.audit import record_denial, record_write
from marsad.access.context import Viewer
from marsad.access.db import Db, in_transaction
from marsad.access.policy import visible_clause
from marsad.errors import Conflict, InputError, NotFound
from marsad.model.incident import incident_fields
from marsad.monitor.incident_compose import EDITABLE_FIELDS
from marsad.monitor.incident_files import compose_version, relationship
from marsad.store import collection_objects, stix_objects
from marsad.store.incident_reports import incident_edits, incident_file_reports, incident_files
from marsad.store.rows import default_marking_reader
from marsad.store.writes import put_objects

__all__ = ["CURATOR_ROLES", "EDITABLE_FIELDS", "confirm_incident", "correct_incident", "split_incident", "merge_incidents"]

CURATOR_ROLES = ("analyst", "admin")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _require(db: Db, viewer: Viewer, action: str, ids: Sequence[str]) -> None:
    if not viewer.has_role(*CURATOR_ROLES):
        record_denial(db, viewer, action, ids, reason="needs the analyst or admin role")
        viewer.require_role(*CURATOR_ROLES, to=f"{action.replace('incident.', '')} incidents")


def _visible(conn: Connection, db: Db, viewer: Viewer, incident_id: str, action: str) -> dict:
    """The last version of ``incident_id`` the viewer may see, with its file row; NotFound otherwise."""
    found = conn.execute(select(stix_objects.c.object).where(stix_objects.c.stix_id == incident_id,
                                                             visible_clause(viewer))
                         .order_by(stix_objects.c.modified.desc()).limit(1)).scalar()
    filed = conn.execute(select(incident_files).where(incident_files.c.incident_id == incident_id)).first()
    if found is None or filed is None:
        if found is None and db is not conn:
            record_denial(db, viewer, action, [incident_id], reason="not visible or unknown")
        raise NotFound(f"no incident {incident_id}")
    if filed.state != "open":
        raise Conflict(f"incident {incident_id} was merged into {filed.merged_into}")
    return found


def _store(conn: Connection, incident_id: str, objects: list[dict]) -> None:
    """Store new versions in every collection that holds the incident (or outside any, if none)."""
    targets = sorted(set(conn.execute(
        select(collection_objects.c.collection_id).join(stix_objects, stix_objects.c.pk == collection_objects.c.object_pk)
        .where(stix_objects.c.stix_id == incident_id)).scalars())) or [None]
    for collection_id in targets:
        put_objects(conn, objects, collection_id=collection_id, all_or_nothing=True, reader=default_marking_reader)


def _edit(conn: Connection, viewer: Viewer, incident_id: str, changes: Mapping[str, Any], old: Mapping[str, Any],
          note: str | None, now: datetime) -> None:
    rows = [{"incident_id": incident_id, "at": now, "actor": viewer.username[:64], "field": name,
             "old": old.get(name), "new": value, "note": note} for name, value in changes.items()]
    if rows:
        conn.execute(insert(incident_edits), rows)


def _new_version(conn: Connection, incident_id: str, now: datetime, **options) -> tuple[dict, list[dict]]:
    incident, objects, _, _ = compose_version(conn, incident_id, now=now, **options)
    return incident, objects


def confirm_incident(db: Db, viewer: Viewer, incident_id: str) -> dict:
    """Confirm the incident (a new version with determination ``confirmed``)."""
    return correct_incident(db, viewer, incident_id, {"determination": "confirmed", "investigation_status": "open"},
                            note="confirmed", _action="incident.confirm")


def correct_incident(db: Db, viewer: Viewer, incident_id: str, changes: Mapping[str, Any], *,
                     note: str | None = None, _action: str = "incident.correct") -> dict:
    """Set ``changes`` (field → value; None clears) on the incident; returns its new version."""
    _require(db, viewer, _action, [incident_id])
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown or not changes:
        raise InputError(f"{unknown[0]!r} is not a field analysts may set" if unknown else "no change given")
    now = _now()
    with in_transaction(db, "the correction") as conn:
        current = incident_fields(_visible(conn, db, viewer, incident_id, _action))
        _edit(conn, viewer, incident_id, dict(changes), current, note, now)
        incident, objects = _new_version(conn, incident_id, now)
        _store(conn, incident_id, objects)
        record_write(conn, viewer, [incident_id], change=_action, fields=sorted(changes), note=note)
    return incident


def split_incident(db: Db, viewer: Viewer, incident_id: str, report_ids: Sequence[str]) -> dict:
    """Move ``report_ids`` (some of the incident's reports) to a new incident; returns the new incident."""
    _require(db, viewer, "incident.split", [incident_id])
    moving = sorted(set(report_ids))
    now = _now()
    with in_transaction(db, "the split") as conn:
        _visible(conn, db, viewer, incident_id, "incident.split")
        r = incident_file_reports.c
        mine = set(conn.execute(select(r.report_id).where(r.incident_id == incident_id)).scalars())
        if not moving or not set(moving) <= mine or set(moving) == mine:
            raise InputError("a split moves some, not all, of the incident's own reports")
        filed = conn.execute(select(incident_files).where(incident_files.c.incident_id == incident_id)).one()
        new_id = f"incident--{uuid.uuid4()}"
        values = {k: v for k, v in filed._mapping.items() if k not in ("incident_id", "created", "modified")}
        conn.execute(insert(incident_files).values(**values, incident_id=new_id, created=now, modified=now))
        conn.execute(update(incident_file_reports).where(r.report_id.in_(moving)).values(incident_id=new_id))
        for target in (incident_id, new_id):
            _edit(conn, viewer, target, {"split": moving}, {}, f"split from {incident_id}", now)
        new_incident, new_objects = _new_version(conn, new_id, now)
        _, objects = _new_version(conn, incident_id, now)
        _store(conn, incident_id, objects + new_objects)
        record_write(conn, viewer, [incident_id, new_id], change="incident.split", reports=moving)
    return new_incident


def merge_incidents(db: Db, viewer: Viewer, keep_id: str, absorb_id: str) -> dict:
    """Move every report of ``absorb_id`` into ``keep_id`` and revoke the absorbed one; returns the kept one."""
    _require(db, viewer, "incident.merge", [keep_id, absorb_id])
    if keep_id == absorb_id:
        raise InputError("an incident cannot be merged into itself")
    now = _now()
    with in_transaction(db, "the merge") as conn:
        for incident_id in (keep_id, absorb_id):
            _visible(conn, db, viewer, incident_id, "incident.merge")
        f = incident_files.c
        keys = {r.incident_id: (r.marking_key, r.tlp, sorted(r.release_to or [])) for r in conn.execute(
            select(f.incident_id, f.marking_key, f.tlp, f.release_to).where(f.incident_id.in_([keep_id, absorb_id])))}
        if keys[keep_id] != keys[absorb_id]:  # the merge key, and the current marking (one of them may be widened)
            raise Conflict("incidents with different markings cannot be merged (it would share reports wider)")
        absorbed, absorbed_objects = _new_version(conn, absorb_id, now, revoked=True)
        absorbed_objects = [absorbed, relationship(absorbed, "duplicate-of", keep_id, absorbed["object_marking_refs"])]
        conn.execute(update(incident_file_reports).where(incident_file_reports.c.incident_id == absorb_id)
                     .values(incident_id=keep_id))
        conn.execute(update(incident_files).where(f.incident_id == absorb_id).values(state="merged",
                                                                                      merged_into=keep_id))
        _edit(conn, viewer, keep_id, {"merge": absorb_id}, {}, f"absorbed {absorb_id}", now)
        kept, objects = _new_version(conn, keep_id, now)
        _store(conn, keep_id, objects)
        _store(conn, absorb_id, absorbed_objects)
        record_write(conn, viewer, [keep_id, absorb_id], change="incident.merge", absorbed=absorb_id)
    return kept
