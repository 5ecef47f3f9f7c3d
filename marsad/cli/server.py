"""`marsad serve` and `marsad config`: run the web application, show the settings in force."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
import uvicorn

from marsad.cli.context import DatabaseUrlOption, DataDirOption, engine_for, settings_for
from marsad.config import Settings
from marsad.web.app import create_app

__all__ = ["register"]


def serve(
    ctx: typer.Context,
    host: Annotated[Optional[str], typer.Option(help="Address to listen on (default 127.0.0.1).")] = None,
    port: Annotated[Optional[int], typer.Option(help="Port to listen on (default 8800).")] = None,
    data_dir: DataDirOption = None,
    database_url: DatabaseUrlOption = None,
) -> None:
    """Serve the API (TAXII 2.1 at /taxii2/, JSON API, web pages) until stopped."""
    settings = settings_for(ctx, data_dir, database_url, host=host, port=port)
    application = create_app(settings, engine=engine_for(ctx, settings))
    typer.echo(f"Marsad serving on http://{settings.host}:{settings.port}/ (database: {_safe_url(settings)})")
    uvicorn.run(application, host=settings.host, port=settings.port, log_level=settings.log_level.lower())


def show_config(ctx: typer.Context, data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None) -> None:
    """Print the settings in force (secrets hidden)."""
    settings = settings_for(ctx, data_dir, database_url)
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if name in ("secret_key", "smtp_password") and value:
            value = "(set)"
        if name == "database_url":
            value = _safe_url(settings)
        typer.echo(f"{name} = {value}")


def _safe_url(settings: Settings) -> str:
    """The database URL with any password hidden."""
    url = settings.resolved_database_url
    if "@" in url and ":" in url.split("@")[0].split("//")[-1]:
        scheme, rest = url.split("//", 1)
        creds, host = rest.split("@", 1)
        return f"{scheme}//{creds.split(':')[0]}:***@{host}"
    return url


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("config")(show_config)
