"""JSON API of alerts: a user's subscriptions, their recent in-app alerts, and a live stream of new ones.

Why its own routes: subscribers manage their own subscriptions (``POST/GET /api/subscriptions``,
``DELETE /api/subscriptions/{id}``), read what they were sent (``GET /api/alerts``) and keep a page open on
``GET /api/alerts/stream`` (server-sent events: ``event: alert`` with the alert JSON, ``id`` the alert id; a
reconnecting browser sends ``Last-Event-ID`` and first gets what it missed). The stream carries incident alerts
and early warnings (``kind: "warning"``), each in its subscription's language: alerts recorded in this process
arrive at once through the broker; those recorded by another process (``marsad monitor`` workers,
``marsad warnings --alert``) are read from the alert log every :data:`POLL_SECONDS` (sharing re-checked by
:func:`~marsad.monitor.alerts.recent_alerts`), each alert sent once per stream. Every route needs sign-in
(``Authorization: Basic …`` or ``Bearer msd_…``, or the web session cookie). The live hub (:class:`~marsad.monitor.delivery.AlertBroker`)
is created when the routes are registered by ``create_app`` and kept on ``app.state.alert_broker``.
"""

from __future__ import annotations

import asyncio
import collections
import json
from typing import Any

from fastapi import FastAPI, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from marsad.access.context import Viewer
from marsad.monitor.alerts import latest_alert_id, recent_alerts
from marsad.monitor.delivery import AlertBroker
from marsad.monitor.subscriptions import create_subscription, delete_subscription, list_subscriptions
from marsad.web.web_auth import current_viewer

__all__ = ["register", "SubscriptionRequest", "HEARTBEAT_SECONDS", "POLL_SECONDS", "sse_event"]

#: a comment line is sent this often on an idle stream, so proxies keep it open and disconnects are noticed
HEARTBEAT_SECONDS = 15.0
#: how often an open stream reads the alert log for alerts other processes recorded
POLL_SECONDS = 5.0
#: how many sent alert ids a stream remembers (to send each once when the broker and the log both carry it)
_REMEMBERED = 2000


class SubscriptionRequest(BaseModel):
    """Body of ``POST /api/subscriptions``."""

    name: str = Field(..., min_length=1, max_length=200)
    filters: dict[str, Any] = Field(default_factory=dict, description="countries, regions, groups, attack_types, "
                                    "themes, min_killed, min_wounded, min_casualties, keywords")
    language: str | None = Field(None, description="ar, en or fr (default: the user's language).")
    inapp: bool = True
    webhook_url: str | None = Field(None, max_length=2000)
    webhook_secret: str | None = Field(None, max_length=200, description="Generated (and returned once) if absent.")
    email: str | None = Field(None, max_length=320)


def sse_event(event: dict) -> str:
    """One server-sent event carrying an alert."""
    data = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    return f"id: {event['id']}\nevent: alert\ndata: {data}\n\n"


def _viewer(app: FastAPI, request: Request) -> Viewer:
    """The caller: the web session cookie (the pages' live feed) or an ``Authorization`` header."""
    return current_viewer(request)


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


def _last_event_id(request: Request) -> int | None:
    value = request.headers.get("last-event-id", "").strip()
    return int(value) if value.isdigit() else None


class _Sent:
    """The alert ids a stream has sent (the newest :data:`_REMEMBERED`) and the highest one."""

    def __init__(self, last: int):
        self.last, self.ids = last, collections.deque(maxlen=_REMEMBERED)

    def first_time(self, event: dict) -> bool:
        if event["id"] in self.ids:
            return False
        self.ids.append(event["id"])
        self.last = max(self.last, event["id"])
        return True


async def _events(request: Request, broker: AlertBroker, viewer: Viewer, queue: asyncio.Queue, missed: list[dict],
                  sent: _Sent):
    try:
        yield ": marsad alerts\n\n"
        for event in missed:
            if sent.first_time(event):
                yield sse_event(event)
        quiet = 0.0
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), timeout=POLL_SECONDS)
            except TimeoutError:
                if await request.is_disconnected():
                    break
                logged = await run_in_threadpool(
                    lambda: recent_alerts(request.app.state.engine, viewer, after_id=sent.last, limit=500))
                fresh = [e for e in logged if sent.first_time(e)]
                for event in fresh:
                    yield sse_event(event)
                quiet = 0.0 if fresh else quiet + POLL_SECONDS
                if quiet >= HEARTBEAT_SECONDS:
                    quiet = 0.0
                    yield ": keep-alive\n\n"
                continue
            if event is None:
                break
            if sent.first_time(event):
                yield sse_event(event)
    finally:
        broker.unlisten(viewer.username, queue)


def register(app: FastAPI) -> None:
    app.state.alert_broker = AlertBroker()
    app.state.closers.append(app.state.alert_broker.close)

    @app.post("/api/subscriptions", tags=["alerts"], status_code=201)
    def add(body: SubscriptionRequest, request: Request) -> dict:
        """Subscribe the caller to alerts; the answer shows the webhook secret once."""
        viewer = _viewer(app, request)
        sub = create_subscription(
            app.state.engine, viewer.username, body.name, body.filters, language=body.language or viewer.language,
            inapp=body.inapp, webhook_url=body.webhook_url, webhook_secret=body.webhook_secret, email=body.email,
            allow_private=bool(getattr(app.state, "allow_private_webhooks", False)), remote_addr=_client(request))
        return {**sub.public(), "webhook_secret": sub.webhook_secret}

    @app.get("/api/subscriptions", tags=["alerts"])
    def listing(request: Request) -> dict:
        """The caller's subscriptions."""
        viewer = _viewer(app, request)
        return {"subscriptions": [s.public() for s in list_subscriptions(app.state.engine, viewer.username)]}

    @app.delete("/api/subscriptions/{subscription_id}", tags=["alerts"], status_code=204)
    def remove(subscription_id: int, request: Request) -> Response:
        """Delete one of the caller's subscriptions (404 if it is not theirs)."""
        viewer = _viewer(app, request)
        delete_subscription(app.state.engine, viewer.username, subscription_id, remote_addr=_client(request))
        return Response(status_code=204)

    @app.get("/api/alerts", tags=["alerts"])
    def recent(request: Request, limit: int = Query(50, ge=1, le=500)) -> dict:
        """The caller's recent in-app alerts, newest first."""
        viewer = _viewer(app, request)
        return {"alerts": recent_alerts(app.state.engine, viewer, limit=limit)}

    @app.get("/api/alerts/stream", tags=["alerts"])
    async def stream(request: Request) -> StreamingResponse:
        """Live alerts of the caller as server-sent events (``Last-Event-ID`` replays what was missed)."""
        viewer = await run_in_threadpool(_viewer, app, request)
        broker: AlertBroker = app.state.alert_broker
        queue = broker.listen(viewer.username)
        after = _last_event_id(request)
        if after is None:  # a new stream: only what comes next (its starting point is the newest alert now)
            missed, sent = [], _Sent(await run_in_threadpool(latest_alert_id, app.state.engine, viewer))
        else:
            missed = await run_in_threadpool(
                lambda: recent_alerts(app.state.engine, viewer, after_id=after, limit=500))
            sent = _Sent(after)
        return StreamingResponse(_events(request, broker, viewer, queue, missed, sent),
                                 media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
