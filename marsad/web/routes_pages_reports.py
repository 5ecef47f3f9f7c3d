"""The "submit a report" page: a liaison officer's or analyst's own report, with its TLP and release list.

Why a page over :mod:`marsad.monitor.submissions`: the checks, the queueing and the audit entry live there
(the JSON API ``POST /api/reports`` uses the same function), so the form and the API can never accept
different things. The page adds what a person needs: the member states and registered organisations to
release to, by name in their language; every refusal shown next to the field it concerns, in the page's
language (the submission is checked as if the user's language were the page's); the text kept when the form
comes back. The release chooser matters only for TLP:AMBER, AMBER+STRICT and RED: CSS hides it otherwise
(no script needed), and the checks refuse a release list on CLEAR or GREEN anyway.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from marsad.access.accounts import list_organisations
from marsad.access.context import Viewer
from marsad.model.countries import countries, country_name
from marsad.model.membership import load_membership
from marsad.model.vocab import ATTACK_TYPES, TARGET_TYPES, WEAPON_TYPES
from marsad.monitor.submissions import DEFAULT_TLP, SUBMITTER_ROLES, SubmissionError, submit_report
from marsad.web.i18n import N_, request_language, translations
from marsad.web.pages import add_nav, form_post, page_router, page_viewer
from marsad.web.rendering import render
from marsad.web.web_auth import client_address

__all__ = ["register", "TLP_CHOICES", "FIELD_LABELS", "form_data", "share_choices"]

#: the TLP levels offered, most open first, with a short explanation (msgids)
TLP_CHOICES = (
    ("clear", N_("Anyone")),
    ("green", N_("The community: every member organisation")),
    ("amber", N_("The recipients' organisations, on a need-to-know basis")),
    ("amber+strict", N_("The recipients' organisations only")),
    ("red", N_("The named recipients only")),
)
#: form field → its label (msgids), to name the field in an error message in the page's words
FIELD_LABELS = {"title": N_("Title"), "text": N_("Report text"), "published": N_("Date of the report"),
                "language": N_("Language of the text"), "occurred": N_("Date of the incident"),
                "country": N_("Country"), "admin1": N_("Province or region"), "city": N_("City"),
                "perpetrator": N_("Perpetrator group"), "killed": N_("Killed"), "wounded": N_("Wounded"),
                "attack_types": N_("Attack types"), "target_types": N_("Target types"),
                "weapon_types": N_("Weapon types"), "url": N_("Link to a source (optional)")}
_SINGLE = ("title", "text", "published", "language", "occurred", "country", "city", "admin1", "perpetrator",
           "killed", "wounded", "tlp", "url")
_MULTI = ("attack_types", "target_types", "weapon_types", "release_to")


def form_data(form) -> dict[str, Any]:
    """The submission as :func:`marsad.monitor.submissions.validate_submission` takes it: only filled fields."""
    data: dict[str, Any] = {}
    for name in _SINGLE:
        value = form.get(name)
        if isinstance(value, str) and value.strip():
            data[name] = value.strip() if name != "text" else value
    for name in _MULTI:
        values = [v for v in form.getlist(name) if isinstance(v, str) and v.strip()]
        if values:
            data[name] = values
    return data


def share_choices(app: FastAPI, viewer: Viewer, lang: str) -> tuple[list, list]:
    """Recipients a release list may name: member states (code, name in ``lang``) and registered organisations
    (identity id, name, country) — also offered when an incident's originator shares it more widely."""
    settings = getattr(app.state, "settings", None)
    membership = load_membership(getattr(settings, "membership_file", None))
    states = sorted(((m.code, m.names.get(lang) or m.names.get("en") or m.code) for m in membership.members),
                    key=lambda pair: pair[1])
    orgs = sorted(((o.identity_id, o.name, o.country) for o in list_organisations(app.state.engine)
                   if o.identity_id in viewer.member_identities), key=lambda t: t[1].lower())
    return states, orgs


def _choices(app: FastAPI, viewer: Viewer, lang: str) -> dict[str, Any]:
    states, orgs = share_choices(app, viewer, lang)
    vocab = {key: [(t.name, t.label(lang)) for t in terms]
             for key, terms in (("attack_types", ATTACK_TYPES), ("target_types", TARGET_TYPES),
                                ("weapon_types", WEAPON_TYPES))}
    every_country = sorted(((c.code, country_name(c.code, lang)) for c in countries()), key=lambda p: p[1])
    return {"states": states, "orgs": orgs, "vocab": vocab, "countries": every_country, "tlps": TLP_CHOICES}


def register(app: FastAPI) -> None:
    router = page_router()
    add_nav(app, "/reports/new", N_("Submit a report"), roles=SUBMITTER_ROLES, order=50)

    def _page(request: Request, viewer: Viewer, *, status: int = 200, values: dict | None = None,
              error: SubmissionError | None = None, sent: str | None = None):
        lang = request_language(request, viewer.language)
        values = values or {}
        message = error.message if error else None
        if error is not None and error.field in FIELD_LABELS:  # "text is required" → "Report text is required"
            label = translations(lang).gettext(FIELD_LABELS[error.field])
            message = message.replace(error.field, f"«{label}»" if lang == "ar" else f"“{label}”", 1)
        return render(request, "report_new.html", status_code=status, values=values,
                      chosen_tlp=values.get("tlp", DEFAULT_TLP), error=error, error_message=message,
                      error_field=error.field if error else None, sent=sent, **_choices(app, viewer, lang))

    @router.get("/reports/new")
    def new_report(request: Request, sent: str | None = None):
        viewer = page_viewer(request)
        viewer.require_role(*SUBMITTER_ROLES, to="submit reports")
        return _page(request, viewer, sent=sent)

    @router.post("/reports/new", dependencies=[Depends(form_post)])
    async def send_report(request: Request):
        viewer = page_viewer(request)
        viewer.require_role(*SUBMITTER_ROLES, to="submit reports")
        data = form_data(await request.form())
        as_page = dataclasses.replace(viewer, language=request_language(request, viewer.language))
        try:
            receipt = await run_in_threadpool(submit_report, app.state.engine, as_page, data,
                                              remote_addr=client_address(request))
        except SubmissionError as exc:
            return _page(request, viewer, status=400, values=data, error=exc)
        return RedirectResponse(f"/reports/new?sent={receipt['key'].split(':', 1)[-1][:8]}", status_code=303)

    app.include_router(router)
