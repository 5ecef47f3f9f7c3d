"""Checking credentials: passwords (argon2id), API keys (SHA-256 of a random secret), HTTP Authorization headers.

Why two schemes: people sign in with a password, hashed with argon2id because passwords are guessable and a slow
hash is the defence. Machines (TAXII peers, scripts) use API keys ``msd_<prefix>_<secret>`` whose secret is 256
random bits: nothing to guess, so a single SHA-256 is as safe and checks in microseconds on every request,
where an argon2 check would cost tens of milliseconds. Only the prefix (to find the row) and the digest are
stored; the key is shown once. Every failure is the same :class:`AuthenticationError` so a caller cannot tell an
unknown user from a wrong password, and an unknown user still costs one argon2 check.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from marsad.access.context import Viewer, load_viewer
from marsad.access.db import Db, connected
from marsad.errors import AuthenticationError, InputError
from marsad.store.accounts import api_keys, users, utcnow

__all__ = [
    "KEY_PREFIX",
    "MIN_PASSWORD_LENGTH",
    "hash_password",
    "verify_password",
    "check_password_strength",
    "new_api_key",
    "split_api_key",
    "secret_digest",
    "authenticate_basic",
    "authenticate_key",
    "authenticate_header",
]

KEY_PREFIX = "msd"
MIN_PASSWORD_LENGTH = 10
#: ``last_used`` of an API key is written at most this often (a write per request would serialise readers)
LAST_USED_RESOLUTION = timedelta(minutes=1)
#: longest wait for a lock when recording ``last_used`` or a rehash
TOUCH_WAIT_MS = 200
_SQLITE_BUSY_MS = 30000  # as set by marsad.store.engine

_hasher = PasswordHasher()
@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against when the user is unknown (same cost as a real check); made on first need,
    not at import, so commands that never check a password start fast."""
    return _hasher.hash("marsad: a password nobody has")
_FAILED = "wrong username, password or API key"


def check_password_strength(password: str) -> None:
    """:class:`InputError` unless the password is long enough (length beats composition rules)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"the password is too short: use at least {MIN_PASSWORD_LENGTH} characters")


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (after checking its strength)."""
    check_password_strength(password)
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches ``stored_hash``; always spends one argon2 check."""
    try:
        return _hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def secret_digest(secret: str) -> str:
    """SHA-256 hex of an API key's secret part: what is stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_api_key() -> tuple[str, str, str]:
    """A fresh key: ``(key, prefix, digest)``; show ``key`` once, store ``prefix`` and ``digest``."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return f"{KEY_PREFIX}_{prefix}_{secret}", prefix, secret_digest(secret)


def split_api_key(key: str) -> tuple[str, str]:
    """``(prefix, secret)`` of a key; :class:`AuthenticationError` if it is not of Marsad's form."""
    parts = key.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        raise AuthenticationError(_FAILED)
    return parts[1], parts[2]


def _touch(db: Db, conn: Connection, statement) -> None:
    """Run a bookkeeping write (rehash, last_used): in the caller's transaction, else on its own, best effort.

    On its own it waits at most :data:`TOUCH_WAIT_MS` for a lock, so a long import holding the database never
    stalls a sign-in: the bookkeeping is skipped instead.
    """
    if isinstance(db, Connection):
        conn.execute(statement)
        return
    try:
        with db.begin() as writer:
            if writer.dialect.name == "postgresql":
                writer.execute(text(f"SET LOCAL lock_timeout = '{TOUCH_WAIT_MS}ms'"))
                writer.execute(statement)
                return
            writer.exec_driver_sql(f"PRAGMA busy_timeout={TOUCH_WAIT_MS}")
            try:
                writer.execute(statement)
            finally:
                writer.exec_driver_sql(f"PRAGMA busy_timeout={_SQLITE_BUSY_MS}")
    except SQLAlchemyError:  # a busy database must not turn a valid sign-in into a failure
        pass


def authenticate_basic(db: Db, username: str, password: str) -> Viewer:
    """The :class:`Viewer` of an active user whose password matches; :class:`AuthenticationError` otherwise."""
    with connected(db) as conn:
        row = conn.execute(select(users.c.username, users.c.password_hash, users.c.active)
                           .where(users.c.username == (username or "").strip().lower())).first()
        ok = verify_password(row.password_hash if row else None, password or "")
        if not (row and ok and row.active):
            raise AuthenticationError(_FAILED)
        viewer = load_viewer(conn, row.username)
    if _hasher.check_needs_rehash(row.password_hash):
        _touch(db, conn, update(users).where(users.c.username == row.username)
               .values(password_hash=_hasher.hash(password)))
    return viewer


def authenticate_key(db: Db, key: str) -> Viewer:
    """The :class:`Viewer` of the active user owning the unrevoked API key ``key``; else AuthenticationError."""
    prefix, secret = split_api_key(key or "")
    with connected(db) as conn:
        row = conn.execute(
            select(api_keys.c.id, api_keys.c.secret_hash, api_keys.c.revoked, api_keys.c.last_used,
                   users.c.username, users.c.active)
            .join(users, users.c.id == api_keys.c.user_id)
            .where(api_keys.c.prefix == prefix)
        ).first()
        digest = secret_digest(secret)
        if row is None or not hmac.compare_digest(row.secret_hash, digest) or row.revoked or not row.active:
            raise AuthenticationError(_FAILED)
        viewer = load_viewer(conn, row.username)
    now = utcnow()
    if row.last_used is None or now - row.last_used >= LAST_USED_RESOLUTION:
        _touch(db, conn, update(api_keys).where(api_keys.c.id == row.id).values(last_used=now))
    return viewer


def authenticate_header(db: Db, authorization: str | None) -> Viewer:
    """The viewer from an HTTP ``Authorization`` header: ``Basic …`` or ``Bearer msd_…`` (also ``ApiKey msd_…``)."""
    scheme, _, value = (authorization or "").strip().partition(" ")
    scheme, value = scheme.lower(), value.strip()
    if scheme == "basic":
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise AuthenticationError("malformed Basic credentials") from None
        username, sep, password = decoded.partition(":")
        if not sep:
            raise AuthenticationError("malformed Basic credentials")
        return authenticate_basic(db, username, password)
    if scheme in ("bearer", "apikey"):
        return authenticate_key(db, value)
    raise AuthenticationError("sign in with HTTP Basic or an API key (Authorization: Bearer msd_…)")
