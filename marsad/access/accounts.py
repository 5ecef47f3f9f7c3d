"""Organisations, users and API keys: creating, listing, changing, with every change audited.

Why here: account rules (valid state codes, usernames that fit on a releasability list as ``user:<name>``,
roles, password strength, keys shown once) are decided in one place for the CLI and the web alike. Each change
runs in one transaction together with its ``admin`` audit entry, so nothing is half-written and nothing
changes unrecorded. ``actor`` names who made the change (a username, or ``system`` for the CLI run by the
operator).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

import pycountry
from sqlalchemy import Connection, insert, or_, select, update

from marsad.access.audit import SYSTEM, record_admin
from marsad.access.auth import hash_password, new_api_key, split_api_key
from marsad.access.db import Db, connected, in_transaction
from marsad.errors import AuthenticationError, Conflict, InputError, NotFound
from marsad.store.accounts import LANGUAGES, ROLES, api_keys, organisations, users, utcnow

__all__ = [
    "Organisation",
    "User",
    "ApiKeyInfo",
    "normalise_username",
    "create_organisation",
    "get_organisation",
    "list_organisations",
    "create_user",
    "get_user",
    "list_users",
    "set_password",
    "set_active",
    "create_api_key",
    "revoke_api_key",
    "list_api_keys",
]

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_IDENTITY = re.compile(r"^identity--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True, slots=True)
class Organisation:
    """A member-state agency or the secretariat."""

    id: str
    name: str
    country: str
    identity_id: str
    is_secretariat: bool
    created: datetime


@dataclass(frozen=True, slots=True)
class User:
    """A person (or a peer system) signing in to Marsad; ``org`` is the organisation's name."""

    username: str
    org: str
    role: str
    language: str
    active: bool
    created: datetime
    has_password: bool


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    """What is kept of an API key: never the key itself."""

    prefix: str
    username: str
    label: str | None
    created: datetime
    last_used: datetime | None
    revoked: bool


def _organisation(row) -> Organisation:
    return Organisation(row.id, row.name, row.country, row.identity_id, bool(row.is_secretariat), row.created)


def _country(code: str) -> str:
    code = (code or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code) or pycountry.countries.get(alpha_2=code) is None:
        raise InputError(f"{code!r} is not an ISO 3166-1 alpha-2 state code (e.g. SA, EG, MA)")
    return code


def normalise_username(username: str) -> str:
    """The stored form of a username (lowercase); :class:`InputError` if it cannot be one."""
    name = (username or "").strip().lower()
    if not _USERNAME.fullmatch(name):
        raise InputError(f"{username!r} is not a valid username: 2–64 of a-z 0-9 . _ -, starting with a letter "
                         "or digit")
    return name


def _find_org(conn: Connection, ref: str):
    row = conn.execute(select(organisations).where(or_(
        organisations.c.name == ref, organisations.c.id == ref, organisations.c.identity_id == ref))).first()
    if row is None:
        raise NotFound(f"no organisation {ref!r}")
    return row


def create_organisation(db: Db, name: str, country: str, *, secretariat: bool = False,
                        identity_id: str | None = None, actor: str = SYSTEM) -> Organisation:
    """Register an organisation; :class:`Conflict` if the name or identity id is taken."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InputError("an organisation needs a name of 1–200 characters")
    country = _country(country)
    identity_id = (identity_id or f"identity--{uuid.uuid4()}").strip().lower()
    if not _IDENTITY.fullmatch(identity_id):
        raise InputError(f"{identity_id!r} is not a STIX identity id (identity--<uuid>)")
    with in_transaction(db, f"organisation {name!r}") as conn:
        clash = conn.execute(select(organisations.c.name).where(or_(
            organisations.c.name == name, organisations.c.identity_id == identity_id))).first()
        if clash is not None:
            raise Conflict(f"an organisation named {clash.name!r} already has this name or identity id")
        org = Organisation(str(uuid.uuid4()), name, country, identity_id, secretariat, utcnow())
        conn.execute(insert(organisations).values(
            id=org.id, name=name, country=country, identity_id=identity_id, is_secretariat=secretariat,
            created=org.created))
        record_admin(conn, actor, "org.add", org=name, country=country, identity_id=identity_id,
                     secretariat=secretariat)
    return org


def get_organisation(db: Db, ref: str) -> Organisation:
    """The organisation with this name, id or identity id; :class:`NotFound` otherwise."""
    with connected(db) as conn:
        return _organisation(_find_org(conn, ref))


def list_organisations(db: Db) -> list[Organisation]:
    """Every organisation, by name."""
    with connected(db) as conn:
        return [_organisation(r) for r in conn.execute(select(organisations).order_by(organisations.c.name))]


def _user_query():
    return select(users, organisations.c.name.label("org_name")).join(
        organisations, organisations.c.id == users.c.org_id)


def _user(row) -> User:
    return User(row.username, row.org_name, row.role, row.language, bool(row.active), row.created,
                row.password_hash is not None)


def create_user(db: Db, username: str, org: str, role: str, password: str | None = None, *,
                language: str = "ar", actor: str = SYSTEM) -> User:
    """Add a user to organisation ``org`` (name, id or identity id); no password means API keys only."""
    username = normalise_username(username)
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    if language not in LANGUAGES:
        raise InputError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    password_hash = hash_password(password) if password is not None else None
    with in_transaction(db, f"user {username!r}") as conn:
        org_row = _find_org(conn, org)
        if conn.execute(select(users.c.id).where(users.c.username == username)).first() is not None:
            raise Conflict(f"a user named {username!r} already exists")
        created = utcnow()
        conn.execute(insert(users).values(username=username, org_id=org_row.id, role=role, language=language,
                                          password_hash=password_hash, active=True, created=created))
        record_admin(conn, actor, "user.add", user=username, org=org_row.name, role=role)
    return User(username, org_row.name, role, language, True, created, password_hash is not None)


def get_user(db: Db, username: str) -> User:
    """The user named ``username``; :class:`NotFound` otherwise."""
    with connected(db) as conn:
        row = conn.execute(_user_query().where(users.c.username == (username or "").strip().lower())).first()
    if row is None:
        raise NotFound(f"no user named {username!r}")
    return _user(row)


def list_users(db: Db, org: str | None = None) -> list[User]:
    """Every user (of ``org`` if given), by username."""
    with connected(db) as conn:
        query = _user_query().order_by(users.c.username)
        if org is not None:
            query = query.where(users.c.org_id == _find_org(conn, org).id)
        return [_user(r) for r in conn.execute(query)]


def _user_id(conn: Connection, username: str) -> int:
    found = conn.execute(select(users.c.id).where(users.c.username == (username or "").strip().lower())).first()
    if found is None:
        raise NotFound(f"no user named {username!r}")
    return found.id


def set_password(db: Db, username: str, password: str, *, actor: str = SYSTEM) -> None:
    """Replace a user's password (argon2id)."""
    password_hash = hash_password(password)
    with in_transaction(db, f"password of {username!r}") as conn:
        user_id = _user_id(conn, username)
        conn.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))
        record_admin(conn, actor, "user.password", user=username.strip().lower())


def set_active(db: Db, username: str, active: bool, *, actor: str = SYSTEM) -> None:
    """Enable or disable a user; a disabled user can neither sign in nor use API keys."""
    with in_transaction(db, f"user {username!r}") as conn:
        user_id = _user_id(conn, username)
        conn.execute(update(users).where(users.c.id == user_id).values(active=active))
        record_admin(conn, actor, "user.enable" if active else "user.disable", user=username.strip().lower())


def create_api_key(db: Db, username: str, *, label: str | None = None, actor: str = SYSTEM) -> tuple[str, ApiKeyInfo]:
    """A new API key for ``username``: ``(key, info)``. The key is not stored: show it once."""
    key, prefix, digest = new_api_key()
    with in_transaction(db, f"API key for {username!r}") as conn:
        user_id = _user_id(conn, username)
        created = utcnow()
        conn.execute(insert(api_keys).values(prefix=prefix, secret_hash=digest, user_id=user_id, label=label,
                                             created=created, revoked=False))
        record_admin(conn, actor, "key.create", user=username.strip().lower(), prefix=prefix)
    return key, ApiKeyInfo(prefix, username.strip().lower(), label, created, None, False)


def revoke_api_key(db: Db, key_or_prefix: str, *, actor: str = SYSTEM) -> None:
    """Revoke a key given by its prefix (or the whole key); :class:`NotFound` if there is no such key."""
    prefix = key_or_prefix.strip()
    if prefix.startswith("msd_"):
        try:
            prefix = split_api_key(prefix)[0]
        except AuthenticationError:
            raise InputError("not an API key or key prefix") from None
    with in_transaction(db, f"API key {prefix!r}") as conn:
        done = conn.execute(update(api_keys).where(api_keys.c.prefix == prefix).values(revoked=True))
        if done.rowcount == 0:
            raise NotFound(f"no API key with prefix {prefix!r}")
        record_admin(conn, actor, "key.revoke", prefix=prefix)


def list_api_keys(db: Db, username: str | None = None) -> list[ApiKeyInfo]:
    """API keys (of ``username`` if given), newest first; never the secrets."""
    query = (select(api_keys, users.c.username).join(users, users.c.id == api_keys.c.user_id)
             .order_by(api_keys.c.created.desc(), api_keys.c.id.desc()))
    with connected(db) as conn:
        if username is not None:
            query = query.where(api_keys.c.user_id == _user_id(conn, username))
        return [ApiKeyInfo(r.prefix, r.username, r.label, r.created, r.last_used, bool(r.revoked))
                for r in conn.execute(query)]
