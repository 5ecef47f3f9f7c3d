"""The audit trail page (auditors only): browse entries with filters, verify the hash chain, export it.

Why a page: an oversight body reads the trail without database access. Entries are listed newest first,
filtered by who, what, when and which object, fifty a page (paged by sequence number, so new entries do not
shift pages). "Verify" re-computes the whole chain (:func:`marsad.access.audit.verify_chain`) and says where it
breaks; the export link streams the same JSON Lines file as ``marsad audit export`` (header with the chain head
and how to verify, then every entry). Entries hold names and object ids, never object content. Looking at the
trail is itself recorded (reads and exports by auditors are accountable too).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import String, cast, select
from starlette.concurrency import run_in_threadpool

from marsad.access.audit import ACTIONS, record, record_admin, verify_chain
from marsad.access.audit_export import export_lines
from marsad.store.audit import audit_log
from marsad.web.i18n import N_
from marsad.web.pages import add_nav, form_post, page_router, page_viewer
from marsad.web.rendering import render
from marsad.web.web_auth import client_address

__all__ = ["register", "AUDITORS", "PAGE_SIZE", "browse_entries"]

AUDITORS = ("auditor",)
PAGE_SIZE = 50


def _day_start(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, timezone.utc) if day else None


def browse_entries(conn, *, actor: str | None = None, action: str | None = None, since: date | None = None,
                   until: date | None = None, object_id: str | None = None, before: int | None = None,
                   limit: int = PAGE_SIZE) -> list:
    """Entries matching the filters, newest first, below sequence number ``before``; ``limit + 1`` are read so
    the caller knows whether there is an older page."""
    stmt = select(audit_log).order_by(audit_log.c.seq.desc()).limit(limit + 1)
    if actor:
        stmt = stmt.where(audit_log.c.actor == actor.strip().lower())
    if action:
        stmt = stmt.where(audit_log.c.action == action)
    if since:
        stmt = stmt.where(audit_log.c.at >= _day_start(since))
    if until:
        stmt = stmt.where(audit_log.c.at < _day_start(until + timedelta(days=1)))
    if object_id:
        escaped = object_id.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(cast(audit_log.c.object_ids, String).like(f"%{escaped}%", escape="\\"))
    if before is not None:
        stmt = stmt.where(audit_log.c.seq < before)
    return conn.execute(stmt).all()


def _as_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def register(app: FastAPI) -> None:
    router = page_router()
    add_nav(app, "/audit", N_("Audit trail"), roles=AUDITORS, order=80)
    engine = app.state.engine

    def _auditor(request: Request):
        viewer = page_viewer(request)
        viewer.require_role(*AUDITORS, to="read the audit trail")
        return viewer

    @router.get("/audit")
    def audit_page(request: Request, actor: str | None = Query(None, max_length=64),
                   action: str | None = Query(None, max_length=16), since: date | None = None,
                   until: date | None = None, object: str | None = Query(None, max_length=300),
                   before: int | None = None):
        viewer = _auditor(request)
        action = action if action in ACTIONS else None
        with engine.connect() as conn:
            rows = browse_entries(conn, actor=actor, action=action, since=since, until=until, object_id=object,
                                  before=before)
        more = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        record(engine, viewer, "read", detail={"what": "audit", "entries": len(rows)},
               remote_addr=client_address(request))
        filters = {"actor": actor or "", "action": action or "", "since": since.isoformat() if since else "",
                   "until": until.isoformat() if until else "", "object": object or ""}
        older = None
        if more and rows:
            older = "/audit?" + urlencode({**{k: v for k, v in filters.items() if v}, "before": rows[-1].seq})
        return render(request, "audit.html", entries=rows, filters=filters, actions=ACTIONS, older=older,
                      verified=None, as_json=_as_json)

    @router.post("/audit/verify", dependencies=[Depends(form_post)])
    async def verify(request: Request):
        viewer = _auditor(request)
        result = await run_in_threadpool(verify_chain, engine)
        await run_in_threadpool(lambda: record_admin(engine, viewer, "audit.verify", ok=result.ok,
                                                     entries=result.entries, remote_addr=client_address(request)))
        return render(request, "audit.html", entries=[], filters={}, actions=ACTIONS, older=None, verified=result)

    @router.get("/audit/export.jsonl")
    def export(request: Request, since: date | None = None):
        viewer = _auditor(request)
        record_admin(engine, viewer, "audit.export", since=since.isoformat() if since else None,
                     remote_addr=client_address(request))
        lines = (line + "\n" for line in export_lines(engine, since=_day_start(since)))
        name = f"marsad-audit-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}.jsonl"
        return StreamingResponse(lines, media_type="application/x-ndjson",
                                 headers={"Content-Disposition": f'attachment; filename="{name}"',
                                          "Cache-Control": "no-store"})

    app.include_router(router)
