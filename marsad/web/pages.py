"""Conventions and helpers shared by every HTML page of Marsad (read this before adding a page).

Why one module: pages are written by several people; they must sign in, escape, translate, check CSRF and
apply the sharing policy the same way. Everything below is plain FastAPI + Jinja2.

**Add a page** — a module ``marsad/web/routes_pages_<concern>.py`` with ``register(app)``, appended to
``ROUTE_MODULES`` in ``app.py``::

    from fastapi import Depends, Request
    from marsad.web.pages import add_nav, page_router, page_viewer, form_post
    from marsad.web.rendering import render
    from marsad.web.i18n import N_

    def register(app):
        router = page_router()                        # HTML errors, sign-in redirect, not in the OpenAPI schema
        add_nav(app, "/sources", N_("Sources"), roles=("admin", "analyst"), order=40)

        @router.get("/sources")
        def sources(request: Request):
            viewer = page_viewer(request)             # signed in or → 303 /sign-in?next=/sources
            viewer.require_role("admin", "analyst", to="see sources")   # AccessDenied → 403 page
            return render(request, "sources.html", items=...)

        @router.post("/sources", dependencies=[Depends(form_post)])   # CSRF checked (403 otherwise)
        async def add_source(request: Request): form = await request.form(); ...
        app.include_router(router)

**Viewer**: :func:`page_viewer` (required) or :func:`marsad.web.web_auth.optional_viewer` (None when signed out).
JSON routes use ``Depends(current_viewer)`` from :mod:`marsad.web.web_auth` (session cookie OR Authorization).
Every read passes ``where=visible_clause(viewer)`` (or goes through an access/analysis function that does):
counts, markers, facets and autocomplete included. Errors must not reveal hidden objects: answer NotFound for
"exists but hidden" exactly as for "does not exist".

**Templates** (``marsad/web/templates``) extend ``base.html`` and fill ``{% block title %}`` and
``{% block content %}`` (``{% block scripts %}`` for page JS). Context always has ``viewer``, ``lang``, ``dir``,
``nav``, ``lang_links``, ``csrf_token()``, ``path``; ``map_tile_url``, ``static(path)`` are globals.
Include ``{% include "tlp_banner.html" %}`` with ``tlp`` (clear/green/amber/amber+strict/red) in the context
(or ``{% with tlp=... %}``). Forms: ``<form method="post">{% include "csrf.html" %}…``; ``fetch`` POSTs send
header ``X-CSRF-Token`` with the value of ``<meta name="csrf-token">`` (in base.html).

**No inline JS or style attributes** (CSP: ``script-src 'self'; style-src 'self'``): JS goes in
``marsad/web/static/js/*.js`` loaded with ``<script src="{{ static('js/x.js') }}" defer>``; data for JS goes in
``data-*`` attributes or ``<script type="application/json" id="…">{{ data|tojson }}</script>`` (JSON, not
executed). SVG: use presentation attributes (``fill="…"``) or CSS classes, not ``style=""``. CSS uses logical
properties only (``margin-inline-start``, ``padding-inline-end``, ``inset-inline-start``, ``text-align: start``)
so Arabic (rtl) and English/French (ltr) flip cleanly; directional icons must flip with ``[dir=rtl]``.

**Translate**: templates ``{{ _("Search") }}`` or ``{% trans n=count %}…{{ n }}…{% endtrans %}``; Python:
mark with ``N_("…")`` and translate at render time via ``{{ _(label) }}``, or
``translations(lang).gettext("…")``. Then ``python -m marsad.web.catalogues update`` (adds new msgids to
``marsad/locale/{ar,en,fr}/LC_MESSAGES/marsad.po``; English msgstr = msgid), fill the Arabic and French msgstr,
``python -m marsad.web.catalogues compile`` (writes the .mo files, which are committed).
``tests/web/test_i18n.py`` fails on any untranslated/stale entry. To avoid two people editing one .po at once,
``update --domain pages2`` writes new strings to ``pages2.po`` instead (every .po in the folder is loaded).

**Format**: filters ``|date``, ``|datetime`` (Gregorian + Hijri in Arabic, Arabic-Indic digits), ``|number``,
``|country`` (ISO code → name), ``|vocab("attack_types")``; in Python :mod:`marsad.web.formatting`.

**Browser tests** (``tests/web/browser/``): fixtures in ``tests/web/browser/conftest.py`` — ``live_hub`` (a
seeded database served by uvicorn on 127.0.0.1, ``.url``, users/passwords in ``.users``), ``browser``
(Playwright chromium at /usr/bin/chromium, headless; the module skips if absent), ``page_as(user, lang)``
(a signed-in page), ``screenshot(page, name)`` (to ``$MARSAD_SCREENSHOTS`` or /tmp/marsad-screens).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from marsad.access.context import Viewer
from marsad.errors import AuthenticationError
from marsad.web.rendering import render
from marsad.web.web_auth import check_csrf, current_viewer

__all__ = ["NavItem", "add_nav", "page_router", "page_viewer", "form_post", "mark_page", "html_error",
           "safe_next"]


@dataclass(frozen=True)
class NavItem:
    """An entry of the header navigation: shown to signed-in users holding one of ``roles`` (None: everyone)."""

    path: str
    label: str  # an English msgid, translated at render time
    roles: tuple[str, ...] | None = None
    order: int = 100

    def visible_to(self, viewer: Viewer | None) -> bool:
        return viewer is not None and (self.roles is None or viewer.has_role(*self.roles))


def add_nav(app: FastAPI, path: str, label: str, *, roles: Sequence[str] | None = None, order: int = 100) -> None:
    """Add a navigation entry (``label`` marked with ``N_``)."""
    if not hasattr(app.state, "nav"):
        app.state.nav = []
    app.state.nav.append(NavItem(path, label, tuple(roles) if roles else None, order))


def mark_page(request: Request) -> None:
    """Dependency of page routers: errors on this request answer as HTML pages (see :func:`html_error`)."""
    request.scope["marsad_page"] = True


def page_router() -> APIRouter:
    """A router for HTML pages: marked as pages, left out of the OpenAPI schema."""
    return APIRouter(dependencies=[Depends(mark_page)], include_in_schema=False)


def page_viewer(request: Request) -> Viewer:
    """The signed-in viewer of a page; when signed out, the page redirects to sign-in (and back afterwards)."""
    return current_viewer(request)


async def form_post(request: Request) -> None:
    """Dependency of every page POST: the CSRF token must be right (else 403)."""
    await check_csrf(request)


def safe_next(target: str | None) -> str:
    """A local path to go to after sign-in (anything else, e.g. ``//evil.example``, becomes ``/``)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def html_error(request: Request, status: int, message: str, exc: Exception | None = None) -> Response:
    """The HTML answer to an error on a page: sign-in redirect for 401, else the error page in the language."""
    from_page = request.scope.get("marsad_page")
    if isinstance(exc, AuthenticationError) and from_page and request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/sign-in?next={quote(target, safe='')}", status_code=303)
    return render(request, "error.html", status_code=status, status=status, message=message)
