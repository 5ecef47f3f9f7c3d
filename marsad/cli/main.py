"""The `marsad` command: one Typer application assembled from one module per command group.

Why this shape: each group (`db`, `import`, `org`, `user`, `audit`, `sync`, `extract`…) lives beside the
code it drives and exposes ``register(app)``; this module only orders them, owns the root options, and
turns Marsad's errors into a message and a non-zero exit instead of a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from marsad import __version__
from marsad.cli import accounts, alerts, analysis, audit, data, extract, graph, monitor, server, sources, sync, wallets
from marsad.cli.context import CliState, DatabaseUrlOption, DataDirOption
from marsad.errors import MarsadError

__all__ = ["app", "run", "COMMAND_MODULES"]


class MarsadGroup(TyperGroup):
    """The root group: a :class:`MarsadError` anywhere below becomes ``Error: <message>`` and exit 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except MarsadError as exc:
            typer.secho(f"Error: {exc.message}", err=True, fg=typer.colors.RED)
            raise typer.Exit(code=1) from None


app = typer.Typer(
    name="marsad",
    cls=MarsadGroup,
    help="Marsad (مرصد): regional counter-terrorism information exchange, monitoring and analysis.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"marsad {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    data_dir: DataDirOption = None,
    database_url: DatabaseUrlOption = None,
    config: Annotated[Optional[Path], typer.Option("--config", help="Settings file (TOML); env MARSAD_CONFIG.",
                                                   show_default=False)] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Marsad (مرصد). Start with `marsad up` (or `marsad init`, then `marsad serve`)."""
    ctx.obj = CliState(data_dir=data_dir, database_url=database_url, config=config)


#: command modules in the order their commands appear in --help; each exposes ``register(app)``
COMMAND_MODULES = (data, server, monitor, accounts, audit, extract, analysis, graph, wallets, sync, alerts, sources)
for _module in COMMAND_MODULES:
    _module.register(app)


def run() -> None:
    """Console entry point."""
    app()
