"""`marsad monitor [--once]`, `marsad incidents`, `marsad up`: running the monitor and reading what it found.

Why together: they are the operator's view of monitoring. `monitor` runs the pipeline (poll the due sources,
file what is queued into incidents, send the alerts) until SIGINT/SIGTERM, or once with ``--once`` for cron
and scripts; `incidents` prints the incidents a user may see with their fields and reports (only TLP:CLEAR
without ``--as``, like `marsad export`); `up` is the first command of a new operator: initialise, serve the
hub, run the pipeline in the same process and feed it the bundled sample as if it were arriving live.
"""

from __future__ import annotations

import json
import secrets
import signal
import sys
import threading
from typing import Annotated, Optional

import typer
import uvicorn
from sqlalchemy import Engine, func, select

from marsad.access import load_viewer, record_export
from marsad.access.accounts import create_organisation, create_user
from marsad.access.memberships import set_membership
from marsad.access.setup import REGIONAL_COLLECTION, initialise
from marsad.cli.context import DatabaseUrlOption, DataDirOption, engine_for, settings_for
from marsad.config import Settings
from marsad.errors import InputError
from marsad.model.membership import load_membership
from marsad.model.organisations import load_registry
from marsad.monitor.collect import poll_due
from marsad.monitor.delivery import dispatcher_from_settings
from marsad.monitor.incident_views import IncidentFilters, IncidentView, list_incidents
from marsad.monitor.pipeline import Pipeline, PipelineResult
from marsad.monitor.samples import feed_live, not_yet_queued, sample_items
from marsad.store import Store
from marsad.store.accounts import users
from marsad.store.migrate import upgrade
from marsad.web.app import create_app

__all__ = ["register", "TABLE_COLUMNS"]

AsUser = Annotated[Optional[str], typer.Option("--as", help="Act as this user: their sharing rules apply "
                                                           "(default: TLP:CLEAR incidents only).", show_default=False)]
#: columns of ``marsad incidents --format table``
TABLE_COLUMNS = ("id", "occurred", "country", "city", "attack_types", "perpetrator", "killed", "wounded", "reports")


def _counts(result: PipelineResult) -> str:
    return (f"processed {result.processed}, duplicates {result.duplicates}, not incidents {result.not_incidents}, "
            f"incidents opened {result.opened}, updated {result.updated}, alerts {result.alerts}, "
            f"failed {result.failed}")


def _pipeline(settings: Settings, engine: Engine, broker=None, *, extract_processes: int = 0,
              wal_checkpoints: bool = False) -> Pipeline:
    return Pipeline(engine, settings, dispatcher=dispatcher_from_settings(settings, broker=broker),
                    extract_processes=extract_processes, wal_checkpoints=wal_checkpoints)


def monitor(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Poll the due sources, process everything queued, print "
                                                      "the counts and exit.")] = False,
    poll: Annotated[bool, typer.Option("--poll/--no-poll", help="Poll the sources (off: only the queue).")] = True,
    extract_processes: Annotated[int, typer.Option(
        "--extract-processes", min=0, max=64, show_default=False,
        help="Processes that extract the next batch while this one is filed, so one pipeline uses several cores "
             "(default 0: the pipeline extracts in its own process).")] = 0,
    data_dir: DataDirOption = None,
    database_url: DatabaseUrlOption = None,
) -> None:
    """Run the monitoring pipeline until stopped (Ctrl-C or SIGTERM), or once with --once."""
    settings = settings_for(ctx, data_dir, database_url)
    engine = engine_for(ctx, settings)
    upgrade(engine)
    # this process owns the engine: its runs checkpoint the SQLite WAL in the background, off the batch commits
    pipeline = _pipeline(settings, engine, extract_processes=extract_processes, wal_checkpoints=True)
    pipeline.check_ready()
    if once:
        if poll:
            polled = poll_due(engine)
            failing = [p.source.name for p in polled if p.error]
            typer.echo(f"polled {len(polled)} source(s): {sum(len(p.items) for p in polled)} new item(s)"
                       + (f"; failing: {', '.join(failing)}" if failing else ""))
        typer.echo(_counts(pipeline.run_once()))
        return
    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    typer.echo(f"monitoring (worker {pipeline.worker}); stop with Ctrl-C")
    try:
        pipeline.run_forever(stop, poll_sources=poll)
    finally:
        signal.signal(signal.SIGINT, previous)
    typer.echo("stopped")


def _all_incidents(store: Store, viewer, filters: IncidentFilters) -> list[IncidentView]:
    found, cursor = [], None
    while True:
        page = list_incidents(store, viewer, filters, limit=500, cursor=cursor)
        found.extend(page.incidents)
        if not page.more:
            return found
        cursor = page.next


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value).replace("\t", " ").replace("\n", " ")


def incidents(
    ctx: typer.Context,
    output_format: Annotated[str, typer.Option("--format", "-f", help="jsonl (one object a line) or table.")]
    = "table",
    as_user: AsUser = None,
    country: Annotated[Optional[str], typer.Option("--country", help="ISO country code.", show_default=False)] = None,
    group: Annotated[Optional[str], typer.Option("--group", help="Perpetrator group.", show_default=False)] = None,
    attack_type: Annotated[Optional[str], typer.Option("--attack-type", help="GTD attack type.",
                                                       show_default=False)] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="Updated at or after (YYYY-MM-DD).",
                                                 show_default=False)] = None,
    data_dir: DataDirOption = None,
    database_url: DatabaseUrlOption = None,
) -> None:
    """Incidents the user may see, with their fields, the number of reports and the report ids."""
    if output_format not in ("jsonl", "table"):
        raise InputError(f"unknown format {output_format!r}: use jsonl or table")
    settings = settings_for(ctx, data_dir, database_url)
    engine = engine_for(ctx, settings)
    upgrade(engine)
    with engine.connect() as conn:
        viewer = load_viewer(conn, as_user) if as_user else None
    filters = IncidentFilters.parse(country=country, group=group, attack_type=attack_type, since=since)
    views = _all_incidents(Store(engine), viewer, filters)
    rows = [view.summary() for view in views]
    if output_format == "jsonl":
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    else:
        typer.echo("\t".join(TABLE_COLUMNS))
        for row in rows:
            cells = {**row, "reports": f"{row['report_count']}: {' '.join(row['report_ids'])}".rstrip(": ")}
            typer.echo("\t".join(_cell(cells.get(c)) for c in TABLE_COLUMNS))
    record_export(engine, viewer or "system:cli", [r["id"] for r in rows], what="incidents",
                  policy="viewer" if viewer else "clear-only")
    typer.echo(f"{len(rows)} incident(s)", err=True)


def _ensure_admin(engine: Engine, settings: Settings, username: str, country: str) -> list[str]:
    """On a hub without users: the secretariat's organisation and an administrator with a random one-time
    password (printed once, never stored in clear); otherwise how to sign in."""
    with engine.connect() as conn:
        existing = conn.execute(select(func.count()).select_from(users)).scalar_one()
    if existing:
        return ["Sign in with an existing user (add one: marsad user add NAME --org ORG --role admin "
                "--password-stdin)."]
    membership = load_membership(settings.membership_file)
    org = create_organisation(engine, membership.secretariat.names.get("en") or "Secretariat", country,
                              secretariat=True, identity_id=membership.secretariat.identity_id, actor="system:up")
    set_membership(engine, REGIONAL_COLLECTION, org.name, read=True, write=True, actor="system:up")
    password = secrets.token_urlsafe(18)
    create_user(engine, username, org.name, "admin", password, language=settings.default_language,
                actor="system:up")
    return [f"Administrator {username!r} ({org.name}) created with the one-time password: {password}",
            f"  (shown once, stored hashed; change it: marsad user password {username})"]


def _where_to_look(settings: Settings, queued: int, notes: list[str]) -> list[str]:
    base = (settings.public_url or f"http://{settings.host}:{settings.port}").rstrip("/")
    lines = [f"Marsad is up at {base}/  (sign in at {base}/sign-in)",
             f"  TAXII 2.1 discovery: {base}/taxii2/   JSON API: {base}/api/incidents (docs at {base}/docs)",
             f"  Data folder: {settings.data_dir}", *notes]
    if queued:
        lines.append(f"Feeding {queued} bundled ISAF press releases to the monitor as if arriving live; "
                     "watch them become incidents with: marsad incidents --format table")
    lines.append("Stop with Ctrl-C.")
    return lines


def up(
    ctx: typer.Context,
    host: Annotated[Optional[str], typer.Option(help="Address to listen on (default 127.0.0.1).")] = None,
    port: Annotated[Optional[int], typer.Option(help="Port to listen on (default 8800).")] = None,
    sample: Annotated[bool, typer.Option("--sample/--no-sample", help="Feed the bundled sample of reports.")] = True,
    rate: Annotated[float, typer.Option("--rate", min=0.1, help="Sample items per second.")] = 2.0,
    admin: Annotated[str, typer.Option("--admin", help="Administrator to create on a hub without users.")] = "admin",
    admin_country: Annotated[str, typer.Option("--admin-country", help="State of the secretariat created with "
                                                                      "the administrator.")] = "EG",
    data_dir: DataDirOption = None,
    database_url: DatabaseUrlOption = None,
) -> None:
    """Start the hub in one process: initialise if needed, serve, monitor, and feed the bundled sample."""
    settings = settings_for(ctx, data_dir, database_url, host=host, port=port)
    engine = engine_for(ctx, settings)
    report = initialise(engine, registry=load_registry(), membership=load_membership(settings.membership_file))
    typer.echo(f"Database ready at revision {report.revision} ({report.added} reference objects added).")
    notes = _ensure_admin(engine, settings, admin, admin_country)
    application = create_app(settings, engine=engine)
    # the pipeline runs in a thread beside the web server here: no forked extraction processes, and the app's
    # lifespan already checkpoints this engine's WAL in the background (one checkpointer per engine)
    pipeline = _pipeline(settings, engine, broker=application.state.alert_broker, extract_processes=0)
    stop = threading.Event()
    threads = [threading.Thread(target=pipeline.run_forever, args=(stop,), name="marsad-pipeline", daemon=True)]
    pending = not_yet_queued(engine, sample_items()) if sample else []
    if pending:
        threads.append(threading.Thread(target=feed_live, args=(engine, pending, stop), name="marsad-sample",
                                        kwargs={"per_second": rate}, daemon=True))
    for line in _where_to_look(settings, len(pending), notes):
        typer.echo(line)
    for thread in threads:
        thread.start()
    try:
        uvicorn.run(application, host=settings.host, port=settings.port, log_level=settings.log_level.lower())
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)


def register(app: typer.Typer) -> None:
    app.command("up")(up)
    app.command("monitor")(monitor)
    app.command("incidents")(incidents)
