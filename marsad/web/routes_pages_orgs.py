"""Organisation pages: the groups behind incidents — a list by visible activity, and one profile per group.

Why from two sources: who a group *is* (names in Arabic, English and French, aliases, parent and branches,
UN sanctions listing) is public reference data from the organisations registry
(:mod:`marsad.model.organisations`); what it *did* is counted only over the incidents the viewer may see
(:func:`marsad.analysis.trends.counts` under :func:`~marsad.analysis.trends.visibility`), so a profile's
charts, totals, recent incidents and links never include an incident hidden from the viewer. Incidents name a
group by its GTD name (the projection's ``perpetrator``); the registry maps that name to its entry.

Links: the registry's lineage (parent, branches) and the groups most active in the same countries over the
viewer's visible incidents — the same "acts in the same places" tie as the link graph's ``active-in`` edges.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from types import SimpleNamespace

from babel.dates import format_date as babel_date
from fastapi import FastAPI, Query, Request
from sqlalchemy import func, select

from marsad.analysis.trends import Cell, Tally, counts, period_range
from marsad.errors import NotFound
from marsad.model.organisations import Registry, load_registry
from marsad.store.incidents import incident_facts, incident_terms, on_facts
from marsad.store.objects import stix_objects
from marsad.text import fold
from marsad.web.charts import Series, bars, sparkline, time_series
from marsad.web.formatting import arabic_digits, format_country, format_number, format_vocab
from marsad.web.i18n import N_, request_language, translations
from marsad.web.maps import incident_url
from marsad.web.pages import add_nav, page_router, page_viewer
from marsad.web.rendering import render
from marsad.web.viewer_clauses import viewer_visibility

__all__ = ["register", "group_name", "profile_charts", "LIST_SIZE"]

#: groups listed on the organisations page (by visible incidents)
LIST_SIZE = 40
_UNKNOWN = {"unknown", "غير معروف", "inconnu"}
_TOP_COUNTRIES = 4


def group_name(org) -> str:
    """The name incidents carry for ``org`` (GTD's, else the registry's English name)."""
    return org.gtd_name or org.name


def _period_label(day: date, period: str, lang: str) -> str:
    text = babel_date(day, "y" if period == "year" else "MMM y", locale=lang)
    return arabic_digits(text) if lang == "ar" else text


def _fmt(lang: str):
    return lambda value: format_number(int(value) if float(value).is_integer() else value, lang)


def _resolve(registry: Registry, name: str | None):
    if not name or fold(name) in _UNKNOWN:
        return None
    return registry.by_gtd_name(name) or next(iter(registry.find(name)), None)


def _countries_and_years(conn, where, name: str) -> tuple[list[Cell], list[Cell]]:
    """(incidents of group ``name`` by country over all time, by country and year): one grouped read of the
    group's rows (the by-country figures are the sums over years, undated incidents included)."""
    facts = incident_facts.c
    rows = conn.execute(
        select(facts.country, facts.year, func.count(), func.coalesce(func.sum(facts.killed), 0),
               func.coalesce(func.sum(facts.wounded), 0))
        .where(facts.perpetrator == name, on_facts(where)).group_by(facts.country, facts.year)).all()
    totals: dict[str | None, Tally] = {}
    yearly = []
    for country, year, n, killed, wounded in rows:
        tally = Tally(int(n), int(killed), int(wounded))
        totals[country] = totals.get(country, Tally()) + tally
        if year is not None:
            yearly.append(Cell(country, year, tally))
    return [Cell(key, None, tally) for key, tally in totals.items()], yearly


def _attack_types(conn, where, name: str) -> list[Cell]:
    """Incidents of group ``name`` by attack type (an incident with two types counts once under each): the type
    rows of the group's visible incidents, read as a semi-join on the terms' primary key."""
    terms = incident_terms.c
    group = select(incident_facts.c.object_pk).where(incident_facts.c.perpetrator == name, on_facts(where))
    rows = conn.execute(select(terms.term, func.count()).where(terms.vocabulary == "attack_type",
                                                               terms.object_pk.in_(group)).group_by(terms.term))
    return [Cell(term, None, Tally(int(n))) for term, n in rows]


def profile_charts(conn, viewer, name: str, lang: str) -> dict:
    """Totals, charts (activity over time by country, top countries, attack types) of group ``name``, over the
    incidents ``viewer`` may see."""
    gettext = translations(lang).gettext
    where, only = viewer_visibility(viewer), {"group": name}
    everywhere, cells = _countries_and_years(conn, where, name)
    out = {"total": None, "activity": None, "countries": None, "attacks": None, "top_countries": []}
    if not everywhere:
        return out
    out["total"] = sum((c.tally for c in everywhere), Tally())
    by_country = {c.key: c.tally.incidents for c in everywhere}
    ranked = sorted(by_country, key=lambda k: (-by_country[k], str(k)))
    out["top_countries"] = [k for k in ranked if k][:_TOP_COUNTRIES]
    period = "year"
    if cells and max(c.period for c in cells).year - min(c.period for c in cells).year < 3:
        cells, period = counts(conn, "country", "month", where=where, filters=only), "month"
    if cells:
        top = ranked[:_TOP_COUNTRIES]
        periods = period_range(min(c.period for c in cells), max(c.period for c in cells), period)
        table = {key: dict.fromkeys(periods, 0) for key in [*top, "other"]}
        for cell in cells:
            table[cell.key if cell.key in top else "other"][cell.period] += cell.tally.incidents
        series = [Series(format_country(key, lang) or gettext("Unknown country") if key != "other"
                         else gettext("Other countries"), list(table[key].values()))
                  for key in [*top, "other"] if any(table[key].values())]
        out["activity"] = time_series(
            [_period_label(p, period, lang) for p in periods], series, stacked=True, fmt=_fmt(lang), rtl=lang == "ar",
            title=gettext("Incidents by year") if period == "year" else gettext("Incidents by month"),
            table_summary=gettext("Show the figures"), period_heading=gettext("Period"), width=960,
            height=280)
    if everywhere:
        out["countries"] = bars([(format_country(k, lang) or gettext("Unknown country"), by_country[k])
                                 for k in ranked[:10]], title=gettext("Countries"), fmt=_fmt(lang), rtl=lang == "ar",
                                table_summary=gettext("Show the figures"), label_heading=gettext("Country"),
                                value_heading=gettext("Incidents"))
    attacks = sorted(_attack_types(conn, where, name), key=lambda c: (-c.tally.incidents, str(c.key)))[:8]
    if attacks:
        out["attacks"] = bars([(format_vocab(c.key, "attack_types", lang) or gettext("Unknown"), c.tally.incidents)
                               for c in attacks], title=gettext("Attack types"), fmt=_fmt(lang), rtl=lang == "ar",
                              table_summary=gettext("Show the figures"), label_heading=gettext("Attack type"),
                              value_heading=gettext("Incidents"))
    return out


def _recent(conn, viewer, name: str, limit: int = 10) -> list[dict]:
    """The group's ``limit`` latest visible incidents (undated ones last). Read newest year first: the
    (perpetrator, year) index then yields rows in order and only each year's rows are sorted (a dated incident
    always has a year, an undated one never)."""
    facts = incident_facts.c
    columns = (facts.object_pk, facts.stix_id, facts.occurred, facts.precision, facts.country, facts.city,
               facts.killed, facts.wounded)
    where = [on_facts(viewer_visibility(viewer)), facts.perpetrator == name]
    rows = conn.execute(select(*columns).where(*where, facts.year.is_not(None))
                        .order_by(facts.year.desc(), facts.occurred.desc(), facts.object_pk.desc()).limit(limit)).all()
    if len(rows) < limit:
        rows += conn.execute(select(*columns).where(*where, facts.year.is_(None))
                             .order_by(facts.object_pk.desc()).limit(limit - len(rows))).all()
    names = {}
    if rows:
        for pk, obj in conn.execute(select(stix_objects.c.pk, stix_objects.c.object)
                                    .where(stix_objects.c.pk.in_([r.object_pk for r in rows]))):
            names[pk] = (obj or {}).get("name") if isinstance(obj, dict) else None
    return [{"id": r.stix_id, "name": names.get(r.object_pk), "occurred": r.occurred, "country": r.country,
             "city": r.city, "killed": r.killed, "wounded": r.wounded} for r in rows]


def _co_active(conn, viewer, name: str, countries: list[str], registry: Registry, limit: int = 8) -> list[tuple]:
    """Other groups with visible incidents in ``countries`` (where ``name`` is most active, as the viewer sees)."""
    if not countries:
        return []
    facts = incident_facts.c
    # grouped by country too, so the read follows the (country, year) index instead of walking every group's rows
    counted: dict[str, int] = defaultdict(int)
    for _, group, n in conn.execute(
            select(facts.country, facts.perpetrator, func.count()).where(
                on_facts(viewer_visibility(viewer)), facts.country.in_(countries), facts.perpetrator.is_not(None))
            .group_by(facts.country, facts.perpetrator)):
        if group != name:
            counted[group] += int(n)
    rows = [SimpleNamespace(perpetrator=group, n=n)
            for group, n in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))[:limit + 4]]
    found = []
    for row in rows:
        org = _resolve(registry, row.perpetrator)
        if org is not None and org.key not in {f[0].key for f in found}:
            found.append((org, int(row.n)))
    return found[:limit]


def _listing(conn, viewer, registry: Registry, lang: str, q: str | None) -> list[dict]:
    where = viewer_visibility(viewer)
    active = {c.key: c.tally for c in counts(conn, "group", None, where=where)}
    start = date(date.today().year - 9, 1, 1)
    yearly: dict[str, dict[date, int]] = defaultdict(dict)
    for cell in counts(conn, "group", "year", where=where, start=start):
        yearly[cell.key][cell.period] = cell.tally.incidents
    years = period_range(start, date.today(), "year")
    entries: dict[str, dict] = {}
    for name, tally in active.items():
        org = _resolve(registry, name)
        if org is None or org.key in entries:
            continue
        entries[org.key] = {"org": org, "tally": tally, "spark": sparkline(
            [yearly[name].get(y, 0) for y in years], title=org.name_in(lang), fmt=_fmt(lang))}
    if q:
        wanted = fold(q)
        hits = [o for o in registry if any(wanted in fold(n) for n in o.all_names())]
        return [entries.get(o.key, {"org": o, "tally": None, "spark": None}) for o in hits][:LIST_SIZE]
    ranked = sorted(entries.values(), key=lambda e: (-e["tally"].incidents, e["org"].name))
    return ranked[:LIST_SIZE]


def register(app: FastAPI) -> None:
    router = page_router()
    add_nav(app, "/organisations", N_("Organisations"), order=30)
    engine = app.state.engine
    registry = load_registry()

    @router.get("/organisations")
    def organisations_page(request: Request, q: str | None = Query(None, max_length=200)):
        viewer = page_viewer(request)
        lang = request_language(request, viewer.language)
        with engine.connect() as conn:
            entries = _listing(conn, viewer, registry, lang, (q or "").strip() or None)
        return render(request, "organisations.html", entries=entries, q=q or "")

    @router.get("/organisations/{key}")
    def profile_page(request: Request, key: str):
        viewer = page_viewer(request)
        org = registry.get(key)
        if org is None:
            raise NotFound(f"no organisation {key!r} in the registry")
        lang = request_language(request, viewer.language)
        name = group_name(org)
        with engine.connect() as conn:
            charts = profile_charts(conn, viewer, name, lang)
            recent = _recent(conn, viewer, name) if charts["total"] else []
            linked = _co_active(conn, viewer, name, charts["top_countries"], registry)
        lineage = registry.lineage(org.key)[1:]
        return render(request, "organisation.html", org=org, charts=charts, recent=recent, linked=linked,
                      parents=lineage, branches=registry.children(org.key), incident_url=incident_url)

    app.include_router(router)
