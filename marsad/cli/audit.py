"""`marsad audit verify|export|head`: check the hash-chained audit trail and hand it to an oversight body.

Why: the trail is only worth something if someone outside can check it. `verify` recomputes the chain in the
database (or in an export file, without any database) and exits 1 naming the first bad entry; `export` writes
JSON Lines whose header carries the head and a plain description of the check, so an oversight body can verify
with its own code; `head` prints ``SEQ:HASH`` to keep somewhere safe and pass later as ``--expect-head``.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Optional

import typer

from marsad.access.audit import VerifyResult, chain_head, record_admin, verify_chain
from marsad.access.audit_export import export_lines, parse_head, verify_export
from marsad.cli.accounts import actor_name as _actor, open_engine
from marsad.cli.context import DatabaseUrlOption, DataDirOption
from marsad.errors import InputError

__all__ = ["register", "audit_app"]

audit_app = typer.Typer(help="The hash-chained audit trail: verify, export, head.", no_args_is_help=True)

ExpectHead = Annotated[Optional[str], typer.Option(
    "--expect-head", help="A head kept from earlier (SEQ:HASH): fail if that entry is gone or changed.")]


def _since(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"--since {text!r} is not a date or time (e.g. 2026-11-01 or 2026-11-01T08:00:00Z)") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _report(result: VerifyResult, as_json: bool) -> None:
    head = f"{result.head.seq}:{result.head.hash}" if result.head else None
    if as_json:
        typer.echo(json.dumps({"ok": result.ok, "entries": result.entries, "first_bad_seq": result.first_bad_seq,
                               "reason": result.reason, "head": head}))
    elif result.ok:
        typer.echo(f"audit trail intact: {result.entries} entries, head {head}")
    else:
        typer.echo(f"audit trail BROKEN at entry {result.first_bad_seq}: {result.reason} "
                   f"({result.entries} entries verified before it)", err=True)
    if not result.ok:
        raise typer.Exit(code=1)


@audit_app.command("verify")
def verify(ctx: typer.Context,
           file: Annotated[Optional[Path], typer.Option("--file", help="Verify an export file instead of the "
                                                         "database ('-' for standard input).")] = None,
           expect_head: ExpectHead = None,
           as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
           data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None) -> None:
    """Recompute the chain; exit 1 and name the first bad entry if anything was edited, inserted or deleted."""
    anchor = parse_head(expect_head) if expect_head else None
    if file is None:
        _report(verify_chain(open_engine(ctx, data_dir, database_url), expected_head=anchor), as_json)
        return
    if str(file) == "-":
        _report(verify_export(sys.stdin, expected_head=anchor), as_json)
        return
    try:
        with file.open(encoding="utf-8") as handle:
            result = verify_export(handle, expected_head=anchor)
    except OSError as exc:
        raise InputError(f"cannot read {file}: {exc.strerror}") from None
    _report(result, as_json)


@audit_app.command("export")
def export(ctx: typer.Context,
           since: Annotated[Optional[str], typer.Option("--since", help="Only entries at or after this time.")] = None,
           output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write (default: "
                                                           "standard output).")] = None,
           data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None) -> None:
    """Write the trail as JSON Lines: a header (head, how to verify), then every entry with its chain fields."""
    engine = open_engine(ctx, data_dir, database_url)
    lines = export_lines(engine, since=_since(since))
    if output is None:
        count = sum(typer.echo(line) is None for line in lines) - 1
    else:
        count = _write_atomically(output, lines)
        typer.echo(f"{count} entries written to {output}", err=True)
    record_admin(engine, _actor(), "audit.export", entries=count, since=since, file=output.name if output else None)


def _write_atomically(output: Path, lines) -> int:
    """Write ``lines`` to ``output`` through a temporary file, so a failure never leaves half an export."""
    partial = output.with_name(output.name + ".part")
    try:
        with partial.open("w", encoding="utf-8") as handle:
            count = sum(handle.write(line + "\n") > 0 for line in lines) - 1
        partial.replace(output)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError(f"cannot write {output}: {exc.strerror}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count


@audit_app.command("head")
def head(ctx: typer.Context, data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None) -> None:
    """Print the chain head as SEQ:HASH (keep it outside Marsad; pass it later to --expect-head)."""
    found = chain_head(open_engine(ctx, data_dir, database_url))
    typer.echo(f"{found.seq}:{found.hash}")


def register(app: typer.Typer) -> None:
    """Add the ``audit`` command group to ``app``."""
    app.add_typer(audit_app, name="audit")
