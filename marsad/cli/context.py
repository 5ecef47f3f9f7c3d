"""What every CLI command needs: the settings in force and a database engine, from the same options.

Why one place: `--data-dir`, `--database-url` and `--config` may be given before the command
(`marsad --data-dir X init`) or after it (`marsad init --data-dir X`); both resolve here, through
:func:`marsad.config.load_settings`, so every command sees the same precedence
(defaults < file < ``MARSAD_*`` environment < flags).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Optional

import typer
from sqlalchemy import Engine

from marsad.config import Settings, load_settings
from marsad.store.engine import make_engine

__all__ = ["CliState", "DataDirOption", "DatabaseUrlOption", "state_from", "settings_for", "engine_for"]

DataDirOption = Annotated[
    Optional[Path],
    typer.Option("--data-dir", help="Data folder (default: per-user folder; env MARSAD_DATA_DIR).", show_default=False),
]
DatabaseUrlOption = Annotated[
    Optional[str],
    typer.Option("--database-url", help="SQLAlchemy URL, e.g. postgresql+psycopg://host/db (env MARSAD_DATABASE_URL).",
                 show_default=False),
]


@dataclass
class CliState:
    """Options given before the command; commands may override them with their own flags."""

    data_dir: Path | None = None
    database_url: str | None = None
    config: Path | None = None
    _engines: dict[str, Engine] = field(default_factory=dict)


def state_from(ctx: typer.Context) -> CliState:
    """The root state, found on the outermost context (created if a sub-app runs alone, e.g. in tests)."""
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    return root.obj


def settings_for(ctx: typer.Context, data_dir: Path | None = None, database_url: str | None = None,
                 **overrides) -> Settings:
    """Settings in force for this command: the command's own flags beat the root's."""
    state = state_from(ctx)
    return load_settings(
        state.config,
        data_dir=data_dir or state.data_dir,
        database_url=database_url or state.database_url,
        **overrides,
    )


def engine_for(ctx: typer.Context, settings: Settings) -> Engine:
    """One engine per database URL for the life of the command (disposed when the process ends)."""
    state = state_from(ctx)
    url = settings.resolved_database_url
    if url not in state._engines:
        state._engines[url] = make_engine(url)
    return state._engines[url]
