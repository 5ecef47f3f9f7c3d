"""JSON endpoints of the dashboard's maps: ``/web/map/shapes.geojson`` and ``/web/map/incidents.geojson``.

Why separate from the pages: the map (``templates/map.html`` + ``static/js/map.js``) fetches these after the
page is drawn and again whenever the view moves. Both need sign-in like the pages (session cookie, or an
``Authorization`` header for scripts). Shapes are the same for everyone and cached by the browser (strong
ETag, ``304`` on ``If-None-Match``); markers depend on who asks and are never cached. What a marker may
carry and why it never shows a hidden incident: :mod:`marsad.web.maps`.
"""

from __future__ import annotations

import functools
import json
from datetime import date

from fastapi import Depends, FastAPI, Query, Request, Response

from marsad.access.context import Viewer
from marsad.model.membership import load_membership
from marsad.web.formatting import localise_marker_places
from marsad.web.i18n import request_language
from marsad.web.maps import DEFAULT_MARKERS, MAX_MARKERS, incident_markers, incident_url, parse_box, shapes_payload
from marsad.web.web_auth import current_viewer

__all__ = ["register", "GEOJSON"]

GEOJSON = "application/geo+json"


@functools.lru_cache(maxsize=4)
def _member_codes(path: str | None) -> frozenset[str]:
    return frozenset(load_membership(path).codes)


def register(app: FastAPI) -> None:
    settings = getattr(app.state, "settings", None)
    membership_file = getattr(settings, "membership_file", None)

    @app.get("/web/map/shapes.geojson", tags=["web"], include_in_schema=False)
    def shapes(request: Request, viewer: Viewer = Depends(current_viewer)) -> Response:
        """Country outlines with names in three languages and a ``member`` flag."""
        body, etag = shapes_payload(_member_codes(str(membership_file) if membership_file else None))
        headers = {"ETag": etag, "Cache-Control": "private, max-age=86400"}
        if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
            return Response(status_code=304, headers=headers)
        return Response(body, media_type=GEOJSON, headers=headers)

    @app.get("/web/map/incidents.geojson", tags=["web"], include_in_schema=False)
    def markers(request: Request, viewer: Viewer = Depends(current_viewer),
                bbox: str | None = Query(None, max_length=200), zoom: int = Query(3, ge=0, le=18),
                since: date | None = None, until: date | None = None,
                country: str | None = Query(None, min_length=2, max_length=2),
                limit: int = Query(DEFAULT_MARKERS, ge=1, le=MAX_MARKERS)) -> Response:
        """The incidents the caller may see in ``bbox`` (west,south,east,north), newest first, or clusters."""
        lang = request_language(request, viewer.language)
        with app.state.engine.connect() as conn:
            found = incident_markers(conn, viewer, box=parse_box(bbox), zoom=zoom, since=since, until=until,
                                     country=country, limit=limit, url_for=incident_url, lang=lang)
        body = json.dumps(localise_marker_places(found, lang), ensure_ascii=False, separators=(",", ":"))
        return Response(body, media_type=GEOJSON, headers={"Cache-Control": "no-store"})
