"""`marsad brief`, `marsad trends`, `marsad warnings`, and the GTD/ACLED importers behind `marsad import gtd|acled`.

Why here: analysts on an air-gapped workstation want the same figures as the dashboard, as a table or JSON,
acting as a named local user (``--as``) whose sharing view decides what is counted; without ``--as`` only
TLP:CLEAR incidents count (the rule of ``marsad export``). The history importers live here because they draw
a progress bar; the import itself is :func:`marsad.analysis.history.import_history`.
"""

from __future__ import annotations

import json
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy import Engine

from marsad.access import Viewer, load_viewer
from marsad.analysis.briefs import incident_brief
from marsad.analysis.history import import_history
from marsad.analysis.trends import DIMENSIONS, counts, trend_report, visibility
from marsad.analysis.warnings import DEFAULT_DIMENSIONS, early_warnings
from marsad.cli.context import DatabaseUrlOption, DataDirOption, engine_for, settings_for
from marsad.config import Settings
from marsad.errors import InputError
from marsad.model.markings import Tlp
from marsad.monitor.alerts import public_base_url
from marsad.monitor.delivery import dispatcher_from_settings
from marsad.store import Store
from marsad.store.migrate import upgrade
from marsad.web.warning_alerts import alert_warnings

__all__ = ["register", "import_gtd", "import_acled", "brief", "trends", "warnings"]

err = Console(stderr=True)
_UNKNOWN = "(unknown)"


class Format(str, Enum):
    table = "table"
    json = "json"


class BriefFormat(str, Enum):
    text = "text"
    json = "json"


class Language(str, Enum):
    ar = "ar"
    en = "en"
    fr = "fr"


AsUser = Annotated[Optional[str], typer.Option("--as", help="Count what this user may see (default: TLP:CLEAR only).",
                                               show_default=False)]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output: table or json.")]
AtOption = Annotated[Optional[str], typer.Option("--at", help="A day (YYYY-MM-DD) in the period to report "
                                                 "(default: the latest period with incidents).", show_default=False)]
CollectionOption = Annotated[Optional[str], typer.Option("--collection", "-c", help="Only this collection.",
                                                         show_default=False)]


def _import(kind: str, engine: Engine, path: Path, actor, collection: str | None, tlp: str) -> str:
    Tlp.parse(tlp)  # InputError for an unknown level, before reading anything
    columns = (TextColumn(f"importing {kind.upper()}"), BarColumn(), DownloadColumn(),
               TextColumn("{task.fields[n]} incidents"), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task(kind, total=None, n=0)
        report = import_history(Store(engine), path, kind, tlp=tlp, collection=collection, actor=actor,
                                progress=lambda done, size, n: progress.update(task, completed=done, total=size, n=n))
    return report.summary()


def import_gtd(engine: Engine, path: Path, settings: Settings, actor, collection: str | None,
               tlp: str = "green") -> str:
    """Importer of ``marsad import gtd FILE``: a GTD CSV export (see :mod:`marsad.analysis.history`)."""
    return _import("gtd", engine, path, actor, collection, tlp)


def import_acled(engine: Engine, path: Path, settings: Settings, actor, collection: str | None,
                 tlp: str = "green") -> str:
    """Importer of ``marsad import acled FILE``: an ACLED CSV export (see :mod:`marsad.analysis.history`)."""
    return _import("acled", engine, path, actor, collection, tlp)


def _viewer(ctx: typer.Context, data_dir, database_url, as_user: str | None) -> tuple[Engine, Viewer | None]:
    settings = settings_for(ctx, data_dir, database_url)
    engine = engine_for(ctx, settings)
    upgrade(engine)
    if not as_user:
        return engine, None
    with engine.connect() as conn:
        return engine, load_viewer(conn, as_user.strip().lower())


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--at {text!r} is not a date (YYYY-MM-DD)") from None


def _tally(t) -> dict:
    return {"incidents": t.incidents, "killed": t.killed, "wounded": t.wounded}


def _totals_json(by: str, cells) -> dict:
    rows = sorted(cells, key=lambda c: (-c.tally.incidents, str(c.key)))
    return {"by": by, "period": None, "lines": [{"key": c.key, **_tally(c.tally)} for c in rows]}


def _report_json(report) -> dict:
    def line(item):
        return {"key": item.key, "current": _tally(item.current), "previous": _tally(item.previous),
                "last_year": _tally(item.last_year), "change_previous_pct": item.change_previous,
                "change_last_year_pct": item.change_last_year}
    return {"by": report.by, "period": report.period,
            **{k: (getattr(report, k).isoformat() if getattr(report, k) else None)
               for k in ("current", "previous", "last_year")},
            "total": line(report.total), "lines": [line(item) for item in report.lines]}


def _print_table(title: str, headers: list[str], rows: list[list]) -> None:
    table = Table(title=title)
    for header in headers:
        table.add_column(header, justify="left" if header == headers[0] else "right")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    Console().print(table)


def trends(
    ctx: typer.Context,
    by: Annotated[str, typer.Option("--by", help=f"Break down by: {', '.join(DIMENSIONS)}.")] = "country",
    period: Annotated[Optional[str], typer.Option("--period", help="day, week, month or year: that period against "
                                                  "the previous one and the same period last year (default: all "
                                                  "time totals).", show_default=False)] = None,
    at: AtOption = None, as_user: AsUser = None, collection: CollectionOption = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many lines (0: all).")] = 0,
    output: FormatOption = Format.table, data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None,
) -> None:
    """Incidents, killed and wounded by country, group, attack type, theme… as the user may see them."""
    engine, viewer = _viewer(ctx, data_dir, database_url, as_user)
    where = visibility(viewer, collection)
    with engine.connect() as conn:
        if period is None:
            doc = _totals_json(by, counts(conn, by, None, where=where))
            doc["lines"] = doc["lines"][:limit] if limit else doc["lines"]
        else:
            doc = _report_json(trend_report(conn, by, period, where=where, at=_day(at), limit=limit or None))
    if output is Format.json:
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=1))
    elif period is None:
        _print_table(f"Incidents by {by}, all time", [by, "incidents", "killed", "wounded"],
                     [[line["key"] or _UNKNOWN, line["incidents"], line["killed"], line["wounded"]]
                      for line in doc["lines"]])
    else:
        _print_table(f"Incidents by {by}: {period} of {doc['current']} (previous {doc['previous']}, "
                     f"a year before {doc['last_year']})",
                     [by, "incidents", "previous", "change %", "last year", "change %", "killed", "wounded"],
                     [[line["key"] or _UNKNOWN, line["current"]["incidents"], line["previous"]["incidents"],
                       line["change_previous_pct"], line["last_year"]["incidents"], line["change_last_year_pct"],
                       line["current"]["killed"], line["current"]["wounded"]]
                      for line in [*doc["lines"], {**doc["total"], "key": "TOTAL"}]])


def warnings(
    ctx: typer.Context,
    period: Annotated[str, typer.Option("--period", help="day, week, month or year.")] = "month",
    dimension: Annotated[Optional[list[str]], typer.Option(
        "--by", help=f"Series to watch (repeatable; default: {', '.join(DEFAULT_DIMENSIONS)}).",
        show_default=False)] = None,
    at: AtOption = None,
    lookback: Annotated[int, typer.Option("--lookback", help="Report alerts of this many latest periods.")] = 1,
    alpha: Annotated[float, typer.Option("--alpha", help="Tail probability of an alert (lower: fewer).")] = 0.005,
    as_user: AsUser = None, collection: CollectionOption = None, output: FormatOption = Format.table,
    alert: Annotated[bool, typer.Option("--alert", help="Send the warnings as alerts to every subscription that "
                                        "watches their series, each computed over that subscriber's own view "
                                        "(--as and --collection do not apply).")] = False,
    data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None,
) -> None:
    """Early warnings: unusual rises per country, group, attack type or theme against each one's own baseline."""
    if alert:
        _alert_warnings(ctx, data_dir, database_url, period=period, dimensions=dimension or DEFAULT_DIMENSIONS,
                        at=_day(at), lookback=max(1, lookback), alpha=alpha)
        return
    engine, viewer = _viewer(ctx, data_dir, database_url, as_user)
    with engine.connect() as conn:
        alerts = early_warnings(conn, where=visibility(viewer, collection), dimensions=dimension or DEFAULT_DIMENSIONS,
                                period=period, at=_day(at), lookback=max(1, lookback), alpha=alpha)
    rows = [{"dimension": a.dimension, "key": a.key, "period": a.period.isoformat(), "count": a.count,
             "expected": a.expected, "dispersion": a.dispersion, "p_value": float(f"{a.p_value:.3g}")} for a in alerts]
    if output is Format.json:
        typer.echo(json.dumps({"period": period, "alerts": rows}, ensure_ascii=False, indent=1))
        return
    if not rows:
        typer.echo("No early warning: every series is within its usual range.")
        return
    _print_table(f"Early warnings ({period})", ["series", "period", "incidents", "expected", "p"],
                 [[f"{r['dimension']}: {r['key']}", r["period"], r["count"], r["expected"], r["p_value"]]
                  for r in rows])


def brief(
    ctx: typer.Context,
    incident_id: Annotated[str, typer.Argument(help="The incident's STIX id (incident--…).", show_default=False)],
    lang: Annotated[Language, typer.Option("--lang", "-l", help="Language of the brief: ar, en or fr.")] = Language.ar,
    as_user: Annotated[Optional[str], typer.Option("--as", help="Brief as this user sees it (default: TLP:CLEAR "
                                                   "incidents only).", show_default=False)] = None,
    output: Annotated[BriefFormat, typer.Option("--format", "-f", help="Output: text or json.")] = BriefFormat.text,
    similar: Annotated[int, typer.Option("--similar", help="How many similar past incidents to list.")] = 5,
    data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None,
) -> None:
    """The brief of one incident: what, where, when, who, how, toll, sources, similar incidents, group activity."""
    engine, viewer = _viewer(ctx, data_dir, database_url, as_user)
    made = incident_brief(engine, viewer, incident_id, lang.value, similar_limit=max(0, min(similar, 50)))
    if output is BriefFormat.json:
        typer.echo(json.dumps(made.to_dict(), ensure_ascii=False, indent=1))
    else:
        typer.echo(made.text)


def _alert_warnings(ctx: typer.Context, data_dir, database_url, **options) -> None:
    settings = settings_for(ctx, data_dir, database_url)
    engine = engine_for(ctx, settings)
    upgrade(engine)
    run = alert_warnings(engine, base_url=public_base_url(settings), dispatcher=dispatcher_from_settings(settings),
                         **options)
    typer.echo(f"Warning alerts sent: {len(run.pending)} ({run.warnings} warnings found over the views of "
               f"{run.subscribers} subscribers).")


def register(app: typer.Typer) -> None:
    app.command("brief")(brief)
    app.command("trends")(trends)
    app.command("warnings")(warnings)
