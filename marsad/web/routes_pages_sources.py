"""The sources page: what the monitor reads (feeds, pages, folders) and how each one is doing.

Why: a source that silently stopped answering is a blind spot. Analysts see every source's health (last
success, last error, failures in a row, items seen, next poll); administrators also add, test (one reading now,
health recorded, nothing queued) and remove sources. Changes go through :mod:`marsad.monitor.sources` (which
checks names, kinds and URLs) and are recorded in the audit trail with the administrator's name.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from marsad.access.audit import record_admin
from marsad.errors import MarsadError
from marsad.monitor.collect import check
from marsad.monitor.sources import DEFAULT_INTERVAL, MIN_INTERVAL, add_source, get_source, list_sources, remove_source
from marsad.store.sources import SOURCE_KINDS
from marsad.web.i18n import N_
from marsad.web.pages import add_nav, form_post, page_router, page_viewer
from marsad.web.rendering import render
from marsad.web.web_auth import client_address

__all__ = ["register", "READERS", "MANAGERS", "source_path"]

#: who may see the sources; who may change them
READERS = ("admin", "analyst")
MANAGERS = ("admin",)
#: notices after a change (msgids)
_DONE = {"added": N_("The source was added; it will be read at once."), "removed": N_("The source was removed.")}


def register(app: FastAPI) -> None:
    router = page_router()
    add_nav(app, "/sources", N_("Sources"), roles=READERS, order=60)
    engine = app.state.engine

    def _page(request: Request, viewer, *, status: int = 200, error: str | None = None, tested=None,
              values: dict | None = None, done: str | None = None):
        with engine.connect() as conn:
            sources = list_sources(conn)
        return render(request, "sources.html", status_code=status, sources=sources, error=error, tested=tested,
                      values=values or {}, kinds=SOURCE_KINDS, can_manage=viewer.has_role(*MANAGERS),
                      done=_DONE.get(done or ""), source_path=source_path, min_interval=MIN_INTERVAL, default_interval=DEFAULT_INTERVAL)

    @router.get("/sources")
    def sources_page(request: Request, done: str | None = None):
        viewer = page_viewer(request)
        viewer.require_role(*READERS, to="see the sources")
        return _page(request, viewer, done=done)

    @router.post("/sources", dependencies=[Depends(form_post)])
    def add(request: Request, name: str = Form(""), kind: str = Form("feed"), location: str = Form(""),
            interval: int = Form(DEFAULT_INTERVAL), allow_private: bool = Form(False)):
        viewer = page_viewer(request)
        viewer.require_role(*MANAGERS, to="add sources")
        try:
            source = add_source(engine, name, kind, location, interval_seconds=interval, allow_private=allow_private)
        except MarsadError as exc:
            values = {"name": name, "kind": kind, "location": location, "interval": interval}
            return _page(request, viewer, status=exc.status, error=exc.message, values=values)
        record_admin(engine, viewer, "source.add", remote_addr=client_address(request), source=source.name,
                     kind=source.kind, location=source.location)
        return RedirectResponse("/sources?done=added", status_code=303)

    @router.post("/sources/{name:path}/remove", dependencies=[Depends(form_post)])
    def remove(request: Request, name: str):
        viewer = page_viewer(request)
        viewer.require_role(*MANAGERS, to="remove sources")
        remove_source(engine, name)
        record_admin(engine, viewer, "source.remove", remote_addr=client_address(request), source=name)
        return RedirectResponse("/sources?done=removed", status_code=303)

    @router.post("/sources/{name:path}/test", dependencies=[Depends(form_post)])
    async def test(request: Request, name: str):
        viewer = page_viewer(request)
        viewer.require_role(*MANAGERS, to="test sources")

        def run():
            with engine.connect() as conn:
                source = get_source(conn, name)
            return check(engine, source)
        result = await run_in_threadpool(run)
        await run_in_threadpool(lambda: record_admin(engine, viewer, "source.test", source=name,
                                                     remote_addr=client_address(request), ok=result.error is None))
        return await run_in_threadpool(lambda: _page(request, viewer, tested=result))

    app.include_router(router)


def source_path(name: str) -> str:
    """The path of a source's actions (names may hold any character)."""
    return "/sources/" + quote(name, safe="")
