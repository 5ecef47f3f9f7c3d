"""`marsad subscription add|list|remove`: alert subscriptions from the command line.

Why: on an air-gapped workstation an analyst (or an administrator for them, ``--as``) sets up the alerts they
want — by country or region, group, attack type, theme, casualty threshold, keyword — and where to receive them
(in-app, a signed webhook, e-mail), with the same validation as the web API.
"""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from marsad.cli.context import DatabaseUrlOption, DataDirOption, engine_for, settings_for
from marsad.errors import InputError
from marsad.monitor.subscriptions import create_subscription, delete_subscription, list_subscriptions

__all__ = ["register", "subscription_app"]

subscription_app = typer.Typer(help="Alert subscriptions (what to be told about, and where).", no_args_is_help=True)

AsUser = Annotated[str, typer.Option("--as", help="Local user whose subscriptions these are.")]
Many = Optional[list[str]]


def _regions(values: list[str] | None) -> dict[str, list[str]]:
    regions = {}
    for value in values or ():
        name, sep, codes = value.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--region {value!r}: write NAME=CODE,CODE (e.g. maghreb=MA,DZ,TN)")
        regions[name.strip()] = [c.strip() for c in codes.split(",") if c.strip()]
    return regions


@subscription_app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A name for the subscription.")],
    username: AsUser,
    country: Annotated[Many, typer.Option("--country", help="ISO country code (repeatable).")] = None,
    region: Annotated[Many, typer.Option("--region", help="NAME=CODE,CODE… (repeatable).")] = None,
    group: Annotated[Many, typer.Option("--group", help="Perpetrator group, GTD name (repeatable).")] = None,
    attack_type: Annotated[Many, typer.Option("--attack-type", help="GTD attack type (repeatable).")] = None,
    theme: Annotated[Many, typer.Option("--theme", help="Marsad theme (repeatable).")] = None,
    keyword: Annotated[Many, typer.Option("--keyword", help="Word in the name or description (repeatable).")] = None,
    min_killed: Annotated[Optional[int], typer.Option("--min-killed")] = None,
    min_wounded: Annotated[Optional[int], typer.Option("--min-wounded")] = None,
    min_casualties: Annotated[Optional[int], typer.Option("--min-casualties", help="Killed + wounded.")] = None,
    webhook: Annotated[Optional[str], typer.Option("--webhook", help="URL to POST signed alerts to.")] = None,
    email: Annotated[Optional[str], typer.Option("--email", help="Address to e-mail alerts to.")] = None,
    no_inapp: Annotated[bool, typer.Option("--no-inapp", help="No in-app alerts.")] = False,
    language: Annotated[str, typer.Option("--language", help="ar, en or fr.")] = "ar",
    data_dir: DataDirOption = None,
    database_url: DatabaseUrlOption = None,
) -> None:
    """Subscribe USER to alerts; prints the new id (and the webhook secret, shown only now)."""
    engine = engine_for(ctx, settings_for(ctx, data_dir, database_url))
    filters = {"countries": country, "regions": _regions(region), "groups": group, "attack_types": attack_type,
               "themes": theme, "keywords": keyword, "min_killed": min_killed, "min_wounded": min_wounded,
               "min_casualties": min_casualties}
    sub = create_subscription(engine, username.strip().lower(), name, filters, language=language,
                              inapp=not no_inapp, webhook_url=webhook, email=email)
    typer.echo(f"subscription {sub.id} {sub.name!r} created")
    if sub.webhook_secret:
        typer.echo(f"webhook secret (shown once): {sub.webhook_secret}")


@subscription_app.command("list")
def listing(
    ctx: typer.Context,
    username: AsUser,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    data_dir: DataDirOption = None,
    database_url: DatabaseUrlOption = None,
) -> None:
    """List USER's subscriptions."""
    engine = engine_for(ctx, settings_for(ctx, data_dir, database_url))
    subs = list_subscriptions(engine, username.strip().lower())
    if as_json:
        typer.echo(json.dumps([s.public() for s in subs], ensure_ascii=False))
        return
    for sub in subs:
        channels = ", ".join(c for c, on in (("in-app", sub.inapp), (sub.webhook_url, sub.webhook_url),
                                             (sub.email, sub.email)) if on)
        filters = json.dumps(sub.filters, ensure_ascii=False)
        typer.echo(f"{sub.id}  {sub.name}  [{sub.language}]  {filters}  → {channels}")
    if not subs:
        typer.echo("no subscriptions")


@subscription_app.command("remove")
def remove(
    ctx: typer.Context,
    subscription_id: Annotated[int, typer.Argument(help="The subscription's id.")],
    username: AsUser,
    data_dir: DataDirOption = None,
    database_url: DatabaseUrlOption = None,
) -> None:
    """Delete one of USER's subscriptions."""
    engine = engine_for(ctx, settings_for(ctx, data_dir, database_url))
    delete_subscription(engine, username.strip().lower(), subscription_id)
    typer.echo(f"subscription {subscription_id} removed")


def register(app: typer.Typer) -> None:
    app.add_typer(subscription_app, name="subscription")
