"""The overview page: the newest incidents (kept live), the map, and counts over time and by country, group and
attack type — everything as the signed-in user may see it.

Why server-rendered with a small script: the page must work air-gapped under a strict CSP. Charts are SVG made on
the server (:mod:`marsad.web.charts`), the map is the shared map component (``map.html`` + ``js/map.js``, whose
markers come from ``/web/map/incidents.geojson`` under the policy), and ``js/live.js`` refreshes the feed from
``GET /overview/feed`` (an HTML fragment rendered here, under the same policy) every minute and whenever the
user's alert stream (``/api/alerts/stream``, authenticated by the session cookie) announces an alert.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool

from marsad.monitor.alerts import recent_alerts
from marsad.web import charts
from marsad.web.formatting import format_month, format_number
from marsad.web.i18n import N_, direction, request_language, translations
from marsad.web.overview_data import latest_incidents, monthly_counts, top_counts
from marsad.web.pages import add_nav, page_router, page_viewer
from marsad.web.rendering import render

__all__ = ["register", "FEED_SIZE"]

FEED_SIZE = 15
_TOPS = (("country", N_("Countries")), ("group", N_("Groups")), ("attack_type", N_("Attack types")))


def _charts(engine, viewer, lang: str) -> dict:
    """The overview's SVG charts (Markup), built from counts the viewer may see."""
    gettext = translations(lang).gettext
    rtl = direction(lang) == "rtl"

    def fmt(value: float) -> str:
        return format_number(int(value), lang)

    periods, values = monthly_counts(engine, viewer)
    labels = [format_month(p, lang) for p in periods]
    out = {"months": None, "tops": []}
    if periods:
        out["months"] = charts.time_series(labels, [charts.Series(gettext("Incidents"), values)],
                                           title=gettext("Incidents by month"), fmt=fmt, rtl=rtl,
                                           table_summary=gettext("Show the figures"),
                                           period_heading=gettext("Month"), width=900, height=240)
    for dimension, title in _TOPS:
        breakdown = top_counts(engine, viewer, dimension, lang)
        if breakdown.rows:
            links = [f"/search?{dimension}={key}" for key, _, _ in breakdown.rows]
            out["tops"].append(charts.bars([(label, n) for _, label, n in breakdown.rows], title=gettext(title),
                                           fmt=fmt, rtl=rtl, table_summary=gettext("Show the figures"),
                                           label_heading=gettext(title), value_heading=gettext("Incidents"),
                                           links=links))
    return out


def register(app: FastAPI) -> None:
    router = page_router()
    add_nav(app, "/", N_("Overview"), order=10)

    @router.get("/")
    async def overview(request: Request):
        viewer = await run_in_threadpool(page_viewer, request)
        engine = app.state.engine
        lang = request_language(request, viewer.language)
        feed = await run_in_threadpool(latest_incidents, engine, viewer, limit=FEED_SIZE)
        alerts = await run_in_threadpool(lambda: recent_alerts(engine, viewer, limit=5))
        built = await run_in_threadpool(_charts, engine, viewer, lang)
        return render(request, "overview.html", feed=feed, alerts=alerts, charts=built)

    @router.get("/overview/feed")
    async def feed_fragment(request: Request):
        viewer = await run_in_threadpool(page_viewer, request)
        feed = await run_in_threadpool(latest_incidents, app.state.engine, viewer, limit=FEED_SIZE)
        return render(request, "overview_feed.html", feed=feed)

    app.include_router(router)
