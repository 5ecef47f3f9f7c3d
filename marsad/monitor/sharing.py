"""Widen the sharing of an incident: a lower TLP, more recipients on its release list — never narrower.

Why only wider: an incident already read (or synced to a peer) under its marking cannot be recalled, so a
"narrower" marking would only pretend to protect it. The originating organisation (its analysts, liaison
officers and administrators) may share its own incident more widely; nobody else may change its marking. A
change is a new STIX version (new ``modified``) written through :func:`marsad.store.writes.put_objects` into
every collection that holds the incident, with its audit entry, in one transaction (as curation does,
:mod:`marsad.monitor.curation`).

Merged incidents (``incident_files``) keep their widened marking: the file row's ``tlp``, ``release_to`` and
``marking_refs`` become the new marking, so every later recomposition (a new report filed by the pipeline, an
analyst's edit, split or merge) is written under it; its ``marking_key`` stays the one it was opened with, so
reports with the original marking still merge into it. The incident's ``location`` and relationships are written
again under the new marking as versions of the incident's ``modified`` (``incident_files.versioned``): same id
and version with other content stays a conflict, and nothing written before is changed.

"Wider" is decided against the sharing rules (:mod:`marsad.access.policy`), not the TLP order alone, because a
release list changes what a TLP means: AMBER with a list is for the listed only, without one for the
collection's members; GREEN and CLEAR ignore lists. So a change is accepted only when everyone who could see
the old version can see the new one, whoever they are:

- the TLP is not stricter (clear < green < amber < amber+strict < red; unmarked counts as amber) and no
  recipient is removed from the list;
- a community marking (CLEAR, GREEN, AMBER without a list, unmarked) may not gain a list (that would restrict
  it to the listed), and a listed marking (AMBER/AMBER+STRICT/RED with recipients) may not become a community
  one (listed organisations outside the collection would lose it). AMBER+STRICT or RED with nobody listed
  (the originator only) may become anything wider.

Refusals carry a stable ``code`` (the web layer shows them in the page's language).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone

from sqlalchemy import Connection, select, update

from marsad.access.audit import record_denial, record_write
from marsad.access.context import Viewer
from marsad.access.db import Db, connected, in_transaction
from marsad.access.policy import visible_clause
from marsad.errors import AccessDenied, Conflict, NotFound
from marsad.model.markings import KEEP, Tlp, mark, normalise_release_to, releasability_marking
from marsad.monitor.incident_files import compose_version
from marsad.store import collection_objects, stix_objects
from marsad.store.incident_reports import incident_files
from marsad.store.rows import default_marking_reader
from marsad.store.writes import put_objects

__all__ = ["SHARER_ROLES", "ShareRefused", "refusal", "may_share", "not_sharer", "share_incident"]

SHARER_ROLES = ("analyst", "liaison", "admin")
_ORDER = {"clear": 0, "green": 1, "amber": 2, None: 2, "amber+strict": 3, "red": 4}
_COMMUNITY = ("clear", "green", None)


class ShareRefused(Conflict):
    """A change that would narrow the sharing (or change nothing): ``code`` says which rule refused it."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _community(tlp: str | None, release_to: Sequence[str]) -> bool:
    return tlp in _COMMUNITY or (tlp == "amber" and not release_to)


def refusal(old_tlp: str | None, old_list: Sequence[str], new_tlp: str | None,
            new_list: Sequence[str]) -> ShareRefused | None:
    """None when (``new_tlp``, ``new_list``) lets everyone see what (``old_tlp``, ``old_list``) did; else why not."""
    if (new_tlp, sorted(new_list)) == (old_tlp, sorted(old_list)):
        return ShareRefused("unchanged", "the marking is unchanged: choose a wider TLP or add recipients")
    if _ORDER[new_tlp] > _ORDER[old_tlp]:
        return ShareRefused("stricter_tlp", "a stricter TLP cannot be set: what was shared cannot be recalled")
    if not set(old_list) <= set(new_list):
        return ShareRefused("removed_recipient", "recipients cannot be removed: what was shared cannot be recalled")
    if _community(old_tlp, old_list) and not _community(new_tlp, new_list):
        return ShareRefused("list_on_community", "a release list would restrict this incident to the listed "
                                                 "recipients: it is already shared with the whole community")
    if old_list and not _community(old_tlp, old_list) and _community(new_tlp, new_list):
        return ShareRefused("community_from_list", "this TLP ignores the release list: listed recipients outside "
                                                   "the collection would lose the incident; add recipients instead")
    return None


def may_share(viewer: Viewer, created_by_ref: str | None) -> bool:
    """True for an analyst, liaison officer or administrator of the incident's originating organisation."""
    return bool(created_by_ref) and viewer.identity_id == created_by_ref and viewer.has_role(*SHARER_ROLES)


def not_sharer(viewer: Viewer) -> AccessDenied:
    """The refusal for a viewer who sees the incident but is not of its originating organisation (or lacks the
    role)."""
    return AccessDenied(f"{viewer.username!r} may not share this incident: only its originating organisation's "
                        "analysts, liaison officers and administrators may")


def _latest(conn: Connection, viewer: Viewer, incident_id: str):
    return conn.execute(select(stix_objects.c.object, stix_objects.c.tlp, stix_objects.c.release_to,
                               stix_objects.c.created_by_ref)
                        .where(stix_objects.c.stix_id == incident_id, stix_objects.c.type == "incident",
                               visible_clause(viewer))
                        .order_by(stix_objects.c.modified.desc()).limit(1)).first()


def _check(db: Db, viewer: Viewer, incident_id: str) -> None:
    """NotFound (hidden or unknown, alike) or AccessDenied (visible, not the originator's), both audited."""
    with connected(db) as conn:
        row = _latest(conn, viewer, incident_id)
    if row is None:
        record_denial(db, viewer, "incident.share", [incident_id], reason="not visible or unknown")
        raise NotFound(f"no incident {incident_id}")
    if not may_share(viewer, row.created_by_ref):
        record_denial(db, viewer, "incident.share", [incident_id], reason="not the originator's analyst or officer")
        raise not_sharer(viewer)


def _resolver(conn: Connection):
    def resolve(marking_id: str) -> dict | None:
        return conn.execute(select(stix_objects.c.object).where(stix_objects.c.stix_id == marking_id)
                            .order_by(stix_objects.c.modified.desc()).limit(1)).scalar()
    return resolve


def _stix_time(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _new_version(conn: Connection, obj: dict, tlp: str | None, release_to: list[str], now: datetime) -> list[dict]:
    """The incident's next version (first) and, for a merged incident, its location and relationships: the same
    record under the wider marking, a later ``modified``; a merged incident's file row takes the new marking."""
    f = incident_files.c
    filed = conn.execute(select(f.state, f.tlp).where(f.incident_id == obj["id"])).first()
    if filed is not None and filed.state != "open":
        raise Conflict(f"incident {obj['id']} was merged into another one: share that one")
    marked = mark(obj, tlp=tlp if tlp is not None else KEEP, release_to=release_to or KEEP, resolve=_resolver(conn))
    old = datetime.fromisoformat(str(obj["modified"]).replace("Z", "+00:00"))
    modified = max(now, old + timedelta(milliseconds=1))
    modified = modified.replace(microsecond=modified.microsecond // 1000 * 1000)  # STIX times are to the ms
    if filed is None:
        return [{**marked, "modified": _stix_time(modified)}]
    conn.execute(update(incident_files).where(f.incident_id == obj["id"]).values(
        tlp=tlp or filed.tlp, release_to=list(release_to), marking_refs=list(marked.get("object_marking_refs") or []),
        modified=modified))
    return compose_version(conn, obj["id"], now=now, bump=False)[1]


def share_incident(db: Db, viewer: Viewer, incident_id: str, *, tlp: str | None = None,
                   add_release_to: Iterable[str] = (), remote_addr: str | None = None) -> dict:
    """Share ``incident_id`` more widely: ``tlp`` (None keeps it) and recipients added to its release list;
    returns the new version. NotFound / AccessDenied / :class:`ShareRefused` / InputError otherwise."""
    added = [e for e in add_release_to if str(e).strip()]
    added = normalise_release_to(added) if added else []
    new_tlp = Tlp.parse(tlp).value if tlp else None
    _check(db, viewer, incident_id)
    now = datetime.now(timezone.utc)
    with in_transaction(db, "the new marking") as conn:
        row = _latest(conn, viewer, incident_id)
        if row is None or not may_share(viewer, row.created_by_ref):  # changed since the check
            raise NotFound(f"no incident {incident_id}")
        old_list = sorted(row.release_to or [])
        new_list = sorted(set(old_list) | set(added))
        chosen_tlp = new_tlp or row.tlp
        refused = refusal(row.tlp, old_list, chosen_tlp, new_list)
        if refused is not None:
            raise refused
        written = _new_version(conn, dict(row.object), chosen_tlp, new_list, now)
        incident = written[0]
        extra = [releasability_marking(new_list)] if new_list else []
        targets = sorted(set(conn.execute(
            select(collection_objects.c.collection_id)
            .join(stix_objects, stix_objects.c.pk == collection_objects.c.object_pk)
            .where(stix_objects.c.stix_id == incident_id)).scalars())) or [None]
        for collection_id in targets:
            put_objects(conn, [*extra, *written], collection_id=collection_id, all_or_nothing=True,
                        reader=default_marking_reader)
        record_write(conn, viewer, [incident_id], remote_addr=remote_addr, change="incident.share",
                     tlp=[row.tlp, chosen_tlp], release_to=[old_list, new_list])
    return incident

