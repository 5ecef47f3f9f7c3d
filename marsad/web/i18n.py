"""The interface language of a request, and its message catalogue.

Why one place: the language decides the catalogue (Babel ``.mo`` files in ``marsad/locale/<lang>/LC_MESSAGES``),
the page direction (``dir="rtl"`` for Arabic), the digits and date words of every number and date, and the
labels of vocabularies and countries. It is chosen once per request, in this order: ``?lang=`` in the address
(also stored in the ``marsad_lang`` cookie so it sticks), the cookie, the signed-in user's language, the
browser's ``Accept-Language``, then the hub's ``default_language`` (Arabic unless configured).

Strings in templates are marked ``{{ _("...") }}`` / ``{% trans %}``; strings in page code are marked with
:func:`N_` (no translation at import, only marking) or translated directly with ``translations(lang).gettext``.
``tests/web/test_i18n.py`` extracts every marked string and fails if one lacks a translation in any language.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations
from starlette.requests import Request

__all__ = ["LANGUAGES", "RTL", "LOCALE_DIR", "DOMAIN", "LANG_COOKIE", "N_", "translations", "negotiate",
           "direction", "request_language"]

LANGUAGES = ("ar", "en", "fr")
RTL = frozenset({"ar"})
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "marsad"
LANG_COOKIE = "marsad_lang"


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now (translate it at render time with ``_``)."""
    return message


@lru_cache(maxsize=None)
def translations(lang: str) -> NullTranslations:
    """The compiled catalogue of ``lang`` (a null catalogue for an unknown language: messages stay English)."""
    if lang not in LANGUAGES:
        return NullTranslations()
    catalogue = Translations.load(str(LOCALE_DIR), [lang], DOMAIN)
    for path in sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.mo")):  # other domains, e.g. pages2
        if path.stem != DOMAIN and isinstance(catalogue, Translations):
            catalogue.merge(Translations.load(str(LOCALE_DIR), [lang], path.stem))
    return catalogue


def direction(lang: str) -> str:
    """``rtl`` or ``ltr``, for ``<html dir>``."""
    return "rtl" if lang in RTL else "ltr"


def _accept_language(header: str | None) -> str | None:
    """The best of our languages in an ``Accept-Language`` header (q-values honoured)."""
    choices = []
    for index, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        code = tag.strip().lower().split("-")[0]
        if code in LANGUAGES and quality > 0:
            choices.append((-quality, index, code))
    return min(choices)[2] if choices else None


def negotiate(query: str | None, cookie: str | None, user_language: str | None, accept: str | None,
              default: str = "ar") -> str:
    """The language by precedence: address, cookie, user's setting, browser, hub default."""
    for candidate in (query, cookie, user_language):
        if candidate in LANGUAGES:
            return candidate
    return _accept_language(accept) or (default if default in LANGUAGES else "ar")


def request_language(request: Request, user_language: str | None = None) -> str:
    """The language of ``request`` (see :func:`negotiate`); the hub default comes from ``app.state.settings``."""
    settings = getattr(request.app.state, "settings", None)
    return negotiate(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE), user_language,
                     request.headers.get("accept-language"), getattr(settings, "default_language", "ar"))
