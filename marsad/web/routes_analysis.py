"""JSON API of analysis: trends, early warnings, incident briefs and similar incidents, for the dashboard and scripts.

Why its own routes: the dashboard's charts and the brief panel read these, and so can an analyst's notebook.
Every figure is computed over what the caller may see — trends and warnings restrict the incident projection with
:func:`marsad.analysis.trends.visibility` for the signed-in viewer; briefs and similar incidents answer 404 for
an incident the caller may not see exactly as for one that does not exist (audited). Sign-in as for the other
JSON routes: ``Authorization: Basic …`` or ``Bearer msd_…``, or the web session cookie
(:func:`marsad.web.web_auth.current_viewer`). Responses are pydantic models, so ``/docs`` and ``/openapi.json``
describe every field.

- ``GET /api/trends?by=country&period=month[&at=YYYY-MM-DD][&country=IQ&attack_type=…]`` — the period containing
  ``at`` (default: the latest with a visible incident) against the previous period and the same period a year
  earlier; ``period=all`` gives all-time totals. Filters: one value per dimension.
- ``GET /api/warnings?period=month[&by=country&by=group][&lookback=1][&alpha=0.005]`` — early warnings.
- ``GET /api/warnings/alerts`` — the caller's in-app warning alerts (:mod:`marsad.web.warning_alerts`).
- ``GET /api/incidents/{id}/brief?lang=ar|en|fr`` — the brief (default: the caller's language).
- ``GET /api/incidents/{id}/similar?limit=10`` — similar past incidents, scored.
- ``GET /api/graph/neighbours?node=&depth=``, ``/api/graph/path?a=&b=``, ``/api/graph/communities``,
  ``/api/graph/centrality``, ``/api/graph/export?format=graphml|stix|json`` — the link graph of what the caller may
  see (:mod:`marsad.analysis.graph`), built per request from the ``limit`` most recent incidents (default
  :data:`GRAPH_LIMIT`, so a request stays bounded) or those since ``since``. Reads are audited (``via=graph``),
  exports as exports.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Optional

from fastapi import FastAPI, Query, Request, Response
from pydantic import BaseModel, Field

from marsad.access.audit import record_export, record_read
from marsad.access.context import Viewer
from marsad.analysis import graph as link
from marsad.analysis.briefs import incident_brief, similar_incidents
from marsad.analysis.similar import SimilarIncident
from marsad.analysis.trends import DIMENSIONS, PERIODS, Tally, counts, trend_report, visibility
from marsad.analysis.warnings import DEFAULT_DIMENSIONS, early_warnings
from marsad.errors import InputError
from marsad.analysis.graph_export import to_graphml, to_stix_bundle
from marsad.web.warning_alerts import recent_warning_alerts
from marsad.web.web_auth import current_viewer

__all__ = ["register", "TallyModel", "TrendLineModel", "TrendsResponse", "WarningModel", "WarningsResponse",
           "WarningAlertsResponse", "BriefResponse", "SimilarModel", "SimilarResponse", "FILTER_PARAMETERS",
           "GRAPH_LIMIT", "NodeModel", "NeighboursResponse", "PathResponse", "CommunitiesResponse",
           "CentralityResponse", "register_graph", "register_incidents"]

#: incidents a graph request is built from unless the caller asks otherwise (most recent first)
GRAPH_LIMIT = 5000
#: query parameters that filter trends, one per dimension (``group`` is the perpetrator)
FILTER_PARAMETERS = DIMENSIONS


class TallyModel(BaseModel):
    incidents: int = Field(..., description="Incidents counted (multi-valued keys count an incident once each).")
    killed: int
    wounded: int


class TrendLineModel(BaseModel):
    key: Optional[str] = Field(None, description="The dimension's value; null = not recorded (or the total line).")
    current: TallyModel
    previous: Optional[TallyModel] = Field(None, description="The period before (null for all-time totals).")
    last_year: Optional[TallyModel] = Field(None, description="The same period a year earlier.")
    change_previous_pct: Optional[float] = Field(None, description="Incident count change, % (null from 0).")
    change_last_year_pct: Optional[float] = None


class TrendsResponse(BaseModel):
    by: str
    period: str = Field(..., description="day, week, month, year, or all (all-time totals).")
    current: Optional[date] = Field(None, description="First day of the period reported.")
    previous: Optional[date] = None
    last_year: Optional[date] = None
    filters: dict[str, str] = Field(default_factory=dict)
    total: TrendLineModel
    lines: list[TrendLineModel]


class WarningModel(BaseModel):
    dimension: str
    key: str
    period: date = Field(..., description="First day of the period with the unusual count.")
    count: int
    expected: float = Field(..., description="Baseline mean of the series.")
    dispersion: float = Field(..., description="Variance-to-mean ratio used (1 = Poisson).")
    p_value: float = Field(..., description="P(X ≥ count) under the baseline; alerts are below alpha.")


class WarningsResponse(BaseModel):
    period: str
    alerts: list[WarningModel]


class WarningAlertsResponse(BaseModel):
    alerts: list[dict[str, Any]] = Field(..., description="id, subscription, created, subject, text, url, language, "
                                         "dimension, key, period, period_start, count, expected, p_value")


class StatementModel(BaseModel):
    text: str
    fields: list[str] = Field(..., description="Record fields the statement states (its source).")


class SectionModel(BaseModel):
    key: str = Field(..., description="what, where, when, who, how, toll, sources, confidence, similar, activity")
    heading: str
    statements: list[StatementModel]


class SimilarModel(BaseModel):
    incident_id: str
    occurred: Optional[date] = None
    precision: Optional[str] = None
    country: Optional[str] = None
    admin1: Optional[str] = None
    city: Optional[str] = None
    perpetrator: Optional[str] = None
    attack_types: list[str]
    weapon_types: list[str]
    target_types: list[str]
    killed: int
    wounded: int
    score: float = Field(..., description="See marsad.analysis.similar: group 3, place ≤ 2, tactic 2, weapon 1, "
                                          "target 1 (Jaccard-weighted).")
    reasons: list[str]


class ActivityModel(BaseModel):
    group: str
    until: date
    last_90_days: TallyModel
    last_365_days: TallyModel


class BriefResponse(BaseModel):
    incident_id: str
    lang: str
    direction: str = Field(..., description="rtl for Arabic, else ltr.")
    title: str
    headline: StatementModel
    sections: list[SectionModel]
    similar: list[SimilarModel]
    activity: Optional[ActivityModel] = None
    text: str = Field(..., description="The brief as plain text.")


class SimilarResponse(BaseModel):
    incident_id: str
    similar: list[SimilarModel]


class NodeModel(BaseModel):
    id: str = Field(..., description="STIX id (derived nodes: deterministic ids).")
    kind: str = Field(..., description="group, crime, incident, place, indicator, wallet or organisation.")
    label: Optional[str] = None
    distance: Optional[int] = Field(None, description="Links from the asked node (neighbours).")
    betweenness: Optional[float] = None
    degree: Optional[float] = None


class NeighboursResponse(BaseModel):
    node: str
    depth: int
    neighbours: list[NodeModel]


class PathResponse(BaseModel):
    a: str
    b: str
    path: list[NodeModel] = Field(..., description="Nodes of a shortest path, empty when unconnected.")


class CommunitiesResponse(BaseModel):
    communities: list[list[NodeModel]] = Field(..., description="Louvain communities, largest first.")


class CentralityResponse(BaseModel):
    nodes: list[NodeModel]


def _viewer(app: FastAPI, request: Request) -> Viewer:
    """The signed-in caller: ``Authorization`` header (scripts) or the web session cookie (the dashboard)."""
    return current_viewer(request)


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


def _tally(t: Tally) -> TallyModel:
    return TallyModel(incidents=t.incidents, killed=t.killed, wounded=t.wounded)


def _filters(request: Request) -> dict[str, str]:
    """The dimension filters among the query parameters (one value each)."""
    found = {}
    for name in FILTER_PARAMETERS:
        values = request.query_params.getlist(name)
        if len(values) > 1:
            raise InputError(f"give at most one {name!r} filter")
        if values and values[0].strip():
            found[name] = values[0].strip()
    return found


def _trends(conn, by: str, period: str, where, at: date | None, filters: dict[str, str], limit: int | None
            ) -> TrendsResponse:
    if period == "all":
        cells = sorted(counts(conn, by, None, where=where, filters=filters),
                       key=lambda c: (-c.tally.incidents, str(c.key)))
        everything = counts(conn, None, None, where=where, filters=filters)  # each incident once
        total = everything[0].tally if everything else Tally()
        lines = [TrendLineModel(key=c.key, current=_tally(c.tally)) for c in cells]
        return TrendsResponse(by=by, period="all", filters=filters, total=TrendLineModel(current=_tally(total)),
                              lines=lines[:limit] if limit else lines)
    report = trend_report(conn, by, period, where=where, at=at, filters=filters, limit=limit)

    def line(item) -> TrendLineModel:
        return TrendLineModel(key=item.key, current=_tally(item.current), previous=_tally(item.previous),
                              last_year=_tally(item.last_year), change_previous_pct=item.change_previous,
                              change_last_year_pct=item.change_last_year)
    return TrendsResponse(by=by, period=period, current=report.current, previous=report.previous,
                          last_year=report.last_year, filters=filters, total=line(report.total),
                          lines=[line(item) for item in report.lines])


def _similar_model(s: SimilarIncident) -> SimilarModel:
    return SimilarModel(**s.to_dict())


def register(app: FastAPI) -> None:
    """Register every analysis route: trends and warnings here, then incidents and the graph."""
    register_graph(app)

    @app.get("/api/trends", tags=["analysis"], response_model=TrendsResponse)
    def trends(request: Request,
               by: str = Query("country", description=f"Break down by: {', '.join(DIMENSIONS)}."),
               period: str = Query("month", description=f"{', '.join(PERIODS)} or all."),
               at: Optional[date] = Query(None, description="A day in the period to report (default: the latest "
                                          "period with a visible incident)."),
               collection: Optional[str] = Query(None, description="Only this collection's incidents."),
               limit: int = Query(0, ge=0, le=1000, description="At most this many lines (0: all)."),
               country: Optional[str] = Query(None, description="Filter: ISO country code."),
               admin1: Optional[str] = None, city: Optional[str] = None,
               group: Optional[str] = Query(None, description="Filter: perpetrator (GTD name)."),
               source: Optional[str] = Query(None, description="Filter: gtd, acled, extracted or report."),
               attack_type: Optional[str] = None, target_type: Optional[str] = None,
               weapon_type: Optional[str] = None, theme: Optional[str] = None) -> TrendsResponse:
        """Incidents, killed and wounded by a dimension, against the previous period and the same period last year,
        over the incidents the caller may see."""
        viewer = _viewer(app, request)
        if period != "all" and period not in PERIODS:
            raise InputError(f"unknown period {period!r}; choose one of: {', '.join(PERIODS)}, all")
        filters = _filters(request)
        with app.state.engine.connect() as conn:
            return _trends(conn, by, period, visibility(viewer, collection), at, filters, limit or None)

    @app.get("/api/warnings", tags=["analysis"], response_model=WarningsResponse)
    def warnings(request: Request,
                 period: str = Query("month", description="day, week, month or year."),
                 by: Optional[list[str]] = Query(None, description=f"Series to watch (repeatable; default: "
                                                 f"{', '.join(DEFAULT_DIMENSIONS)})."),
                 at: Optional[date] = Query(None, description="A day in the last period to check."),
                 lookback: int = Query(1, ge=1, le=36, description="Report warnings of this many latest periods."),
                 alpha: float = Query(0.005, gt=0, lt=0.5, description="Tail probability of a warning."),
                 collection: Optional[str] = None) -> WarningsResponse:
        """Early warnings: unusual rises per series against its own baseline (negative-binomial control limits),
        over the incidents the caller may see."""
        viewer = _viewer(app, request)
        for name in by or ():
            if name not in DIMENSIONS:
                raise InputError(f"cannot watch {name!r}; choose among: {', '.join(DIMENSIONS)}")
        with app.state.engine.connect() as conn:
            found = early_warnings(conn, where=visibility(viewer, collection), dimensions=by or DEFAULT_DIMENSIONS,
                                   period=period, at=at, lookback=lookback, alpha=alpha)
        return WarningsResponse(period=period, alerts=[
            WarningModel(dimension=a.dimension, key=a.key, period=a.period, count=a.count, expected=a.expected,
                         dispersion=a.dispersion, p_value=float(f"{a.p_value:.3g}")) for a in found])

    register_incidents(app)


def register_incidents(app: FastAPI) -> None:
    """The warning-alert, brief and similar-incident routes (called by :func:`register`)."""
    @app.get("/api/warnings/alerts", tags=["analysis"], response_model=WarningAlertsResponse)
    def warning_alerts(request: Request, limit: int = Query(50, ge=1, le=500)) -> WarningAlertsResponse:
        """The caller's in-app warning alerts (from their subscriptions), newest first."""
        viewer = _viewer(app, request)
        return WarningAlertsResponse(alerts=recent_warning_alerts(app.state.engine, viewer, limit=limit))

    @app.get("/api/incidents/{incident_id}/brief", tags=["analysis"], response_model=BriefResponse)
    def brief(incident_id: str, request: Request,
              lang: Optional[str] = Query(None, description="ar, en or fr (default: the caller's language)."),
              similar: int = Query(5, ge=0, le=50, description="How many similar past incidents.")) -> BriefResponse:
        """The incident's brief from templates: every statement names the record fields it states."""
        viewer = _viewer(app, request)
        made = incident_brief(app.state.engine, viewer, incident_id, lang or viewer.language, similar_limit=similar,
                              remote_addr=_client(request))
        return BriefResponse(**made.to_dict(), text=made.text)

    @app.get("/api/incidents/{incident_id}/similar", tags=["analysis"], response_model=SimilarResponse)
    def similar(incident_id: str, request: Request,
                limit: int = Query(10, ge=1, le=100)) -> SimilarResponse:
        """Similar past incidents (same group, place, tactic), best first, among those the caller may see."""
        viewer = _viewer(app, request)
        found = similar_incidents(app.state.engine, viewer, incident_id, limit=limit, remote_addr=_client(request))
        return SimilarResponse(incident_id=incident_id, similar=[_similar_model(s) for s in found])


def _graph(app: FastAPI, viewer: Viewer, since: date | None, limit: int):
    return link.link_graph(app.state.engine, viewer, since=since, limit=limit)


def _node_model(graph, node_id: str, **extra) -> NodeModel:
    data = graph.nodes[node_id]
    return NodeModel(id=node_id, kind=data["kind"], label=data.get("label"), **extra)


def _read(app: FastAPI, viewer: Viewer, request: Request, nodes, what: str) -> None:
    record_read(app.state.engine, viewer, [str(n) for n in nodes][:500], via="graph", what=what,
                remote_addr=_client(request))


_SINCE = Query(None, description="Only incidents on or after this day.")
_LIMIT = Query(GRAPH_LIMIT, ge=1, le=200_000, description="Build from at most this many most recent incidents.")
_FORMATS = {"graphml": "application/graphml+xml", "stix": "application/stix+json;version=2.1",
            "json": "application/json"}


def register_graph(app: FastAPI) -> None:
    """The link-graph routes (called by :func:`register`)."""
    @app.get("/api/graph/neighbours", tags=["graph"], response_model=NeighboursResponse)
    def neighbours(request: Request, node: str = Query(..., description="A node id."),
                   depth: int = Query(1, ge=1, le=4), since: Optional[date] = _SINCE,
                   limit: int = _LIMIT) -> NeighboursResponse:
        """Nodes within ``depth`` links of ``node``, nearest first (404 when the node is not in the caller's graph)."""
        viewer = _viewer(app, request)
        found = link.neighbours(_graph(app, viewer, since, limit), node, depth)
        _read(app, viewer, request, [node, *(n["id"] for n in found)], "neighbours")
        return NeighboursResponse(node=node, depth=depth, neighbours=[NodeModel(**n) for n in found])

    @app.get("/api/graph/path", tags=["graph"], response_model=PathResponse)
    def path(request: Request, a: str = Query(...), b: str = Query(...), since: Optional[date] = _SINCE,
             limit: int = _LIMIT) -> PathResponse:
        """A shortest path between two nodes over links in either direction."""
        viewer = _viewer(app, request)
        found = link.shortest_path(_graph(app, viewer, since, limit), a, b)
        _read(app, viewer, request, [n["id"] for n in found] or [a, b], "path")
        return PathResponse(a=a, b=b, path=[NodeModel(**n) for n in found])

    @app.get("/api/graph/communities", tags=["graph"], response_model=CommunitiesResponse)
    def communities(request: Request, min_size: int = Query(2, ge=1), top: int = Query(50, ge=1, le=1000),
                    since: Optional[date] = _SINCE, limit: int = _LIMIT) -> CommunitiesResponse:
        """Communities of the caller's graph (Louvain, seeded), the ``top`` largest."""
        viewer = _viewer(app, request)
        graph = _graph(app, viewer, since, limit)
        found = link.communities(graph, min_size=min_size)[:top]
        _read(app, viewer, request, [], "communities")
        return CommunitiesResponse(communities=[[_node_model(graph, n) for n in c] for c in found])

    @app.get("/api/graph/centrality", tags=["graph"], response_model=CentralityResponse)
    def centrality(request: Request, top: int = Query(20, ge=1, le=500),
                   kind: Optional[list[str]] = Query(None, description="Only these node kinds (repeatable)."),
                   since: Optional[date] = _SINCE, limit: int = _LIMIT) -> CentralityResponse:
        """The most central nodes (betweenness, with degree centrality)."""
        viewer = _viewer(app, request)
        found = link.centrality(_graph(app, viewer, since, limit), top, kinds=kind or None)
        _read(app, viewer, request, [n["id"] for n in found], "centrality")
        return CentralityResponse(nodes=[NodeModel(**n) for n in found])

    @app.get("/api/graph/export", tags=["graph"], response_class=Response,
             responses={200: {"content": {media: {} for media in _FORMATS.values()}}})
    def export(request: Request, format: str = Query("graphml", description="graphml, stix or json."),
               since: Optional[date] = _SINCE, limit: int = _LIMIT) -> Response:
        """The caller's graph as GraphML, a STIX 2.1 bundle or JSON (audited as an export)."""
        viewer = _viewer(app, request)
        if format not in _FORMATS:
            raise InputError(f"unknown graph format {format!r}; choose one of: {', '.join(_FORMATS)}")
        graph = _graph(app, viewer, since, limit)
        if format == "graphml":
            data = to_graphml(graph)
        else:
            doc = to_stix_bundle(graph) if format == "stix" else link.graph_json(graph)
            data = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        record_export(app.state.engine, viewer, [], what="link graph", format=format, via="api",
                      nodes=graph.number_of_nodes(), edges=graph.number_of_edges(), remote_addr=_client(request))
        return Response(data, media_type=_FORMATS[format],
                        headers={"Content-Disposition": f'attachment; filename="marsad-graph.{format}"'})
