"""`marsad init`, `marsad db …`, `marsad import FILE`, `marsad export`: getting data in and out, safely.

Why these together: they are the operator's data life cycle. Imports are all-or-nothing (a bundle with one
bad object stores nothing and names the object); exports go through the sharing policy of the user named with
``--as`` (without it, only TLP:CLEAR leaves), and both are written to the audit trail.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine

from marsad.access import load_viewer, record_export, record_write, visible_clause
from marsad.access.setup import initialise
from marsad.cli.analysis import import_acled, import_gtd
from marsad.cli.context import DatabaseUrlOption, DataDirOption, engine_for, settings_for
from marsad.config import Settings
from marsad.errors import InputError, TooLarge
from marsad.model import parse_stix
from marsad.model.membership import load_membership
from marsad.model.organisations import load_registry
from marsad.store import Store, stix_objects
from marsad.store.migrate import current, head, upgrade

__all__ = ["register"]

db_app = typer.Typer(help="Database schema: upgrade to the current version, show the version.", no_args_is_help=True)
err = Console(stderr=True)

AsUser = Annotated[Optional[str], typer.Option("--as", help="Act as this user: their sharing rules apply.",
                                               show_default=False)]
CollectionOption = Annotated[Optional[str], typer.Option("--collection", "-c",
                                                          help="Collection id or alias.", show_default=False)]


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}"),
                    TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal)


def init(ctx: typer.Context, data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None) -> None:
    """Create the database (or bring it up to date) and load the bundled reference data."""
    settings = settings_for(ctx, data_dir, database_url)
    engine = engine_for(ctx, settings)
    with _progress() as progress:
        progress.add_task("loading reference data", total=None)
        report = initialise(engine, registry=load_registry(), membership=load_membership(settings.membership_file))
    typer.echo(f"Database ready at revision {report.revision}: {report.added} reference objects added, "
               f"{report.unchanged} already present.")
    if report.collections_created:
        typer.echo(f"Collections created: {', '.join(report.collections_created)}")
    typer.echo(f"Data folder: {settings.data_dir}")


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context, data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None) -> None:
    """Apply every pending schema migration."""
    engine = engine_for(ctx, settings_for(ctx, data_dir, database_url))
    before = current(engine)
    upgrade(engine)
    after = current(engine)
    typer.echo(f"Schema at {after}" + ("" if before == after else f" (was {before or 'empty'})"))


@db_app.command("current")
def db_current(ctx: typer.Context, data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None) -> None:
    """Show the schema version of the database and the newest one this Marsad knows."""
    engine = engine_for(ctx, settings_for(ctx, data_dir, database_url))
    typer.echo(f"database: {current(engine) or 'empty'}; newest: {head()}")


def _read_input(path: str, settings: Settings) -> bytes:
    if path == "-":
        data = sys.stdin.buffer.read(settings.max_content_length + 1)
    else:
        file = Path(path)
        if not file.is_file():
            raise InputError(f"no such file: {path}")
        if file.stat().st_size > settings.max_content_length:
            raise TooLarge(f"{path} is larger than the limit of {settings.max_content_length} bytes "
                           "(setting max_content_length)")
        data = file.read_bytes()
    if len(data) > settings.max_content_length:
        raise TooLarge(f"input is larger than the limit of {settings.max_content_length} bytes")
    return data


def _ready_store(ctx: typer.Context, settings: Settings) -> tuple[Engine, Store]:
    engine = engine_for(ctx, settings)
    upgrade(engine)
    return engine, Store(engine)


#: importers by format name: ``marsad import FORMAT FILE``; each takes (engine, path, settings, actor, collection)
#: and returns a one-line summary. STIX is the default format (``marsad import FILE``).
IMPORTERS: dict = {"gtd": import_gtd, "acled": import_acled}


def import_objects(
    ctx: typer.Context,
    first: Annotated[str, typer.Argument(metavar="[FORMAT] FILE",
                                         help="FILE (STIX bundle, JSON list or JSON Lines; - for stdin), or a format "
                                              "(stix, gtd, acled) followed by FILE.")],
    second: Annotated[Optional[str], typer.Argument(hidden=True)] = None,
    collection: CollectionOption = "regional",
    as_user: AsUser = None,
    tlp: Annotated[Optional[str], typer.Option("--tlp", help="TLP of imported history rows (gtd, acled; "
                                               "default green).", show_default=False)] = None,
    data_dir: DataDirOption = None,
    database_url: DatabaseUrlOption = None,
) -> None:
    """Import data: STIX 2.1 objects (validated, then stored whole or not at all) or a history export."""
    kind, file = ("stix", first) if second is None else (first.lower(), second)
    if kind != "stix" and kind not in IMPORTERS:
        raise InputError(f"unknown import format {first!r}; expected one of: {', '.join(['stix', *IMPORTERS])}")
    if tlp is not None and kind == "stix":
        raise InputError("--tlp applies to history imports (gtd, acled); STIX objects keep their own markings")
    settings = settings_for(ctx, data_dir, database_url)
    engine, store = _ready_store(ctx, settings)
    actor = load_viewer_for(engine, as_user) if as_user else "system:cli"
    if kind != "stix":
        typer.echo(IMPORTERS[kind](engine, Path(file), settings, actor, collection, **({"tlp": tlp} if tlp else {})))
        return
    with _progress() as progress:
        task = progress.add_task("reading and validating", total=None)
        objects = parse_stix(_read_input(file, settings), max_bytes=settings.max_content_length,
                             max_objects=settings.max_objects_per_bundle)
        progress.update(task, description=f"storing {len(objects)} objects", completed=len(objects))
        result = store.put_objects(objects, collection_id=collection)
    record_write(engine, actor, [o.id for o in result.added], source="cli import", collection=collection)
    typer.echo(f"Imported {len(objects)} objects into {collection}: {len(result.added)} added, "
               f"{len(result.unchanged)} already present.")


def load_viewer_for(engine: Engine, username: str):
    """The named user's viewer (their sharing rules), or a clear error if there is no such active user."""
    with engine.connect() as conn:
        return load_viewer(conn, username)


def export_objects(
    ctx: typer.Context,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write (default: stdout).",
                                                   show_default=False)] = None,
    collection: CollectionOption = None,
    types: Annotated[Optional[list[str]], typer.Option("--type", "-t", help="Only these STIX types (repeatable).",
                                                       show_default=False)] = None,
    all_versions: Annotated[bool, typer.Option("--all-versions", help="Every version, not only the last.")] = False,
    as_user: AsUser = None,
    data_dir: DataDirOption = None,
    database_url: DatabaseUrlOption = None,
) -> None:
    """Export objects as one STIX 2.1 bundle: what --as USER may see, or only TLP:CLEAR without --as."""
    settings = settings_for(ctx, data_dir, database_url)
    engine, store = _ready_store(ctx, settings)
    viewer = load_viewer_for(engine, as_user) if as_user else None
    where = visible_clause(viewer, collection) if viewer else stix_objects.c.tlp == "clear"
    objects, cursor = [], None
    with _progress() as progress:
        task = progress.add_task("exporting", total=None)
        while True:
            page = store.query(collection, types=types, versions="all" if all_versions else "last",
                               limit=1000, cursor=cursor, where=where)
            objects.extend(item.object for item in page.objects)
            progress.update(task, completed=len(objects))
            if not page.more:
                break
            cursor = page.next
    bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}
    text = json.dumps(bundle, ensure_ascii=False, indent=1)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    record_export(engine, viewer or "system:cli", [o["id"] for o in objects],
                  collection=collection, types=types, policy="viewer" if viewer else "clear-only")
    err.print(f"Exported {len(objects)} objects" + (f" to {output}" if output else ""))


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.add_typer(db_app, name="db")
    app.command("import")(import_objects)
    app.command("export")(export_objects)
