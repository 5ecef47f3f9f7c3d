"""What the incident page shows besides the record: its marking, the timeline of its updates, its sources and the
STIX bundle a viewer may take away.

Why separate from the route: each piece is a read with its own sharing rule, worth testing on its own —
versions are listed with ``where=visibility(viewer)`` (a version the viewer may not see is not on the timeline),
sources are only the reports the viewer may see (:func:`marsad.monitor.incident_views.get_incident`), and the
bundle holds exactly what the page showed plus the marking-definitions those objects reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from marsad.access.context import Viewer
from marsad.errors import MarsadError, NotFound
from marsad.model.markings import read_markings, tlp_marking, tlp_of_id
from marsad.model.incident import incident_fields
from marsad.monitor.incident_views import IncidentView, visibility
from marsad.store import Store

__all__ = ["Marking", "TimelineEntry", "marking_of", "timeline", "stix_bundle", "map_point"]


@dataclass(frozen=True)
class Marking:
    tlp: str
    release_to: tuple[str, ...]


@dataclass(frozen=True)
class TimelineEntry:
    """One dated event in the incident's life: a stored version, or a toll reading from a report."""

    at: str
    kind: str  # "recorded" (first version) | "version" | "toll"
    killed: int | None = None
    wounded: int | None = None
    report_ref: str | None = None


def _resolver(store: Store, where):
    def resolve(marking_id: str) -> dict | None:
        try:
            return store.get_object(marking_id, where=where).object
        except NotFound:
            return None
    return resolve


def marking_of(store: Store, viewer: Viewer, obj: dict[str, Any]) -> Marking:
    """The incident's TLP and release list (``clear`` when it carries no TLP marking)."""
    try:
        found = read_markings(obj, _resolver(store, visibility(viewer)))
    except MarsadError:  # a marking-definition the viewer cannot read: show the TLP alone
        levels = [tlp_of_id(ref) for ref in obj.get("object_marking_refs") or ()]
        return Marking(next((level.value for level in levels if level is not None), "clear"), ())
    return Marking(found.tlp or "clear", tuple(found.release_to or ()))


def timeline(store: Store, viewer: Viewer, obj: dict[str, Any]) -> list[TimelineEntry]:
    """Visible versions and toll readings, oldest first."""
    entries = [TimelineEntry(str(e.version), "recorded" if i == 0 else "version") for i, e in
               enumerate(store.versions(obj["id"], where=visibility(viewer)))]
    for reading in incident_fields(obj).get("toll_history") or obj.get("toll_history") or ():
        if isinstance(reading, dict) and reading.get("at"):
            entries.append(TimelineEntry(str(reading["at"]), "toll", reading.get("killed"), reading.get("wounded"),
                                         reading.get("report_ref")))
    return sorted(entries, key=lambda e: (e.at, e.kind))


def stix_bundle(store: Store, viewer: Viewer, view: IncidentView) -> dict[str, Any]:
    """A STIX 2.1 bundle of the incident, its visible reports and the marking-definitions they reference."""
    objects = [view.object, *view.reports]
    refs = sorted({ref for o in objects for ref in o.get("object_marking_refs") or ()})
    resolve = _resolver(store, visibility(viewer))
    markings = [d for d in (tlp_marking(tlp_of_id(ref)) if tlp_of_id(ref) else resolve(ref) for ref in refs)
                if d is not None]
    return {"type": "bundle", "id": f"bundle--{uuid4()}", "objects": [*markings, *objects]}


def map_point(fields: dict[str, Any]) -> str | None:
    """``"lat,lon"`` for the map component, or None when the incident has no coordinates."""
    lat, lon = fields.get("latitude"), fields.get("longitude")
    if lat is None or lon is None:
        return None
    return f"{float(lat):.5f},{float(lon):.5f}"
