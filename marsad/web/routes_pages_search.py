"""The search page: full text in Arabic, English and French with facets (type, TLP, country, group, attack
type), and the user's saved searches.

Why this shape: the hits and the facet counts come from :func:`marsad.web.search_data.run_search` (only what the
viewer may see); a saved search is the query string alone (:mod:`marsad.store.saved_searches`), re-run with the
user's rights of the day. Saving and deleting are form POSTs with the CSRF token.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from marsad.access.audit import record_read
from marsad.store.saved_searches import delete_search, list_searches, save_search
from marsad.web.i18n import N_
from marsad.web.pages import add_nav, form_post, page_router, page_viewer
from marsad.web.rendering import render
from marsad.web.search_data import FACETS, MAX_HITS, SearchQuery, run_search
from marsad.web.web_auth import client_address

__all__ = ["register", "FACET_TITLES"]

FACET_TITLES = {"type": N_("Type"), "tlp": N_("TLP"), "country": N_("Country"), "group": N_("Group"),
                "attack_type": N_("Attack type")}
_TYPE_NAMES = {"incident": N_("Incident"), "report": N_("Report"), "threat-actor": N_("Threat actor"),
               "intrusion-set": N_("Intrusion set"), "identity": N_("Identity"), "indicator": N_("Indicator"),
               "location": N_("Location")}


def register(app: FastAPI) -> None:
    router = page_router()
    engine = app.state.engine
    add_nav(app, "/search", N_("Search"), order=20)

    @router.get("/search")
    async def search(request: Request, saved: str | None = None):
        viewer = await run_in_threadpool(page_viewer, request)
        query = SearchQuery.from_params(request.query_params)

        def read():
            result = run_search(engine, viewer, query)
            if result.hits:
                record_read(engine, viewer, [h.id for h in result.hits], via="search",
                            remote_addr=client_address(request))
            with engine.connect() as conn:
                return result, list_searches(conn, viewer.username)

        result, searches = await run_in_threadpool(read)
        return render(request, "search.html", query=query, result=result, searches=searches, facets=FACETS,
                      facet_titles=FACET_TITLES, type_names=_TYPE_NAMES, max_hits=MAX_HITS, saved=saved,
                      query_string=urlencode({"q": query.text, **query.facets()}))

    @router.post("/search/saved", dependencies=[Depends(form_post)])
    async def save(request: Request, name: str = Form(""), query: str = Form("")):
        viewer = await run_in_threadpool(page_viewer, request)

        def write():
            with engine.begin() as conn:
                save_search(conn, viewer.username, name, query)

        await run_in_threadpool(write)
        return RedirectResponse(f"/search?{query}&saved=1" if query else "/search?saved=1", status_code=303)

    @router.post("/search/saved/{search_id}/delete", dependencies=[Depends(form_post)])
    async def remove(request: Request, search_id: int):
        viewer = await run_in_threadpool(page_viewer, request)

        def write():
            with engine.begin() as conn:
                delete_search(conn, viewer.username, search_id)

        await run_in_threadpool(write)
        return RedirectResponse("/search", status_code=303)

    app.include_router(router)
