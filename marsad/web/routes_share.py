"""``POST /incidents/{id}/share``: the originating organisation shares its incident more widely.

Why its own route module: the rules (who, what counts as wider, the new version and its audit entry) live in
:mod:`marsad.monitor.sharing`; this module turns the form into a call and the answer into a page. The form is
CSRF-protected like every page form. A hidden or unknown incident answers 404, a visible one the viewer may not
share 403 (both audited by the sharing module); a narrowing is refused on the incident page itself (409) with
the reason in the page's language — shared data cannot be recalled.
"""

from __future__ import annotations

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from marsad.errors import InputError
from marsad.monitor.sharing import ShareRefused, share_incident
from marsad.web.i18n import N_, request_language, translations
from marsad.web.pages import form_post, page_router, page_viewer
from marsad.web.routes_pages_incident import incident_response
from marsad.web.web_auth import client_address

__all__ = ["register", "REFUSALS"]

#: ShareRefused.code → the reason shown (msgids)
REFUSALS = {
    "unchanged": N_("Nothing changed: choose a wider TLP or add recipients."),
    "stricter_tlp": N_("A stricter TLP cannot be set: what was already shared cannot be recalled."),
    "removed_recipient": N_("Recipients cannot be removed: what was already shared cannot be recalled."),
    "list_on_community": N_("A release list would restrict this incident to the listed recipients, but it is "
                            "already shared with the whole community: choose a wider TLP instead."),
    "community_from_list": N_("This TLP ignores the release list: listed recipients outside the collection would "
                              "lose the incident. Add recipients instead."),
}


def register(app: FastAPI) -> None:
    router = page_router()

    @router.post("/incidents/{incident_id}/share", dependencies=[Depends(form_post)])
    async def share(request: Request, incident_id: str):
        viewer = await run_in_threadpool(page_viewer, request)
        form = await request.form()
        tlp = str(form.get("tlp") or "").strip() or None
        recipients = [str(v) for v in form.getlist("release_to") if str(v).strip()]
        try:
            await run_in_threadpool(lambda: share_incident(app.state.engine, viewer, incident_id, tlp=tlp,
                                                           add_release_to=recipients,
                                                           remote_addr=client_address(request)))
        except ShareRefused as exc:
            lang = request_language(request, viewer.language)
            reason = translations(lang).gettext(REFUSALS.get(exc.code, exc.message))
            return await incident_response(request, incident_id, status_code=409, share_error=reason)
        except InputError as exc:  # a TLP or recipient that is not one
            return await incident_response(request, incident_id, status_code=400, share_error=exc.message)
        return RedirectResponse(f"/incidents/{incident_id}?saved=shared", status_code=303)

    app.include_router(router)
