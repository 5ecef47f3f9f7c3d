"""`marsad source add|list|remove|test`: the open sources and report folders the monitor polls.

Why a command group: an officer sets up monitoring on an air-gapped hub without the web UI, and needs to
see at a glance which sources work (last success, last error, failures in a row). `test` reads a source
once and prints what it found, so a new feed can be checked before relying on it; it stores nothing but
the source's health (no items are marked seen, the schedule is unchanged).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer
from sqlalchemy import Engine

from marsad.cli.context import DatabaseUrlOption, DataDirOption, engine_for, settings_for
from marsad.errors import InputError
from marsad.monitor.collect import check
from marsad.monitor.sources import DEFAULT_INTERVAL, Source, add_source, get_source, list_sources, remove_source
from marsad.store.migrate import upgrade

__all__ = ["register", "source_app"]

source_app = typer.Typer(help="Monitoring sources: feeds, web pages and report folders.", no_args_is_help=True)

NameArg = Annotated[str, typer.Argument(help="The source's unique name.")]


def _engine(ctx: typer.Context, data_dir, database_url) -> Engine:
    engine = engine_for(ctx, settings_for(ctx, data_dir, database_url))
    upgrade(engine)
    return engine


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%SZ") if value else "never"


def _health(source: Source) -> str:
    state = "ok" if source.healthy else f"failing ({source.consecutive_failures} in a row)"
    line = f"health: {state}; last success {_when(source.last_success)}; items seen {source.items_seen}"
    if source.last_error:
        line += f"\nlast error ({_when(source.last_error_at)}): {source.last_error}"
    return line


@source_app.command("add")
def add(
    ctx: typer.Context,
    name: NameArg,
    feed: Annotated[Optional[str], typer.Option("--feed", help="RSS/Atom feed URL.", show_default=False)] = None,
    page: Annotated[Optional[str], typer.Option("--page", help="Web page URL.", show_default=False)] = None,
    folder: Annotated[Optional[Path], typer.Option("--folder", help="Folder of report files.",
                                                   show_default=False)] = None,
    interval: Annotated[int, typer.Option("--interval", help="Seconds between polls.")] = DEFAULT_INTERVAL,
    allow_private: Annotated[bool, typer.Option("--allow-private",
                                                help="Allow private/loopback addresses (internal servers).")] = False,
    data_dir: DataDirOption = None,
    database_url: DatabaseUrlOption = None,
) -> None:
    """Add a source: exactly one of --feed, --page or --folder."""
    given = [(kind, value) for kind, value in (("feed", feed), ("page", page), ("folder", folder)) if value]
    if len(given) != 1:
        raise InputError("give exactly one of --feed URL, --page URL or --folder DIR")
    kind, location = given[0]
    source = add_source(_engine(ctx, data_dir, database_url), name, kind, str(location),
                        interval_seconds=interval, allow_private=allow_private)
    typer.echo(f"added {source.kind} source {source.name!r}: {source.location} (every {source.interval_seconds} s)")


@source_app.command("list")
def list_command(ctx: typer.Context, data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None) -> None:
    """List the sources with their health."""
    with _engine(ctx, data_dir, database_url).connect() as conn:
        found = list_sources(conn)
    if not found:
        typer.echo("no sources")
        return
    for source in found:
        state = "ok" if source.healthy else f"FAILING x{source.consecutive_failures}"
        flags = "" if source.enabled else " (disabled)"
        typer.echo(f"{source.name}\t{source.kind}\t{source.location}\tevery {source.interval_seconds} s\t{state}"
                   f"\tlast success {_when(source.last_success)}\titems {source.items_seen}{flags}")
        if source.last_error and not source.healthy:
            typer.echo(f"  last error: {source.last_error}")


@source_app.command("remove")
def remove(ctx: typer.Context, name: NameArg, data_dir: DataDirOption = None,
           database_url: DatabaseUrlOption = None) -> None:
    """Remove a source and what was seen from it."""
    remove_source(_engine(ctx, data_dir, database_url), name)
    typer.echo(f"removed source {name!r}")


@source_app.command("test")
def test(ctx: typer.Context, name: NameArg, data_dir: DataDirOption = None,
         database_url: DatabaseUrlOption = None) -> None:
    """Read a source once; print what it found and its health (stores only the health). Exit 1 if it failed."""
    engine = _engine(ctx, data_dir, database_url)
    with engine.connect() as conn:
        source = get_source(conn, name)
    result = check(engine, source)
    if result.error is None:
        typer.echo(f"{source.name}: {len(result.items)} item(s) ({result.found} before removing duplicates)")
        for item in result.items[:20]:
            date = item.published.date().isoformat() if item.published else "no date"
            typer.echo(f"  [{date}] {item.title or item.text[:80]}  {item.url or ''}".rstrip())
        if len(result.items) > 20:
            typer.echo(f"  … and {len(result.items) - 20} more")
    typer.echo(_health(result.source))
    if result.error is not None:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    """Add the `source` command group to the root application."""
    app.add_typer(source_app, name="source")
