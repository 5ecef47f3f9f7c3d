"""Server-rendered HTML: one Jinja2 environment per app, the common page context, static and vendor files.

Why per app: the environment holds the hub's settings (tile server, default language) and apps must not share
state (see ``app.py``). Autoescaping is on for every template, so text from stories, submissions and peers is
always escaped; ``|safe`` is for markup made by our own code only (e.g. ``charts.py`` SVG built with escaping).
Translations are per render, not per environment: the gettext callables read ``lang`` from the template
context, so concurrent requests in different languages never mix.

Static files: ``marsad/web/static`` at ``/static/``, Leaflet from the XStatic-Leaflet package at
``/static/vendor/leaflet/`` — nothing from a CDN.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import xstatic.pkg.leaflet as xstatic_leaflet
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from markupsafe import Markup

from marsad import __version__
from marsad.web import formatting
from marsad.web.error_messages import localise_error
from marsad.web.i18n import LANG_COOKIE, LANGUAGES, direction, request_language, translations
from marsad.web.web_auth import PRESESSION_COOKIE, cookie_secure, csrf_token, optional_viewer

__all__ = ["TEMPLATES_DIR", "STATIC_DIR", "LEAFLET_DIR", "make_environment", "install_rendering", "render",
           "page_context", "LANGUAGE_NAMES", "without_bidi_controls"]

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"
LEAFLET_DIR = Path(xstatic_leaflet.BASE_DIR)
#: each language's own name, for the language switch (not translated on purpose)
LANGUAGE_NAMES = {"ar": "العربية", "en": "English", "fr": "Français"}


@pass_context
def _gettext(context, message: str) -> str:
    return translations(context.get("lang", "ar")).gettext(message)


@pass_context
def _ngettext(context, singular: str, plural: str, n: int) -> str:
    return translations(context.get("lang", "ar")).ngettext(singular, plural, n)


def _lang_filter(function):
    @pass_context
    def apply(context, value, *args):
        return function(value, *args, lang=context.get("lang", "ar")) if args else function(value, context.get("lang", "ar"))
    return apply


def _vocab_filter():
    @pass_context
    def apply(context, value, vocabulary):
        return formatting.format_vocab(value, vocabulary, context.get("lang", "ar"))
    return apply


#: bidirectional embedding/override/isolate controls: in text from strangers they can make "evil" read "live"
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def without_bidi_controls(value: Any) -> Any:
    """Every ``{{ value }}`` goes through here: bidi control characters are dropped from plain strings (our own
    ``Markup`` is left as it is). Each value is then shown in its own element with ``dir="auto"``/``<bdi>``."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return value.translate(_BIDI_CONTROLS)
    return value


def make_environment(settings=None) -> Environment:
    """The Jinja2 environment of one app: autoescape, i18n (newstyle gettext), formatting filters."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(default=True),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True,
                      finalize=without_bidi_controls)
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)
    env.filters.update({
        "date": _lang_filter(formatting.format_date), "datetime": _lang_filter(formatting.format_datetime),
        "number": _lang_filter(formatting.format_number), "country": _lang_filter(formatting.format_country),
        "month": _lang_filter(formatting.format_month), "group": _lang_filter(formatting.format_group),
        "place": _lang_filter(formatting.format_place), "error_text": _lang_filter(localise_error),
        "vocab": _vocab_filter(),
    })
    env.globals.update(static=lambda path: f"/static/{path}?v={__version__}", LANGUAGES=LANGUAGES,
                       LANGUAGE_NAMES=LANGUAGE_NAMES,
                       map_tile_url=getattr(settings, "map_tile_url", None) if settings else None)
    return env


def install_rendering(app: FastAPI) -> None:
    """Create ``app.state.templates`` and serve ``/static`` (own files) and ``/static/vendor/leaflet``."""
    app.state.templates = make_environment(getattr(app.state, "settings", None))
    if not hasattr(app.state, "nav"):
        app.state.nav = []
    app.mount("/static/vendor/leaflet", StaticFiles(directory=str(LEAFLET_DIR)), name="vendor-leaflet")
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")


def _lang_links(request: Request) -> dict[str, str]:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return {code: f"{request.url.path}?{urlencode([*params, ('lang', code)])}" for code in LANGUAGES}


def page_context(request: Request, lang: str | None = None) -> dict[str, Any]:
    """What every template may use: request, viewer, lang/dir, nav, language links, csrf_token()."""
    viewer = optional_viewer(request)
    lang = lang or request_language(request, viewer.language if viewer else None)
    nav = [item for item in getattr(request.app.state, "nav", []) if item.visible_to(viewer)]
    return {"request": request, "viewer": viewer, "lang": lang, "dir": direction(lang),
            "nav": sorted(nav, key=lambda item: item.order), "lang_links": _lang_links(request),
            "csrf_token": lambda: csrf_token(request), "path": request.url.path}


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` with the common context plus ``context``; sets the language and pre-session cookies."""
    full = page_context(request, context.pop("lang", None))
    full.update(context)
    html = request.app.state.templates.get_template(template).render(full)
    response = HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})
    secure = cookie_secure(request)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, request.query_params["lang"], max_age=365 * 86400, samesite="lax",
                            secure=secure, path="/")
    presession = getattr(request.state, "new_presession", None)
    if presession:
        response.set_cookie(PRESESSION_COOKIE, presession, httponly=True, samesite="lax", secure=secure, path="/")
    return response
