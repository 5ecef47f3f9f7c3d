"""Turn Marsad's exception tree into HTTP answers: a status and a readable reason, never a traceback.

Why a module of its own: every route (TAXII, JSON API, pages) must answer errors the same way, and the
TAXII 2.1 error message shape (``title``, ``description``, ``http_status``) suits the JSON API as well.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from marsad.errors import AuthenticationError, MarsadError

__all__ = ["install_error_handlers", "error_body", "TAXII_MEDIA_TYPE"]

TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"
log = logging.getLogger("marsad.web")


def error_body(status: int, title: str, description: str = "", details: list | None = None) -> dict:
    """The TAXII 2.1 error message object (also used by the JSON API)."""
    body = {"title": title, "http_status": str(status)}
    if description:
        body["description"] = description
    if details:
        body["details"] = {"objects": details}
    return body


def _media_type(request: Request) -> str:
    return TAXII_MEDIA_TYPE if request.url.path.startswith("/taxii2") else "application/json"


def _wants_html(request: Request) -> bool:
    """Pages (marked by ``pages.mark_page``) and browsers asking for HTML outside the APIs get an HTML error."""
    if request.scope.get("marsad_page"):
        return True
    path = request.url.path
    return "text/html" in request.headers.get("accept", "") and not path.startswith(("/api/", "/taxii2"))


def _html(request: Request, status: int, message: str, exc: Exception):
    """The page answer from ``app.state.html_errors`` (installed with the pages), or None for JSON."""
    hook = getattr(request.app.state, "html_errors", None)
    return hook(request, status, message, exc) if hook and _wants_html(request) else None


def install_error_handlers(app: FastAPI) -> None:
    """Register handlers so every error leaves as JSON with a reason and the right status (HTML on pages)."""

    @app.exception_handler(MarsadError)
    async def _marsad(request: Request, exc: MarsadError):
        headers = {"WWW-Authenticate": 'Basic realm="marsad"'} if isinstance(exc, AuthenticationError) else None
        title = type(exc).__name__
        if (page := _html(request, exc.status, exc.message, exc)) is not None:
            return page
        body = error_body(exc.status, title, exc.message, exc.details)
        return JSONResponse(body, status_code=exc.status, media_type=_media_type(request), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        if (page := _html(request, 400, f"invalid {where or 'request'}", exc)) is not None:
            return page
        body = error_body(400, "InputError", f"invalid {where or 'request'}: {first.get('msg', 'bad value')}")
        return JSONResponse(body, status_code=400, media_type=_media_type(request))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if (page := _html(request, exc.status_code, str(exc.detail), exc)) is not None:
            return page
        body = error_body(exc.status_code, "HTTPError", str(exc.detail))
        return JSONResponse(body, status_code=exc.status_code, media_type=_media_type(request),
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):  # pragma: no cover - defensive
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        body = error_body(500, "InternalError", "the server met an unexpected error; it has been logged")
        return JSONResponse(body, status_code=500, media_type=_media_type(request))
