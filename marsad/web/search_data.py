"""The search page's reads: full-text hits the viewer may see, narrowed by facets, and the facet counts.

Why here: the search box is the easiest place to leak — a hit, a facet count, even "no result" for a hidden
match. Every query runs ``Store.search`` with ``where=visible_clause(viewer)`` (plus the chosen facets), and the
facet counts are computed from those visible hits only, so a count can never include what the viewer may not
see. Text is folded by the store (Arabic diacritics, hamza and ta-marbuta variants, French accents, case do not
matter). Without text, the facets alone list the newest matching incidents. Counts are over the first
:data:`MAX_HITS` hits (the page says so).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import and_, select

from marsad.access.context import Viewer
from marsad.access.policy import visible_clause
from marsad.errors import InputError
from marsad.model.incident import incident_fields
from marsad.monitor.incident_views import IncidentFilters
from marsad.store import Store, stix_objects
from marsad.store.objects import TLP_LEVELS

__all__ = ["MAX_HITS", "FACETS", "SearchQuery", "Hit", "SearchResult", "run_search"]

MAX_HITS = 200
#: facet key → what it filters on
FACETS = ("type", "tlp", "country", "group", "attack_type")
_TYPES = ("incident", "report", "threat-actor", "intrusion-set", "identity", "indicator", "location", "campaign",
          "malware", "attack-pattern", "note", "grouping")


@dataclass(frozen=True)
class SearchQuery:
    """What the user asked: text and at most one value per facet (from the URL query)."""

    text: str = ""
    type: str | None = None
    tlp: str | None = None
    country: str | None = None
    group: str | None = None
    attack_type: str | None = None

    @classmethod
    def from_params(cls, params) -> SearchQuery:
        """From the page's query parameters; :class:`InputError` for a value no facet has."""
        values = {k: (params.get(k) or "").strip() or None for k in FACETS}
        if values["type"] and values["type"] not in _TYPES:
            raise InputError(f"unknown object type {values['type']!r}")
        if values["tlp"] and values["tlp"] not in TLP_LEVELS:
            raise InputError(f"unknown TLP level {values['tlp']!r}")
        return cls((params.get("q") or "").strip()[:500], **values)

    def facets(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in FACETS if getattr(self, k)}

    def url(self, **changes: str | None) -> str:
        """The search page's URL for this query with ``changes`` (None removes a facet)."""
        params = {"q": self.text, **self.facets(), **changes}
        return "/search?" + urlencode({k: v for k, v in params.items() if v})

    @property
    def empty(self) -> bool:
        return not self.text and not self.facets()


@dataclass(frozen=True)
class Hit:
    id: str
    type: str
    name: str
    description: str
    tlp: str | None
    fields: dict[str, Any]


@dataclass
class SearchResult:
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    capped: bool = False


def _facet_counts(hits: list[Hit]) -> dict[str, list[tuple[str, int]]]:
    counters = {k: Counter() for k in FACETS}
    for hit in hits:
        counters["type"][hit.type] += 1
        if hit.tlp:
            counters["tlp"][hit.tlp] += 1
        if hit.type == "incident":
            if hit.fields.get("country"):
                counters["country"][hit.fields["country"]] += 1
            if hit.fields.get("perpetrator"):
                counters["group"][hit.fields["perpetrator"]] += 1
            for attack in hit.fields.get("attack_types") or ():
                counters["attack_type"][attack] += 1
    return {k: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:12] for k, c in counters.items() if c}


def run_search(engine, viewer: Viewer, query: SearchQuery) -> SearchResult:
    """Visible hits of ``query`` (best first; newest incidents first without text) and their facet counts."""
    if query.empty:
        return SearchResult()
    conditions = [visible_clause(viewer)]
    if query.tlp:
        conditions.append(stix_objects.c.tlp == query.tlp)
    incident_filter = IncidentFilters.parse(country=query.country, group=query.group,
                                            attack_type=query.attack_type).clause()
    types = [query.type] if query.type else None
    if incident_filter is not None:
        conditions.append(incident_filter)
        types = ["incident"]
    store = Store(engine)
    where = and_(*conditions)
    if query.text:
        found = [(h.object, h.date_added) for h in store.search(query.text, types=types, limit=MAX_HITS,
                                                                 where=where)]
    else:
        page = store.query(types=types or ["incident"], versions="last", limit=MAX_HITS, where=where)
        found = sorted(((o.object, o.date_added) for o in page.objects), key=lambda p: str(p[1]), reverse=True)
    tlps = _tlp_levels(engine, [obj["id"] for obj, _ in found], where)
    hits = []
    for obj, _ in found:
        if obj.get("revoked"):
            continue
        fields = incident_fields(obj) if obj.get("type") == "incident" else {}
        hits.append(Hit(obj["id"], obj.get("type", ""), str(obj.get("name") or obj.get("value") or obj["id"]),
                        str(obj.get("description") or "")[:300], tlps.get(obj["id"]), fields))
    return SearchResult(hits, _facet_counts(hits), len(found) >= MAX_HITS)


def _tlp_levels(engine, ids: list[str], where) -> dict[str, str | None]:
    """The stored TLP of the last visible version of each id (the facet shows what the policy decided on)."""
    if not ids:
        return {}
    rows = []
    with engine.connect() as conn:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows += conn.execute(select(stix_objects.c.stix_id, stix_objects.c.tlp, stix_objects.c.modified)
                                 .where(stix_objects.c.stix_id.in_(chunk), where)).all()
    latest: dict[str, tuple] = {}
    for row in rows:
        if row.stix_id not in latest or row.modified > latest[row.stix_id][1]:
            latest[row.stix_id] = (row.tlp, row.modified)
    return {k: v[0] for k, v in latest.items()}
