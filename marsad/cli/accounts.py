"""`marsad org|user|key|collection …`: accounts and who reaches which collection, from the command line.

Why: an administrator on an air-gapped hub sets up organisations, users, API keys and collection rights before
anything else can happen, without the web interface. Every change is audited with the operating-system user
as the actor (``cli:<login>``). Passwords come from standard input (``--password-stdin``) or a hidden prompt,
never from the command line; API keys are printed once and never again.
"""

from __future__ import annotations

import getpass
import json
import sys
from typing import Annotated, Optional

import typer
from sqlalchemy import Engine

from marsad.access import accounts, memberships
from marsad.cli.context import DatabaseUrlOption, DataDirOption, engine_for, settings_for
from marsad.errors import ConfigError, InputError
from marsad.store.migrate import current
from marsad.store.store import Store

__all__ = ["register", "open_engine", "actor_name", "org_app", "user_app", "key_app", "collection_app"]

org_app = typer.Typer(help="Organisations: member-state agencies and the secretariat.", no_args_is_help=True)
user_app = typer.Typer(help="Users: analysts, liaison officers, administrators, auditors.", no_args_is_help=True)
key_app = typer.Typer(help="API keys for TAXII peers and scripts (shown once).", no_args_is_help=True)
collection_app = typer.Typer(help="Collections and which organisations may read or write them.",
                             no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def open_engine(ctx: typer.Context, data_dir=None, database_url=None) -> Engine:
    """The engine for this command (the one place the CLI builds it); refuses a database never initialised."""
    engine = engine_for(ctx, settings_for(ctx, data_dir, database_url))
    if current(engine) is None:
        raise ConfigError("this database has no Marsad schema yet: run `marsad init` first")
    return engine


def actor_name() -> str:
    """The audit actor of a CLI change: ``cli:<operating-system login>``."""
    try:
        return f"cli:{getpass.getuser()}"[:64]
    except (KeyError, OSError):  # no login name in some containers
        return "cli"


def _emit(rows: list[dict], as_json: bool, columns: list[str]) -> None:
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, default=str))
        return
    for row in rows:
        typer.echo("  ".join("-" if row[c] is None else str(row[c]) for c in columns))


# --- organisations -------------------------------------------------------------------------------------------

@org_app.command("add")
def org_add(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Organisation name (unique).")],
            country: Annotated[str, typer.Option("--country", help="ISO 3166-1 alpha-2 state code, e.g. SA.")],
            secretariat: Annotated[bool, typer.Option("--secretariat", help="This is the secretariat.")] = False,
            identity_id: Annotated[Optional[str], typer.Option("--identity-id",
                                                               help="Its STIX identity id (default: new).")] = None,
            data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None) -> None:
    """Register an organisation; prints its STIX identity id (the created_by_ref of what it publishes)."""
    org = accounts.create_organisation(open_engine(ctx, data_dir, database_url), name, country,
                                       secretariat=secretariat, identity_id=identity_id, actor=actor_name())
    typer.echo(f"organisation {org.name!r} ({org.country}) added: {org.identity_id}")


@org_app.command("list")
def org_list(ctx: typer.Context, as_json: JsonFlag = False, data_dir: DataDirOption = None,
             database_url: DatabaseUrlOption = None) -> None:
    """List organisations: name, state, identity id, secretariat flag."""
    rows = [{"name": o.name, "country": o.country, "identity_id": o.identity_id,
             "secretariat": o.is_secretariat, "id": o.id}
            for o in accounts.list_organisations(open_engine(ctx, data_dir, database_url))]
    _emit(rows, as_json, ["name", "country", "identity_id", "secretariat"])


# --- users ---------------------------------------------------------------------------------------------------

def _read_password(from_stdin: bool, confirm: bool = True) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InputError("no password on standard input")
        return password
    if not sys.stdin.isatty():
        raise InputError("give the password with --password-stdin (or run in a terminal to be prompted)")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=confirm)


@user_app.command("add")
def user_add(ctx: typer.Context, username: Annotated[str, typer.Argument(help="Login name (a-z 0-9 . _ -).")],
             org: Annotated[str, typer.Option("--org", help="Organisation name.")],
             role: Annotated[str, typer.Option("--role", help="analyst, liaison, admin or auditor.")],
             password_stdin: Annotated[bool, typer.Option("--password-stdin",
                                                          help="Read the password from standard input.")] = False,
             no_password: Annotated[bool, typer.Option("--no-password",
                                                       help="No password: API keys only.")] = False,
             language: Annotated[str, typer.Option("--language", help="ar, en or fr.")] = "ar",
             data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None) -> None:
    """Add a user to an organisation with one role."""
    password = None if no_password else _read_password(password_stdin)
    user = accounts.create_user(open_engine(ctx, data_dir, database_url), username, org, role, password,
                                language=language, actor=actor_name())
    typer.echo(f"user {user.username!r} added to {user.org!r} as {user.role}")


@user_app.command("list")
def user_list(ctx: typer.Context, org: Annotated[Optional[str], typer.Option("--org", help="Only this one.")] = None,
              as_json: JsonFlag = False, data_dir: DataDirOption = None,
              database_url: DatabaseUrlOption = None) -> None:
    """List users: username, organisation, role, language, active."""
    rows = [{"username": u.username, "org": u.org, "role": u.role, "language": u.language, "active": u.active,
             "password": u.has_password}
            for u in accounts.list_users(open_engine(ctx, data_dir, database_url), org)]
    _emit(rows, as_json, ["username", "org", "role", "language", "active"])


@user_app.command("password")
def user_password(ctx: typer.Context, username: str,
                  password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
                  data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None) -> None:
    """Set a user's password."""
    accounts.set_password(open_engine(ctx, data_dir, database_url), username, _read_password(password_stdin),
                          actor=actor_name())
    typer.echo(f"password of {username!r} changed")


@user_app.command("disable")
def user_disable(ctx: typer.Context, username: str, data_dir: DataDirOption = None,
                 database_url: DatabaseUrlOption = None) -> None:
    """Disable a user: no sign-in, no API key works."""
    accounts.set_active(open_engine(ctx, data_dir, database_url), username, False, actor=actor_name())
    typer.echo(f"user {username!r} disabled")


@user_app.command("enable")
def user_enable(ctx: typer.Context, username: str, data_dir: DataDirOption = None,
                database_url: DatabaseUrlOption = None) -> None:
    """Enable a disabled user again."""
    accounts.set_active(open_engine(ctx, data_dir, database_url), username, True, actor=actor_name())
    typer.echo(f"user {username!r} enabled")


# --- API keys ------------------------------------------------------------------------------------------------

@key_app.command("create")
def key_create(ctx: typer.Context, username: str,
               label: Annotated[Optional[str], typer.Option("--label", help="What the key is for.")] = None,
               data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None) -> None:
    """Create an API key and print it once (only its hash is kept)."""
    key, info = accounts.create_api_key(open_engine(ctx, data_dir, database_url), username, label=label,
                                        actor=actor_name())
    typer.echo(key)
    typer.echo(f"API key {info.prefix} for {info.username}: store it now, it cannot be shown again", err=True)


@key_app.command("list")
def key_list(ctx: typer.Context, username: Annotated[Optional[str], typer.Argument()] = None,
             as_json: JsonFlag = False, data_dir: DataDirOption = None,
             database_url: DatabaseUrlOption = None) -> None:
    """List API keys (prefix, user, label, created, last used, revoked); never the secrets."""
    rows = [{"prefix": k.prefix, "username": k.username, "label": k.label, "created": k.created,
             "last_used": k.last_used, "revoked": k.revoked}
            for k in accounts.list_api_keys(open_engine(ctx, data_dir, database_url), username)]
    _emit(rows, as_json, ["prefix", "username", "label", "created", "last_used", "revoked"])


@key_app.command("revoke")
def key_revoke(ctx: typer.Context, prefix: Annotated[str, typer.Argument(help="Key prefix (or the whole key).")],
               data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None) -> None:
    """Revoke an API key at once."""
    accounts.revoke_api_key(open_engine(ctx, data_dir, database_url), prefix, actor=actor_name())
    typer.echo("API key revoked")


# --- collections and who reaches them ----------------------------------------------------------------------------
# membership = the community (GREEN, AMBER without a list, unmarked); open = CLEAR for every user; a read grant =
# the audited exception (e.g. the secretariat reading a collection it is not a member of)

Collection = Annotated[str, typer.Argument(help="Collection id or alias.")]
Org = Annotated[str, typer.Argument(help="Organisation name.")]


@collection_app.command("create")
def collection_create(ctx: typer.Context, title: str,
                      alias: Annotated[Optional[str], typer.Option("--alias", help="Short unique name.")] = None,
                      description: Annotated[Optional[str], typer.Option("--description")] = None,
                      data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None) -> None:
    """Create a collection (closed: no organisation reaches it until granted)."""
    found = Store(open_engine(ctx, data_dir, database_url)).create_collection(title, alias=alias,
                                                                              description=description)
    typer.echo(f"collection {found.id} ({found.alias or found.title}) created")


@collection_app.command("list")
def collection_list(ctx: typer.Context, as_json: JsonFlag = False, data_dir: DataDirOption = None,
                    database_url: DatabaseUrlOption = None) -> None:
    """List collections: id, alias, title, open to every user (CLEAR), members with r(ead)/w(rite)."""
    engine = open_engine(ctx, data_dir, database_url)
    members: dict[str, list[str]] = {}
    for m in memberships.list_memberships(engine):
        members.setdefault(m.collection_id, []).append(f"{m.org}:{'r' if m.can_read else ''}{'w' if m.can_write else ''}")
    opened = memberships.open_collections(engine)
    rows = [{"id": c.id, "alias": c.alias, "title": c.title, "open": c.id in opened,
             "members": ",".join(members.get(c.id, [])) or None} for c in Store(engine).list_collections()]
    _emit(rows, as_json, ["id", "alias", "title", "open", "members"])


@collection_app.command("grant")
def collection_grant(ctx: typer.Context, collection: Collection, org: Org,
                     read: Annotated[bool, typer.Option("--read/--no-read", help="May read.")] = True,
                     write: Annotated[bool, typer.Option("--write/--no-write", help="May add objects.")] = False,
                     data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None) -> None:
    """Make an organisation a member of a collection (replacing its earlier rights there)."""
    done = memberships.set_membership(open_engine(ctx, data_dir, database_url), collection, org, read=read,
                                      write=write, actor=actor_name())
    rights = "+".join(r for r, on in (("read", done.can_read), ("write", done.can_write)) if on)
    typer.echo(f"{done.org!r} is a member of {done.collection_id} with {rights}")


@collection_app.command("revoke")
def collection_revoke(ctx: typer.Context, collection: Collection, org: Org, data_dir: DataDirOption = None,
                      database_url: DatabaseUrlOption = None) -> None:
    """End an organisation's membership of a collection."""
    memberships.remove_membership(open_engine(ctx, data_dir, database_url), collection, org, actor=actor_name())
    typer.echo(f"{org!r} is no longer a member of {collection}")


@collection_app.command("open")
def collection_open(ctx: typer.Context, collection: Collection,
                    close: Annotated[bool, typer.Option("--close", help="Close it again.")] = False,
                    data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None) -> None:
    """Let every signed-in user read the collection's CLEAR objects (or stop, with --close)."""
    memberships.set_open_read(open_engine(ctx, data_dir, database_url), collection, not close, actor=actor_name())
    typer.echo(f"collection {collection} {'closed' if close else 'open'} to every user for CLEAR objects")


@collection_app.command("grant-read")
def collection_grant_read(ctx: typer.Context, collection: Collection, org: Org,
                          max_tlp: Annotated[str, typer.Option("--max-tlp",
                                                               help="green, amber, amber+strict or red.")] = "amber",
                          reason: Annotated[Optional[str], typer.Option("--reason", help="Why (audited).")] = None,
                          revoke: Annotated[bool, typer.Option("--revoke", help="Withdraw the grant.")] = False,
                          data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None) -> None:
    """Grant an organisation (e.g. the secretariat) reading of a collection's objects up to a TLP level."""
    engine = open_engine(ctx, data_dir, database_url)
    if revoke:
        memberships.revoke_read_grant(engine, collection, org, actor=actor_name())
        typer.echo(f"read grant of {org!r} on {collection} withdrawn")
        return
    memberships.grant_read(engine, collection, org, max_tlp=max_tlp, reason=reason, actor=actor_name())
    typer.echo(f"{org!r} may read {collection} up to TLP:{max_tlp.upper()}")


def register(app: typer.Typer) -> None:
    """Add the ``org``, ``user``, ``key`` and ``collection`` command groups to ``app``."""
    app.add_typer(org_app, name="org")
    app.add_typer(user_app, name="user")
    app.add_typer(key_app, name="key")
    app.add_typer(collection_app, name="collection")
