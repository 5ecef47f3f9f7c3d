"""Administration pages: organisations, users and API keys (administrators only).

Why pages over :mod:`marsad.access.accounts`: the same functions serve ``marsad org|user|key`` on the command
line, with their checks (ISO state codes, usernames, roles, languages, unique names) and their audit entries,
here made with the administrator as actor. A new API key is shown once, on the page that created it, and
never again (only its prefix is kept); deactivating a user ends their sign-ins and API use without deleting
what they did (the audit trail keeps their name).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from marsad.access.accounts import (
    create_api_key,
    create_organisation,
    create_user,
    list_api_keys,
    list_organisations,
    list_users,
    revoke_api_key,
    set_active,
)
from marsad.errors import MarsadError
from marsad.model.countries import countries, country_name
from marsad.store.accounts import ROLES
from marsad.web.i18n import LANGUAGES, N_, request_language
from marsad.web.pages import add_nav, form_post, page_router, page_viewer
from marsad.web.rendering import render

__all__ = ["register", "ADMINS", "ROLE_LABELS"]

ADMINS = ("admin",)
#: role → its name on the page (msgids)
ROLE_LABELS = {"analyst": N_("Analyst"), "liaison": N_("Liaison officer"), "admin": N_("Administrator"),
               "auditor": N_("Auditor")}
_DONE = {"org": N_("The organisation was registered."), "user": N_("The user was created."),
         "active": N_("The user's access was changed."), "revoked": N_("The key was revoked.")}


def register(app: FastAPI) -> None:
    router = page_router()
    add_nav(app, "/admin", N_("Administration"), roles=ADMINS, order=90)
    engine = app.state.engine

    def _admin(request: Request):
        viewer = page_viewer(request)
        viewer.require_role(*ADMINS, to="administer organisations, users and keys")
        return viewer

    def _page(request: Request, viewer, *, status: int = 200, error: str | None = None, new_key=None,
              done: str | None = None, values: dict | None = None):
        lang = request_language(request, viewer.language)
        every = sorted(((c.code, country_name(c.code, lang)) for c in countries()), key=lambda p: p[1])
        return render(request, "admin.html", status_code=status, error=error, new_key=new_key,
                      done=_DONE.get(done or ""), organisations=list_organisations(engine), users=list_users(engine),
                      keys=list_api_keys(engine), roles=ROLES, role_labels=ROLE_LABELS, countries=every,
                      languages=LANGUAGES, values=values or {}, quote=lambda s: quote(s, safe=""))

    def _attempt(request: Request, viewer, action, done: str, values: dict):
        try:
            action()
        except MarsadError as exc:
            return _page(request, viewer, status=exc.status, error=exc.message, values=values)
        return RedirectResponse(f"/admin?done={done}", status_code=303)

    @router.get("/admin")
    def admin_page(request: Request, done: str | None = None):
        return _page(request, _admin(request), done=done)

    @router.post("/admin/organisations", dependencies=[Depends(form_post)])
    def add_org(request: Request, name: str = Form(""), country: str = Form(""), secretariat: bool = Form(False)):
        viewer = _admin(request)
        return _attempt(request, viewer, lambda: create_organisation(
            engine, name, country, secretariat=secretariat, actor=viewer.username), "org",
            {"org_name": name, "org_country": country})

    @router.post("/admin/users", dependencies=[Depends(form_post)])
    async def add_user(request: Request, username: str = Form(""), org: str = Form(""), role: str = Form("analyst"),
                       language: str = Form("ar"), password: str = Form("")):
        viewer = _admin(request)
        return await run_in_threadpool(lambda: _attempt(request, viewer, lambda: create_user(
            engine, username, org, role, password or None, language=language, actor=viewer.username), "user",
            {"username": username, "org": org, "role": role, "language": language}))

    @router.post("/admin/users/{username}/active", dependencies=[Depends(form_post)])
    def change_active(request: Request, username: str, active: bool = Form(...)):
        viewer = _admin(request)
        return _attempt(request, viewer, lambda: set_active(engine, username, active, actor=viewer.username),
                        "active", {})

    @router.post("/admin/users/{username}/keys", dependencies=[Depends(form_post)])
    def new_key(request: Request, username: str, label: str = Form("")):
        viewer = _admin(request)
        try:
            key, info = create_api_key(engine, username, label=label.strip() or None, actor=viewer.username)
        except MarsadError as exc:
            return _page(request, viewer, status=exc.status, error=exc.message)
        return _page(request, viewer, status=201, new_key=(key, info))

    @router.post("/admin/keys/{prefix}/revoke", dependencies=[Depends(form_post)])
    def revoke(request: Request, prefix: str):
        viewer = _admin(request)
        return _attempt(request, viewer, lambda: revoke_api_key(engine, prefix, actor=viewer.username), "revoked",
                        {})

    app.include_router(router)
