"""What the overview shows, read under the sharing policy: the newest incidents and the counts behind the charts.

Why its own module: the overview is the page everyone opens first and the one that must never leak. Every number
and every line here comes from the incident projection (:mod:`marsad.store.incidents`) filtered by
:func:`marsad.analysis.trends.visibility` (the access layer's ``visible_clause``), and the incidents' names from
``Store.query`` with the same clause — a restricted incident is neither listed, nor counted, nor drawn.
The queries are bounded (newest N by primary key; top-N counts over the last two years on the month covering index), so the page
stays fast with a hundred thousand incidents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from marsad.access.context import Viewer
from marsad.analysis.briefs import group_name
from marsad.analysis.trends import counts, latest_period, period_range, shift_period
from marsad.model.incident import incident_fields
from marsad.store import Store
from marsad.store.incidents import incident_facts, on_facts
from marsad.web.formatting import format_country, format_vocab
from marsad.web.i18n import translations
from marsad.web.viewer_clauses import viewer_visibility

__all__ = ["FeedItem", "Breakdown", "latest_incidents", "monthly_counts", "top_counts"]


@dataclass(frozen=True)
class FeedItem:
    """One line of the incident feed."""

    id: str
    name: str
    occurred: date | None
    country: str | None
    city: str | None
    perpetrator: str | None
    killed: int
    wounded: int
    tlp: str | None
    modified: object


@dataclass(frozen=True)
class Breakdown:
    """Counts of visible incidents by one dimension: (key, label, count) largest first."""

    dimension: str
    rows: list[tuple[str, str, int]]


def latest_incidents(engine, viewer: Viewer, *, limit: int = 15) -> list[FeedItem]:
    """The ``limit`` most recently stored incident versions ``viewer`` may see, newest first (revoked left out)."""
    where = viewer_visibility(viewer)
    # newest stored version first: the primary key grows with every write, so the scan stops after ``limit``
    # visible rows instead of sorting every visible incident by ``modified`` (no index there)
    stmt = select(incident_facts).where(on_facts(where)).order_by(incident_facts.c.object_pk.desc()).limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    if not rows:
        return []
    page = Store(engine).query(types=["incident"], ids=[r.stix_id for r in rows], versions="last",
                               limit=len(rows), where=where)
    names = {o.object["id"]: o.object for o in page.objects}
    items = []
    for row in rows:
        obj = names.get(row.stix_id)
        if obj is None or obj.get("revoked"):
            continue
        items.append(FeedItem(row.stix_id, incident_fields(obj).get("name") or "", row.occurred, row.country,
                              row.city, row.perpetrator, row.killed, row.wounded, row.tlp, row.modified))
    return items


def monthly_counts(engine, viewer: Viewer, *, months: int = 24) -> tuple[list[date], list[int]]:
    """Incidents per month for the ``months`` months up to the latest month holding a visible incident."""
    where = viewer_visibility(viewer)
    with engine.connect() as conn:
        last = latest_period(conn, "month", where=where)
        if last is None:
            return [], []
        first = shift_period(last, "month", -(months - 1))
        cells = counts(conn, None, "month", where=where, start=first, end=last)
    by_month = {c.period: c.tally.incidents for c in cells}
    periods = period_range(first, last, "month")
    return periods, [by_month.get(p, 0) for p in periods]


def _label(dimension: str, key: str, lang: str) -> str:
    if dimension == "country":
        return format_country(key, lang)
    if dimension == "group":
        return group_name(key, lang) or translations(lang).gettext("Unknown")
    return format_vocab(key, "attack_types", lang)


def top_counts(engine, viewer: Viewer, dimension: str, lang: str, *, top: int = 8, years: int = 2) -> Breakdown:
    """The ``top`` values of ``dimension`` (country, group, attack_type) by visible incidents over the ``years``
    years up to the latest visible incident (read per month, on the projection's covering month index)."""
    where = viewer_visibility(viewer)
    with engine.connect() as conn:
        last = latest_period(conn, "month", where=where)
        if last is None:
            return Breakdown(dimension, [])
        cells = counts(conn, dimension, "month", where=where, start=shift_period(last, "month", -(12 * years - 1)),
                       end=last)
    totals: dict[str, int] = {}
    for cell in cells:
        if cell.key:
            totals[str(cell.key)] = totals.get(str(cell.key), 0) + cell.tally.incidents
    best = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return Breakdown(dimension, [(key, _label(dimension, key, lang), n) for key, n in best])
