"""`marsad sync pull|push|status|reset`: keep this instance and another TAXII 2.1 server in step.

Why these commands: a national unit pulls the hub's regional collection into its own and pushes its own
shareable intelligence up, on a schedule (cron, systemd timer) or by hand on an air-gapped link. Each run
continues where the last one stopped (see :mod:`marsad.exchange.sync`); an interrupted run loses nothing.
Remote credentials never go on the command line: ``--password-stdin`` reads the password from standard
input, ``--api-key-env VAR`` reads an API key from an environment variable.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Optional

import typer

from marsad.access.context import Viewer, load_viewer
from marsad.cli.context import DatabaseUrlOption, DataDirOption, engine_for, settings_for
from marsad.errors import InputError
from marsad.exchange.sync import SyncReport, pull, push
from marsad.exchange.sync_peer import TaxiiPeer, normalise_url
from marsad.store.store import Store
from marsad.store.sync_state import SyncKey, list_states, reset_state

__all__ = ["register", "sync_app"]

sync_app = typer.Typer(help="Federation with another TAXII 2.1 server (pull, push, positions).",
                       no_args_is_help=True)

RemoteCollection = Annotated[str, typer.Option("--collection", help="Remote collection id (or alias).")]
RemoteUser = Annotated[Optional[str], typer.Option("--user", help="Remote username (HTTP Basic).")]
PasswordStdin = Annotated[bool, typer.Option("--password-stdin", help="Read the remote password from stdin.")]
ApiKeyEnv = Annotated[Optional[str], typer.Option("--api-key-env", help="Environment variable holding a remote "
                                                                         "API key (sent as Bearer).")]
Insecure = Annotated[bool, typer.Option("--insecure", help="Do not verify the remote's TLS certificate.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Only the final summary.")]


def _peer(url: str, user: str | None, password_stdin: bool, api_key_env: str | None, insecure: bool) -> TaxiiPeer:
    if api_key_env and (user or password_stdin):
        raise InputError("use either --user/--password-stdin or --api-key-env, not both")
    password = None
    if password_stdin:
        if not user:
            raise InputError("--password-stdin needs --user")
        password = sys.stdin.readline().rstrip("\r\n")
    api_key = None
    if api_key_env:
        api_key = os.environ.get(api_key_env)
        if not api_key:
            raise InputError(f"the environment variable {api_key_env} holding the API key is empty or unset")
    return TaxiiPeer(url, user=user, password=password, api_key=api_key, verify=not insecure)


def _local(ctx: typer.Context, username: str | None, data_dir, database_url) -> tuple[Store, Viewer | None]:
    settings = settings_for(ctx, data_dir, database_url)
    engine = engine_for(ctx, settings)
    viewer = None
    if username:
        with engine.connect() as conn:
            viewer = load_viewer(conn, username.strip().lower())
    return Store(engine), viewer


def _progress(quiet: bool):
    if quiet:
        return None
    return lambda report: typer.echo(f"  page {report.pages}: {report.objects} object(s) so far, "
                                     f"position {report.last_added}", err=True)


def _finish(report: SyncReport) -> None:
    typer.echo(report.summary())
    for warning in report.warnings:
        typer.echo(f"  warning: {warning}", err=True)
    for failure in report.failures[:20]:
        typer.echo(f"  refused {failure.get('id')} {failure.get('version') or ''}: {failure.get('message')}")
    if len(report.failures) > 20:
        typer.echo(f"  … and {len(report.failures) - 20} more")
    if report.failures:
        raise typer.Exit(code=3)


def _interrupted() -> None:
    typer.echo("interrupted: the pages already stored are kept; run the same command again to resume", err=True)
    raise typer.Exit(code=130)


def _run(peer, sync) -> None:
    """Run one pull or push, closing the connection however it ends, and report (Ctrl-C: position kept)."""
    try:
        report = sync()
    except KeyboardInterrupt:
        _interrupted()
    finally:
        peer.close()
    _finish(report)


@sync_app.command("pull")
def pull_command(
    ctx: typer.Context,
    remote: Annotated[str, typer.Option("--from", help="Remote TAXII API root URL.")],
    collection: RemoteCollection,
    into: Annotated[str, typer.Option("--into", help="Local collection id or alias to store into.")],
    username: Annotated[Optional[str], typer.Option("--as", help="Local user recorded as the writer "
                                                                 "(must be allowed to write the collection).")] = None,
    user: RemoteUser = None, password_stdin: PasswordStdin = False, api_key_env: ApiKeyEnv = None,
    page_size: Annotated[int, typer.Option("--page-size", min=1, max=10000)] = 100,
    max_pages: Annotated[Optional[int], typer.Option("--max-pages", min=1, help="Stop after N pages.")] = None,
    insecure: Insecure = False, quiet: Quiet = False,
    data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None,
) -> None:
    """Fetch what the remote collection gained since the last pull. Exit 3 when objects were refused."""
    store, viewer = _local(ctx, username, data_dir, database_url)
    peer = _peer(remote, user, password_stdin, api_key_env, insecure)
    _run(peer, lambda: pull(store, peer, remote_collection=collection, local_collection=into, viewer=viewer,
                            page_size=page_size, max_pages=max_pages, progress=_progress(quiet)))


@sync_app.command("push")
def push_command(
    ctx: typer.Context,
    remote: Annotated[str, typer.Option("--to", help="Remote TAXII API root URL.")],
    collection: RemoteCollection,
    local: Annotated[str, typer.Option("--local", help="Local collection id or alias to send from.")],
    username: Annotated[str, typer.Option("--as", help="Local user whose view is what may be sent: normally the "
                                                       "account of the remote's organisation.")],
    user: RemoteUser = None, password_stdin: PasswordStdin = False, api_key_env: ApiKeyEnv = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, max=10000)] = 100,
    max_batches: Annotated[Optional[int], typer.Option("--max-batches", min=1)] = None,
    insecure: Insecure = False, quiet: Quiet = False,
    data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None,
) -> None:
    """Send local objects added since the last push that the --as user may see. Exit 3 when some were refused."""
    store, viewer = _local(ctx, username, data_dir, database_url)
    peer = _peer(remote, user, password_stdin, api_key_env, insecure)
    _run(peer, lambda: push(store, peer, local_collection=local, remote_collection=collection, viewer=viewer,
                            batch_size=batch_size, max_batches=max_batches, progress=_progress(quiet)))


@sync_app.command("status")
def status_command(ctx: typer.Context, data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None) -> None:
    """List the saved positions: remote, collections, direction, last date added, objects, runs, last error."""
    store, _ = _local(ctx, None, data_dir, database_url)
    with store.engine.connect() as conn:
        states = list_states(conn)
    if not states:
        typer.echo("no sync has run yet")
    for s in states:
        error = f"  last error: {s.last_error}" if s.last_error else ""
        typer.echo(f"{s.key.direction:4} {s.key.remote_url} {s.key.remote_collection} ↔ {s.key.local_collection}  "
                   f"position {s.last_added or '(start)'}  objects {s.objects_total}  runs {s.runs}{error}")


@sync_app.command("reset")
def reset_command(
    ctx: typer.Context,
    remote: Annotated[str, typer.Option("--remote", help="Remote TAXII API root URL.")],
    collection: RemoteCollection,
    local: Annotated[str, typer.Option("--local", help="Local collection id or alias.")],
    direction: Annotated[str, typer.Option("--direction", help="pull or push.")],
    data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None,
) -> None:
    """Forget a saved position: the next run starts from the beginning (already-synced objects are unchanged)."""
    if direction not in ("pull", "push"):
        raise InputError("--direction must be pull or push")
    store, _ = _local(ctx, None, data_dir, database_url)
    key = SyncKey(normalise_url(remote), collection, store.get_collection(local).id, direction)
    with store.engine.begin() as conn:
        found = reset_state(conn, key)
    typer.echo("position forgotten" if found else "there was no saved position for this sync")


def register(app: typer.Typer) -> None:
    app.add_typer(sync_app, name="sync")
