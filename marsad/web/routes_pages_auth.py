"""Sign-in and sign-out pages: a password form that sets the session cookie, throttled and audited.

Why a page of its own: it is the one form reachable without a session, so it carries a pre-session CSRF token
(see ``web_auth``), answers every failure with the same message (no telling unknown users from wrong
passwords), counts failures per username and per client address (429 past the limit), and records
sign-ins, refusals and sign-outs in the audit trail. ``next`` brings the user back to the page that sent them
here, and only to a local path.
"""

from __future__ import annotations

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from marsad.access.audit import record, record_denial, record_login
from marsad.access.auth import authenticate_basic
from marsad.access.sessions import issue_session
from marsad.errors import AuthenticationError, MarsadError
from marsad.web.i18n import N_, request_language, translations
from marsad.web.pages import form_post, page_router, safe_next
from marsad.web.rendering import render
from marsad.web.web_auth import (
    SignInThrottle,
    clear_session_cookie,
    client_address,
    optional_viewer,
    secret_key_of,
    set_session_cookie,
)

__all__ = ["register"]


def _failed(request: Request, username: str, next_path: str, status: int, message: str):
    lang = request_language(request)
    return render(request, "sign_in.html", status_code=status, lang=lang, next=next_path, username=username,
                  error=translations(lang).gettext(message))


def register(app: FastAPI) -> None:
    app.state.sign_in_throttle = SignInThrottle(app.state.engine)
    router = page_router()

    @router.get("/sign-in")
    def sign_in_form(request: Request, next: str = "/"):
        if optional_viewer(request) is not None:
            return RedirectResponse(safe_next(next), status_code=303)
        return render(request, "sign_in.html", next=safe_next(next))

    @router.post("/sign-in", dependencies=[Depends(form_post)])
    async def sign_in(request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("/")):
        throttle: SignInThrottle = app.state.sign_in_throttle
        address, target = client_address(request), safe_next(next)
        try:
            throttle.check(username, address)
        except MarsadError:
            return _failed(request, username, target, 429, N_("Too many failed sign-ins: wait a few minutes and try again."))
        engine = app.state.engine
        try:
            viewer = await run_in_threadpool(authenticate_basic, engine, username, password)
        except AuthenticationError:
            throttle.failed(username, address)
            await run_in_threadpool(record_denial, engine, (username or "?")[:100], "login",
                                    reason="wrong username or password", remote_addr=address)
            return _failed(request, username, target, 401, N_("Wrong username or password."))
        throttle.succeeded(username)
        token = await run_in_threadpool(issue_session, engine, secret_key_of(app), viewer.username)
        await run_in_threadpool(record_login, engine, viewer, method="password", remote_addr=address)
        response = RedirectResponse(target, status_code=303)
        set_session_cookie(request, response, token)
        return response

    @router.post("/sign-out", dependencies=[Depends(form_post)])
    def sign_out(request: Request):
        viewer = optional_viewer(request)
        if viewer is not None:
            record(app.state.engine, viewer, "logout", remote_addr=client_address(request))
        response = RedirectResponse("/sign-in", status_code=303)
        clear_session_cookie(request, response)
        return response

    app.include_router(router)
