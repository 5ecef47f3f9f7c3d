"""The FastAPI application, assembled by a factory from settings — no global app, no global state.

Why a factory: tests, `marsad serve` and a deployment each build their own app from their own settings
(database, limits), and several apps can live in one process (e.g. two hubs in a federation test).
Routers come from one module per concern (``routes_*.py``); shared objects hang on ``app.state``.
"""

from __future__ import annotations

import gc
import os
from contextlib import asynccontextmanager

from fastapi import FastAPI

from marsad import __version__
from marsad.config import Settings
from marsad.model.gazetteer import load_gazetteer
from marsad.model.organisations import load_registry
from marsad.store.engine import WalCheckpointer, make_engine
from marsad.web import routes_alerts, routes_health, routes_incidents, routes_taxii, routes_wallets
from marsad.web import routes_analysis, routes_share, routes_suggest
from marsad.web import routes_pages_auth, routes_pages_incident, routes_pages_overview, routes_pages_search
from marsad.web import (routes_map, routes_pages_admin, routes_pages_audit, routes_pages_orgs, routes_pages_reports,
                        routes_pages_sources, routes_pages_subscriptions)
from marsad.web.errors import install_error_handlers
from marsad.web.pages import html_error
from marsad.web.rendering import install_rendering
from marsad.web.security import SecurityHeaders

__all__ = ["create_app"]


def create_app(settings: Settings, *, engine=None) -> FastAPI:
    """Build the Marsad web application for ``settings`` (an existing ``engine`` may be passed in tests)."""
    engine = engine or make_engine(settings.resolved_database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        checkpointer = WalCheckpointer(engine)  # SQLite: WAL checkpoints off the request path (store/engine.py)
        checkpointer.start()
        try:
            yield
        finally:
            checkpointer.stop()
        for close in reversed(app.state.closers):  # route modules' resources, newest first
            close()
        engine.dispose()

    app = FastAPI(
        title="Marsad",
        version=__version__,
        description="Regional counter-terrorism information exchange (STIX 2.1 / TAXII 2.1), monitoring and analysis.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.closers = []  # route modules append what must be closed when the app stops
    app.state.html_errors = html_error  # errors on pages answer as HTML (web/pages.py)
    install_error_handlers(app)
    install_rendering(app)  # templates, /static, /static/vendor/leaflet (web/rendering.py)
    app.add_middleware(SecurityHeaders, tile_url=settings.map_tile_url)
    for module in ROUTE_MODULES:
        module.register(app)
    settle_heap()
    return app


_settled_in: int | None = None  # the process whose heap settle_heap froze


def settle_heap() -> None:
    """Load the tables every page reads (gazetteer, organisations registry), then move everything alive into
    the garbage collector's permanent generation (:func:`gc.freeze`), once per process.

    Why: a web process's heap is mostly modules, templates and tables loaded once (≈250,000 objects) that live
    as long as the process; without this every full collection walks them all again, 130-290 ms of CPU that
    lands on whichever request triggered it — the slow p95 samples of issue 7 while p50 was fine (measured with
    gc.callbacks in benchmarks/web.py at 100k incidents). A forked worker settles its own heap once more."""
    global _settled_in
    if _settled_in == os.getpid():
        return
    _settled_in = os.getpid()
    load_gazetteer()
    load_registry()
    gc.collect()
    gc.freeze()


#: the route modules, in order; each exposes ``register(app)``
ROUTE_MODULES = (routes_health, routes_taxii, routes_wallets, routes_alerts, routes_incidents, routes_analysis,
                 routes_pages_auth, routes_pages_overview, routes_pages_incident, routes_pages_search,
                 routes_map, routes_pages_reports, routes_pages_orgs, routes_pages_sources, routes_pages_subscriptions,
                 routes_pages_audit, routes_pages_admin, routes_suggest,
                 routes_share)
