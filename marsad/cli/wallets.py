"""`marsad wallet check|add|validate`: financing indicators from the command line.

Why: an analyst on an air-gapped workstation checks an address found in a case file, or flags one, with the
same rules as the web API — acting as a named local user (``--as``), whose organisation's view decides what a
check may reveal, and whose organisation appears as the originator of what is added. Both are audited.
"""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from marsad.access.context import Viewer, load_viewer
from marsad.cli.context import DatabaseUrlOption, DataDirOption, engine_for, settings_for
from marsad.exchange.wallet_checks import add_wallet, check_wallet
from marsad.exchange.wallets import parse_wallet
from marsad.store.store import Store

__all__ = ["register", "wallet_app"]

wallet_app = typer.Typer(help="Crypto-wallet addresses as financing indicators.", no_args_is_help=True)

AsUser = Annotated[str, typer.Option("--as", help="Local user the command acts as (their sharing view).")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _open(ctx: typer.Context, username: str, data_dir, database_url) -> tuple[Store, Viewer]:
    settings = settings_for(ctx, data_dir, database_url)
    engine = engine_for(ctx, settings)
    with engine.connect() as conn:
        viewer = load_viewer(conn, username.strip().lower())
    return Store(engine), viewer


@wallet_app.command("validate")
def validate(address: Annotated[str, typer.Argument(help="The address to validate.")], as_json: JsonFlag = False) -> None:
    """Validate an address offline (checksum, length, format) and print its canonical form and chain."""
    wallet = parse_wallet(address)
    if as_json:
        typer.echo(json.dumps(wallet.__dict__))
    else:
        typer.echo(f"{wallet.address}  {wallet.chain} {wallet.kind} ({wallet.network})")


@wallet_app.command("check")
def check(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="The address to check.")],
    username: AsUser,
    no_sighting: Annotated[bool, typer.Option("--no-sighting", help="Do not record a sighting of matches.")] = False,
    as_json: JsonFlag = False,
    data_dir: DataDirOption = None,
    database_url: DatabaseUrlOption = None,
) -> None:
    """Is ADDRESS flagged in anything the user may see? Exit 0 either way; prints the matches."""
    store, viewer = _open(ctx, username, data_dir, database_url)
    result = check_wallet(store, viewer, address, record_sighting=not no_sighting)
    if as_json:
        typer.echo(json.dumps({
            "address": result.wallet.address, "chain": result.wallet.chain, "known": result.known,
            "matches": [{"indicator_id": m.indicator["id"], "name": m.indicator.get("name"),
                         "originator": m.originator, "collection": m.collection_id,
                         "sighting_id": m.sighting["id"] if m.sighting else None} for m in result.matches],
        }, ensure_ascii=False))
        return
    if not result.known:
        typer.echo(f"{result.wallet.address} ({result.wallet.chain}): no indicator you may see")
        return
    typer.echo(f"{result.wallet.address} ({result.wallet.chain}): {len(result.matches)} indicator(s)")
    for match in result.matches:
        seen = f", sighting recorded (count {match.sighting['count']})" if match.sighting else ""
        typer.echo(f"  {match.indicator['id']}  from {match.originator or 'unknown'}{seen}")


@wallet_app.command("add")
def add(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="The address to flag.")],
    username: AsUser,
    actor: Annotated[Optional[str], typer.Option("--actor", help="Threat actor the wallet finances.")] = None,
    tlp: Annotated[str, typer.Option("--tlp", help="clear, green, amber, amber+strict or red.")] = "amber",
    release_to: Annotated[Optional[str], typer.Option(
        "--release-to", help="Comma-separated state codes, identity ids or user:<name> (e.g. SA,JO).")] = None,
    collection: Annotated[Optional[str], typer.Option(
        "--collection", help="Collection id or alias (needed when the user may write to several).")] = None,
    data_dir: DataDirOption = None,
    database_url: DatabaseUrlOption = None,
) -> None:
    """Validate ADDRESS and share it as a financing indicator of the user's organisation."""
    store, viewer = _open(ctx, username, data_dir, database_url)
    entries = [e.strip() for e in release_to.split(",") if e.strip()] if release_to else None
    added = add_wallet(store, viewer, address, collection=collection, actor=actor, tlp=tlp, release_to=entries)
    typer.echo(f"{added.wallet.address} ({added.wallet.chain}) shared as {added.indicator_id} "
               f"in collection {added.collection_id}")


def register(app: typer.Typer) -> None:
    app.add_typer(wallet_app, name="wallet")
