"""``GET /web/suggest?q=…&kind=group|place|search``: autocomplete for the search box (and any other input).

Why a JSON endpoint and a small script (``static/js/suggest.js``) rather than a datalist written into the page:
suggestions depend on what is typed, and the CSP allows no inline script. Sign-in like the pages (session
cookie, or an ``Authorization`` header for scripts); the answer is per viewer and never cached. What may be
suggested and why nothing hidden is: :mod:`marsad.web.suggestions`.
"""

from __future__ import annotations

import json

from fastapi import Depends, FastAPI, Query, Request, Response

from marsad.access.context import Viewer
from marsad.web.i18n import request_language
from marsad.web.suggestions import MAX_QUERY, MAX_SUGGESTIONS, suggest
from marsad.web.web_auth import current_viewer

__all__ = ["register"]


def register(app: FastAPI) -> None:
    @app.get("/web/suggest", tags=["web"], include_in_schema=False)
    def suggestions(request: Request, viewer: Viewer = Depends(current_viewer),
                    q: str = Query("", max_length=MAX_QUERY), kind: str = Query("search", max_length=10),
                    limit: int = Query(10, ge=1, le=MAX_SUGGESTIONS)) -> Response:
        """``{"q", "kind", "suggestions": [{"text", "kind", "count"}]}`` in the viewer's language."""
        lang = request_language(request, viewer.language)
        with app.state.engine.connect() as conn:
            found = suggest(conn, viewer, q, kind, lang, limit)
        body = {"q": q, "kind": kind, "suggestions": [s._asdict() for s in found]}
        return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")), media_type="application/json",
                        headers={"Cache-Control": "no-store"})
