"""`marsad extract [FILE|-]`: news reports (JSON Lines) → incident records (JSON Lines) on stdout.

Why a streaming command: it is the offline, scriptable face of the extractor — analysts pipe a day's
reports through it, other tools read its output line by line. One output line per input report, same
order; a line that is not JSON, not UTF-8 or has no ``text`` becomes ``{"id"?, "error"}`` and the run goes
on. Exit 0 when the run completes; 1 when FILE does not exist or cannot be read.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, BinaryIO

import typer

from marsad.monitor import extract_lines

__all__ = ["register", "extract_command"]


def extract_command(
    file: Annotated[str, typer.Argument(help="JSON Lines file of reports, or - for standard input.",
                                        metavar="[FILE|-]")] = "-",
) -> None:
    """Extract incident records from news reports in Arabic, English or French (JSON Lines in and out).

    Each input line: {"id", "text", "title"?, "published"? (YYYY-MM-DD), "lang"?}. Each output line: id,
    is_incident, incident_probability, lang, date, country, admin1, city, latitude, longitude,
    perpetrator, attack_types, target_types, weapon_types, killed, wounded, themes.
    """
    if file == "-":
        _run(sys.stdin.buffer)
        return
    path = Path(file)
    if not path.is_file():
        typer.secho(f"Error: {file}: no such file", err=True, fg=typer.colors.RED)
        raise typer.Exit(code=1)
    try:
        with path.open("rb") as fh:
            _run(fh)
    except OSError as exc:
        typer.secho(f"Error: cannot read {file}: {exc.strerror or exc}", err=True, fg=typer.colors.RED)
        raise typer.Exit(code=1) from None


def _run(stream: BinaryIO) -> None:
    write = sys.stdout.write
    for record in extract_lines(stream):
        write(record + "\n")
    sys.stdout.flush()


def register(app: typer.Typer) -> None:
    """Add the `extract` command to the root application."""
    app.command("extract")(extract_command)
