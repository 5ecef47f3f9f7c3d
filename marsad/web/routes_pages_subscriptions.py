"""The subscriptions page: the signed-in user's own alert subscriptions — list, add, remove.

Why a page over :mod:`marsad.monitor.subscriptions`: the filters, channels and their checks (no private webhook
addresses, valid e-mail, known vocabularies and countries) and the audit entries live there, shared with the
JSON API. A user only ever sees and deletes their own subscriptions (another user's id answers 404), and an
alert is only sent for an incident its subscriber may see, whatever the filters say. A webhook's signing
secret is shown once, right after it was created.
"""

from __future__ import annotations

import re

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from marsad.errors import MarsadError
from marsad.model.countries import countries, country_name
from marsad.model.vocab import ATTACK_TYPES, THEMES
from marsad.monitor.subscriptions import create_subscription, delete_subscription, list_subscriptions
from marsad.web.i18n import LANGUAGES, N_, request_language
from marsad.web.pages import add_nav, form_post, page_router, page_viewer
from marsad.web.rendering import render
from marsad.web.web_auth import client_address

__all__ = ["register", "subscription_request"]

_SPLIT = re.compile(r"[,،\n;]+")


def _list(text: str | None) -> list[str]:
    return [part.strip() for part in _SPLIT.split(text or "") if part.strip()]


def _whole(text: str | None) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    return int(text) if text.isdigit() else -1  # negative: refused with the filter's own message


def subscription_request(form) -> tuple[dict, dict]:
    """(filters, channel options) from the submitted form, as :func:`create_subscription` takes them."""
    filters = {"countries": form.getlist("countries"), "attack_types": form.getlist("attack_types"),
               "themes": form.getlist("themes"), "groups": _list(form.get("groups")),
               "keywords": _list(form.get("keywords"))}
    for key in ("min_killed", "min_casualties"):
        value = _whole(form.get(key))
        if value is not None:
            filters[key] = value
    options = {"inapp": form.get("inapp") == "true", "email": (form.get("email") or "").strip() or None,
               "webhook_url": (form.get("webhook_url") or "").strip() or None,
               "language": form.get("language") if form.get("language") in LANGUAGES else None}
    return {k: v for k, v in filters.items() if v not in ([], None)}, options


def register(app: FastAPI) -> None:
    router = page_router()
    add_nav(app, "/subscriptions", N_("Subscriptions"), order=70)
    engine = app.state.engine

    def _page(request: Request, viewer, *, status: int = 200, error: str | None = None, created=None,
              values=None, done: str | None = None):
        lang = request_language(request, viewer.language)
        mine = list_subscriptions(engine, viewer.username)
        every = sorted(((c.code, country_name(c.code, lang)) for c in countries()), key=lambda p: p[1])
        return render(request, "subscriptions.html", status_code=status, subscriptions=mine, error=error,
                      created=created, values=values, done=done, countries=every,
                      attack_types=[(t.name, t.label(lang)) for t in ATTACK_TYPES],
                      themes=[(t.name, t.label(lang)) for t in THEMES])

    @router.get("/subscriptions")
    def subscriptions_page(request: Request, done: str | None = None):
        viewer = page_viewer(request)
        return _page(request, viewer, done=done if done in ("removed",) else None)

    @router.post("/subscriptions", dependencies=[Depends(form_post)])
    async def add(request: Request):
        viewer = page_viewer(request)
        form = await request.form()
        filters, options = subscription_request(form)
        name = str(form.get("name") or "")
        try:
            made = await run_in_threadpool(
                lambda: create_subscription(engine, viewer.username, name, filters,
                                            language=options["language"] or viewer.language, inapp=options["inapp"],
                                            webhook_url=options["webhook_url"], email=options["email"],
                                            allow_private=bool(getattr(app.state, "allow_private_webhooks", False)),
                                            remote_addr=client_address(request)))
        except MarsadError as exc:
            refused = exc  # the lambda runs in a thread: it must not close over the handler's own name
            return await run_in_threadpool(lambda: _page(request, viewer, status=refused.status, error=refused.message,
                                                         values={"name": name, **filters, **options}))
        return await run_in_threadpool(lambda: _page(request, viewer, status=201, created=made))

    @router.post("/subscriptions/{subscription_id}/delete", dependencies=[Depends(form_post)])
    def remove(request: Request, subscription_id: int):
        viewer = page_viewer(request)
        delete_subscription(engine, viewer.username, subscription_id, remote_addr=client_address(request))
        return RedirectResponse("/subscriptions?done=removed", status_code=303)

    app.include_router(router)
