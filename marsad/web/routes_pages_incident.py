"""The incident page: the record with labels in the reader's language, its brief, sources with provenance, map,
timeline, related incidents, marking banner, STIX export, and the analysts' confirm/correct forms.

Why it reads through other layers' functions: the incident and its sources come from
:func:`marsad.monitor.incident_views.get_incident` (only reports the viewer may see), the brief and related
incidents from :func:`marsad.analysis.briefs.incident_brief` (precedents counted under the policy, the read
audited), corrections go to :mod:`marsad.monitor.curation` (role checked, one audited transaction). An incident
the viewer may not see answers the same 404 page as one that does not exist.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from marsad.access.accounts import list_organisations
from marsad.access.audit import record_export, record_read
from marsad.analysis.briefs import group_name, incident_brief
from marsad.errors import InputError
from marsad.model.incident import field_labels, incident_fields
from marsad.monitor.curation import CURATOR_ROLES, confirm_incident, correct_incident
from marsad.monitor.incident_views import get_incident
from marsad.monitor.sharing import may_share
from marsad.store import Store
from marsad.web.i18n import request_language
from marsad.web.incident_page_data import map_point, marking_of, stix_bundle, timeline
from marsad.web.pages import form_post, page_router, page_viewer
from marsad.web.rendering import render
from marsad.web.routes_pages_reports import TLP_CHOICES, share_choices
from marsad.web.web_auth import client_address

__all__ = ["register", "CORRECTABLE", "incident_response"]

#: the fields the page's correction form offers (a subset of curation.EDITABLE_FIELDS); numbers are whole
CORRECTABLE = ("name", "killed", "wounded", "perpetrator", "city", "occurred")
_NUMBERS = ("killed", "wounded")


def _changes(form: dict[str, str], current: dict[str, Any]) -> dict[str, Any]:
    """The fields the analyst changed, typed; :class:`InputError` for a number that is not one."""
    changes: dict[str, Any] = {}
    for key in CORRECTABLE:
        if key not in form:
            continue
        raw = form[key].strip()
        if key in _NUMBERS:
            if raw and not raw.isdigit():
                raise InputError(f"{key} must be a whole number")
            value: Any = int(raw) if raw else None
        else:
            value = raw or None
        if value != current.get(key) and not (value is None and current.get(key) in (None, "")):
            changes[key] = value
    return changes


def _page(engine, viewer, incident_id: str, lang: str, address: str) -> dict[str, Any]:
    store = Store(engine)
    view = get_incident(store, viewer, incident_id)
    obj = view.object
    fields = incident_fields(obj)
    brief = incident_brief(engine, viewer, incident_id, lang, remote_addr=address)  # audits the read
    if view.reports:
        record_read(engine, viewer, [r["id"] for r in view.reports], via="incident page", remote_addr=address)
    return {"incident": obj, "fields": fields, "labels": field_labels(fields, lang), "brief": brief,
            "reports": view.reports, "marking": marking_of(store, viewer, obj),
            "timeline": timeline(store, viewer, obj), "point": map_point(fields),
            "group": group_name(fields.get("perpetrator"), lang), "confidence": obj.get("confidence"),
            "similar": brief.similar}


def _share_form(request: Request, viewer, data: dict[str, Any], lang: str) -> dict[str, Any]:
    """What the share panel needs: shown only to the originator's analysts, officers and administrators."""
    if not may_share(viewer, data["incident"].get("created_by_ref")):
        return {"can_share": False}
    current = data["marking"]
    order = [level for level, _ in TLP_CHOICES]
    wider = [(level, meaning) for level, meaning in TLP_CHOICES
             if order.index(level) <= order.index(current.tlp if current.tlp in order else "amber")]
    states, orgs = share_choices(request.app, viewer, lang)
    listed = set(current.release_to)
    return {"can_share": True, "share_tlps": wider,
            "share_states": [s for s in states if s[0] not in listed],
            "share_orgs": [o for o in orgs if o[0] not in listed]}


def _recipient_names(engine, viewer, release_to) -> dict[str, str]:
    """Names of the registered organisations on the release list (their identities are reference data), so the
    marking banner shows "JO CT Unit" rather than an ``identity--…`` id."""
    wanted = {e for e in release_to if e.startswith("identity--") and e in viewer.member_identities}
    return {o.identity_id: o.name for o in list_organisations(engine) if o.identity_id in wanted} if wanted else {}


async def incident_response(request: Request, incident_id: str, *, status_code: int = 200, **extra: Any):
    """The incident page (``extra``: ``saved``, ``error``, ``share_error``…); hidden and unknown answer 404."""
    engine = request.app.state.engine
    viewer = await run_in_threadpool(page_viewer, request)
    lang = request_language(request, viewer.language)
    data = await run_in_threadpool(_page, engine, viewer, incident_id, lang, client_address(request))
    share = await run_in_threadpool(_share_form, request, viewer, data, lang)
    names = await run_in_threadpool(_recipient_names, engine, viewer, data["marking"].release_to)
    return render(request, "incident.html", status_code=status_code, lang=lang, recipient_names=names,
                  can_curate=viewer.has_role(*CURATOR_ROLES), correctable=CORRECTABLE, **share, **data, **extra)


def register(app: FastAPI) -> None:
    router = page_router()
    engine = app.state.engine

    @router.get("/incidents/{incident_id}")
    async def incident_page(request: Request, incident_id: str, saved: str | None = None, error: str | None = None):
        return await incident_response(request, incident_id, saved=saved, error=error)

    @router.get("/incidents/{incident_id}/bundle.json")
    async def incident_bundle(request: Request, incident_id: str):
        viewer = await run_in_threadpool(page_viewer, request)

        def build() -> dict:
            store = Store(engine)
            bundle = stix_bundle(store, viewer, get_incident(store, viewer, incident_id))
            record_export(engine, viewer, [o["id"] for o in bundle["objects"]], via="incident page",
                          remote_addr=client_address(request))
            return bundle

        bundle = await run_in_threadpool(build)
        name = incident_id.replace("incident--", "incident-")
        return Response(json.dumps(bundle, ensure_ascii=False, indent=1), media_type="application/stix+json",
                        headers={"Content-Disposition": f'attachment; filename="{name}.json"'})

    @router.post("/incidents/{incident_id}/confirm", dependencies=[Depends(form_post)])
    async def confirm(request: Request, incident_id: str):
        viewer = await run_in_threadpool(page_viewer, request)
        await run_in_threadpool(confirm_incident, engine, viewer, incident_id)
        return RedirectResponse(f"/incidents/{incident_id}?saved=confirmed", status_code=303)

    @router.post("/incidents/{incident_id}/correct", dependencies=[Depends(form_post)])
    async def correct(request: Request, incident_id: str, note: str = Form("")):
        viewer = await run_in_threadpool(page_viewer, request)
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}

        def apply() -> None:
            current = incident_fields(get_incident(Store(engine), viewer, incident_id).object)
            changes = _changes(form, current)
            if changes:
                correct_incident(engine, viewer, incident_id, changes, note=note.strip() or None)

        await run_in_threadpool(apply)
        return RedirectResponse(f"/incidents/{incident_id}?saved=corrected", status_code=303)

    app.include_router(router)
