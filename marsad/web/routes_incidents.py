"""JSON API of monitored incidents: list and read them as the caller may see them, submit a report.

Why its own routes: operators' tools and the web pages read incidents with their provenance
(``GET /api/incidents``, ``GET /api/incidents/{id}``), and liaison officers send their own reports
(``POST /api/reports``, queued for the pipeline with the marking they chose). Every route needs sign-in
(the web session cookie, or ``Authorization: Basic …`` / ``Bearer msd_…``; a POST signed in by the cookie
also needs the page's CSRF token, see :mod:`marsad.web.web_auth`); every answer goes through the sharing policy
(:mod:`marsad.monitor.incident_views`) and every read is audited. An incident the caller may not see is a 404,
exactly like one that does not exist. Analysts (and administrators) curate what the machine merged:
``POST /api/incidents/{id}/confirm``, ``…/correct`` (``{"changes": {field: value}, "note": …}``), ``…/split``
(``{"report_ids": [...]}``: those reports become a new incident) and ``…/merge`` (``{"absorb": incident id}``:
its reports move into ``{id}``), each one audited transaction (:mod:`marsad.monitor.curation`).
"""

from __future__ import annotations

from typing import Any

from fastapi import Body, Depends, FastAPI, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from marsad.access.audit import record_read
from marsad.access.context import Viewer
from marsad.monitor.curation import confirm_incident, correct_incident, merge_incidents, split_incident
from marsad.monitor.incident_views import IncidentFilters, get_incident, list_incidents
from marsad.monitor.submissions import submit_report
from marsad.store import Store
from marsad.web.web_auth import check_csrf, current_viewer

__all__ = ["register", "request_viewer", "signed_in_post", "client_address", "Correction", "Split", "Merge"]


class Correction(BaseModel):
    """Body of ``POST /api/incidents/{id}/correct``."""

    changes: dict[str, Any] = Field(..., description="Field → value (None clears): GTD fields, name, description, "
                                    "determination, investigation_status.")
    note: str | None = Field(None, max_length=2000)


class Split(BaseModel):
    """Body of ``POST /api/incidents/{id}/split``."""

    report_ids: list[str] = Field(..., min_length=1, max_length=1000)


class Merge(BaseModel):
    """Body of ``POST /api/incidents/{id}/merge``."""

    absorb: str = Field(..., max_length=300, description="The incident whose reports move into this one.")


def request_viewer(app: FastAPI, request: Request) -> Viewer:
    """The signed-in caller: the web session cookie or an ``Authorization`` header (401 without either)."""
    return current_viewer(request)


async def signed_in_post(request: Request) -> None:
    """A state-changing request: signed in first (401), then, when signed in by the session cookie, carrying the
    page's CSRF token (403); a request with an ``Authorization`` header needs none."""
    await run_in_threadpool(current_viewer, request)
    await check_csrf(request)


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def _page_limit(app: FastAPI, limit: int | None) -> int:
    settings = getattr(app.state, "settings", None)
    default, most = (settings.page_size, settings.max_page_size) if settings else (100, 1000)
    return max(1, min(limit or default, most))


def register(app: FastAPI) -> None:
    @app.get("/api/incidents", tags=["incidents"])
    def incidents(request: Request,
                  country: str | None = Query(None, description="ISO 3166-1 code of the country."),
                  group: str | None = Query(None, description="Perpetrator group (its canonical name)."),
                  attack_type: str | None = Query(None, description="GTD attack type, e.g. Bombing/Explosion."),
                  since: str | None = Query(None, description="Only incidents updated at or after this date/time."),
                  limit: int | None = Query(None, ge=1), cursor: str | None = Query(None, max_length=2000)) -> dict:
        """Incidents the caller may see, with their fields and the ids of the reports that fed them."""
        viewer = request_viewer(app, request)
        filters = IncidentFilters.parse(country=country, group=group, attack_type=attack_type, since=since)
        page = list_incidents(Store(app.state.engine), viewer, filters, limit=_page_limit(app, limit), cursor=cursor)
        shown = [view.summary() for view in page.incidents]
        record_read(app.state.engine, viewer, [s["id"] for s in shown], remote_addr=client_address(request),
                    what="incidents", filters={k: v for k, v in {"country": country, "group": group,
                                                                  "attack_type": attack_type, "since": since}.items()
                                               if v})
        return {"incidents": shown, "more": page.more, "next": page.next}

    @app.get("/api/incidents/{incident_id}", tags=["incidents"])
    def incident(incident_id: str, request: Request) -> dict:
        """One incident (404 if unknown or not visible) with the reports the caller may see, in full."""
        viewer = request_viewer(app, request)
        view = get_incident(Store(app.state.engine), viewer, incident_id)
        detail = view.detail()
        record_read(app.state.engine, viewer, [view.id, *(r["id"] for r in detail["reports"])],
                    remote_addr=client_address(request), what="incident")
        return detail

    @app.post("/api/reports", tags=["incidents"], status_code=202, dependencies=[Depends(signed_in_post)])
    async def report(request: Request, body: dict[str, Any] = Body(..., description=(
            "text (required), title, published, language (ar|en|fr), occurred, country, city, attack_types, "
            "target_types, weapon_types, perpetrator, killed, wounded, tlp, release_to"))) -> dict:
        """Submit a liaison officer's report; it is queued for the pipeline under the marking chosen."""
        def submit() -> dict:
            viewer = request_viewer(app, request)
            return submit_report(app.state.engine, viewer, body, remote_addr=client_address(request))
        return await run_in_threadpool(submit)

    _register_curation(app)


def _register_curation(app: FastAPI) -> None:
    @app.post("/api/incidents/{incident_id}/confirm", tags=["incidents"], dependencies=[Depends(signed_in_post)])
    def confirm(incident_id: str, request: Request) -> dict:
        """Confirm the incident (analysts, administrators); returns its new version."""
        return {"incident": confirm_incident(app.state.engine, request_viewer(app, request), incident_id)}

    @app.post("/api/incidents/{incident_id}/correct", tags=["incidents"], dependencies=[Depends(signed_in_post)])
    def correct(incident_id: str, body: Correction, request: Request) -> dict:
        """Set fields of the incident; analysts' values win over the machine's from now on."""
        viewer = request_viewer(app, request)
        return {"incident": correct_incident(app.state.engine, viewer, incident_id, body.changes, note=body.note)}

    @app.post("/api/incidents/{incident_id}/split", tags=["incidents"], dependencies=[Depends(signed_in_post)])
    def split(incident_id: str, body: Split, request: Request) -> dict:
        """Move some of the incident's reports to a new incident; returns the new one."""
        viewer = request_viewer(app, request)
        return {"incident": split_incident(app.state.engine, viewer, incident_id, body.report_ids)}

    @app.post("/api/incidents/{incident_id}/merge", tags=["incidents"], dependencies=[Depends(signed_in_post)])
    def merge(incident_id: str, body: Merge, request: Request) -> dict:
        """Move every report of ``absorb`` into this incident (same marking only); returns this incident."""
        viewer = request_viewer(app, request)
        return {"incident": merge_incidents(app.state.engine, viewer, incident_id, body.absorb)}
