"""Incidents as operators and the JSON API read them: visible ones only, with their fields and their reports.

Why a module of its own: ``marsad incidents`` and ``GET /api/incidents[/{id}]`` answer the same question
("which incidents may this user see, and which reports fed them?") and must answer it the same way, through
the sharing policy: every read passes ``visible_clause(viewer)`` to the store (without a viewer, only
TLP:CLEAR, the rule of ``marsad export``). An incident's reports are those its ``report_refs`` name, filtered
by the same clause, so a restricted report attached to an incident is never shown (nor counted) to someone
who may see the incident but not the report. Filters (country, group, attack type, since) are EXISTS
conditions on the counting projection (:mod:`marsad.store.incidents`), which holds the latest version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, select

from marsad.access.context import Viewer
from marsad.access.policy import visible_clause
from marsad.errors import InputError, InvalidFilter, NotFound
from marsad.model.countries import country as country_of
from marsad.model.incident import incident_fields
from marsad.model.markings import tlp_of_id
from marsad.model.vocab import ATTACK_TYPES
from marsad.store import Store, stix_objects
from marsad.store.incidents import incident_facts, incident_terms

__all__ = ["IncidentFilters", "IncidentView", "IncidentPage", "visibility", "report_refs_of", "list_incidents",
           "get_incident", "visible_reports", "REPORT_SUMMARY_KEYS"]

#: what a report summary shows (the full text is in ``GET /api/incidents/{id}``)
REPORT_SUMMARY_KEYS = ("id", "name", "published", "lang", "external_references", "created_by_ref")


@dataclass(frozen=True)
class IncidentFilters:
    """Optional filters of a listing; ``since``: incidents whose latest version was modified at or after it."""

    country: str | None = None
    group: str | None = None
    attack_type: str | None = None
    since: datetime | None = None

    @classmethod
    def parse(cls, *, country: str | None = None, group: str | None = None, attack_type: str | None = None,
              since: str | date | datetime | None = None) -> IncidentFilters:
        """Filters from user input; :class:`InvalidFilter` (400) naming the bad one."""
        code = None
        if country:
            try:
                code = country_of(country).code
            except InputError:
                raise InvalidFilter(f"country {country!r} is not an ISO 3166-1 country code") from None
        if attack_type and attack_type not in ATTACK_TYPES:
            raise InvalidFilter(f"attack_type {attack_type!r} is not one of: {', '.join(ATTACK_TYPES.names)}")
        return cls(code, (group or "").strip() or None, attack_type or None, _since(since))

    def clause(self) -> ColumnElement[bool] | None:
        """An SQL condition over ``stix_objects`` (None when no filter is set)."""
        if not (self.country or self.group or self.attack_type or self.since):
            return None
        facts = incident_facts
        tests = [facts.c.stix_id == stix_objects.c.stix_id]
        if self.country:
            tests.append(facts.c.country == self.country)
        if self.group:
            tests.append(func.lower(facts.c.perpetrator) == self.group.lower())
        if self.since:
            tests.append(facts.c.modified >= self.since)
        if self.attack_type:
            tests.append(exists(select(incident_terms.c.object_pk).where(
                incident_terms.c.object_pk == facts.c.object_pk, incident_terms.c.vocabulary == "attack_type",
                incident_terms.c.term == self.attack_type)))
        return exists(select(facts.c.object_pk).where(and_(*tests)))


def _since(value: str | date | datetime | None) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, date):
        when = datetime.combine(value, datetime.min.time())
    else:
        try:
            when = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            raise InvalidFilter(f"since {value!r} is not a date or time (YYYY-MM-DD[THH:MM:SSZ])") from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class IncidentView:
    """An incident as shown: the STIX object, its flat fields and the reports the viewer may see."""

    object: dict[str, Any]
    reports: list[dict[str, Any]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.object["id"]

    def summary(self) -> dict[str, Any]:
        """One line of a listing: fields, sharing, number of visible reports and their ids (the reports the
        viewer may not see are neither listed nor counted)."""
        fields = {k: v for k, v in incident_fields(self.object).items()
                  if v not in (None, [], {}) and k not in ("report_refs", "report_count")}
        return {**fields, "confidence": self.object.get("confidence"), "tlp": _tlp_label(self.object),
                "report_count": len(self.reports), "report_ids": [r["id"] for r in self.reports]}

    def detail(self) -> dict[str, Any]:
        """The incident and its visible reports in full."""
        return {"incident": self.object, "fields": self.summary(), "reports": self.reports}


@dataclass(frozen=True)
class IncidentPage:
    incidents: list[IncidentView]
    more: bool
    next: str | None


def _tlp_label(obj: Mapping[str, Any]) -> str | None:
    for ref in obj.get("object_marking_refs") or ():
        level = tlp_of_id(ref)
        if level is not None:
            return level.value
    return None


def visibility(viewer: Viewer | None) -> ColumnElement[bool]:
    """What may be read: the viewer's policy, or TLP:CLEAR only without a viewer."""
    return visible_clause(viewer) if viewer is not None else stix_objects.c.tlp == "clear"


def report_refs_of(obj: Mapping[str, Any]) -> list[str]:
    """Report ids an incident names (``report_refs`` of the GTD extension, see :mod:`marsad.model.incident`)."""
    refs = incident_fields(obj).get("report_refs")
    return [str(r) for r in refs or () if str(r).startswith("report--")]


def visible_reports(store: Store, where: ColumnElement[bool], ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The last visible version of each named report (id → object); invisible or unknown ids are left out."""
    wanted = sorted(set(ids))
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        page = store.query(types=["report"], ids=chunk, versions="last", limit=len(chunk), where=where)
        found.update({o.object["id"]: o.object for o in page.objects})
    return found


def _summary_of(report: Mapping[str, Any]) -> dict[str, Any]:
    return {k: report[k] for k in REPORT_SUMMARY_KEYS if k in report}


def _views(store: Store, where, objects: Sequence[dict], *, full: bool) -> list[IncidentView]:
    refs = {o["id"]: report_refs_of(o) for o in objects}
    reports = visible_reports(store, where, [r for rs in refs.values() for r in rs])
    views = []
    for obj in objects:
        shown = [reports[r] for r in refs[obj["id"]] if r in reports]
        views.append(IncidentView(obj, shown if full else [_summary_of(r) for r in shown]))
    return views


def list_incidents(store: Store, viewer: Viewer | None, filters: IncidentFilters | None = None, *,
                   limit: int = 100, cursor: str | None = None) -> IncidentPage:
    """A page of the incidents ``viewer`` may see (their last visible version), oldest added first; an incident
    whose last version is revoked (merged into another) is left out (a page may hold fewer than ``limit``)."""
    where = visibility(viewer)
    extra = (filters or IncidentFilters()).clause()
    page = store.query(types=["incident"], versions="last", limit=limit, cursor=cursor,
                       where=and_(where, extra) if extra is not None else where)
    live = [o.object for o in page.objects if not o.object.get("revoked")]  # merged away by an analyst
    return IncidentPage(_views(store, where, live, full=False), page.more, page.next)


def get_incident(store: Store, viewer: Viewer | None, incident_id: str) -> IncidentView:
    """One incident with its visible reports in full; :class:`NotFound` when unknown or not visible (same answer)."""
    if not incident_id.startswith("incident--"):
        raise NotFound(f"no incident {incident_id}")
    where = visibility(viewer)
    try:
        obj = store.get_object(incident_id, where=where).object
    except NotFound:
        raise NotFound(f"no incident {incident_id}") from None
    return _views(store, where, [obj], full=True)[0]

