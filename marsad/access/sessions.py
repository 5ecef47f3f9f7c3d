"""Signed session tokens for the web interface: sign in once with a password, then carry a cookie.

Why stateless and signed: no session table to clean up, and nothing to steal from the database. A token is
``<payload>.<signature>`` (base64url; HMAC-SHA256 with the hub's ``secret_key``); the payload holds the username,
issue and expiry times, and a fingerprint of the user's current password hash, so changing a password ends
every session of that user, and disabling a user ends them at the next request (the viewer is re-read each
time). Changing ``secret_key`` ends all sessions.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from marsad.access.context import Viewer, load_viewer
from marsad.access.db import Db, connected
from marsad.errors import AuthenticationError, ConfigError, NotFound
from marsad.store.accounts import users, utcnow

__all__ = ["SESSION_TTL", "issue_session", "authenticate_session"]

#: how long a session lasts without signing in again (a working day)
SESSION_TTL = timedelta(hours=8)
_EXPIRED = "your session has ended: sign in again"


def _key(secret_key: str | bytes) -> bytes:
    key = secret_key.encode("utf-8") if isinstance(secret_key, str) else bytes(secret_key)
    if len(key) < 16:
        raise ConfigError("secret_key is too short to sign sessions (use at least 32 random characters)")
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _fingerprint(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "").encode("utf-8")).hexdigest()[:16]


def _sign(key: bytes, payload: str) -> str:
    return _b64(hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest())


def _user_row(conn, username: str):
    return conn.execute(select(users.c.username, users.c.password_hash, users.c.active)
                        .where(users.c.username == username)).first()


def issue_session(db: Db, secret_key: str | bytes, username: str, *, ttl: timedelta = SESSION_TTL,
                  now: datetime | None = None) -> str:
    """A session token for ``username`` (call after :func:`~marsad.access.auth.authenticate_basic` succeeded)."""
    key, now = _key(secret_key), now or utcnow()
    with connected(db) as conn:
        row = _user_row(conn, username)
    if row is None or not row.active:
        raise AuthenticationError(_EXPIRED)
    body = {"u": row.username, "iat": int(now.timestamp()), "exp": int((now + ttl).timestamp()),
            "fp": _fingerprint(row.password_hash), "n": secrets.token_hex(8)}
    payload = _b64(json.dumps(body, separators=(",", ":")).encode("utf-8"))
    return f"{payload}.{_sign(key, payload)}"


def _payload(key: bytes, token: str) -> dict:
    payload, sep, signature = (token or "").partition(".")
    if not sep or not hmac.compare_digest(_sign(key, payload), signature):
        raise AuthenticationError(_EXPIRED)
    try:
        body = json.loads(_unb64(payload))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise AuthenticationError(_EXPIRED) from None
    if not isinstance(body, dict) or not {"u", "exp", "fp"} <= body.keys():
        raise AuthenticationError(_EXPIRED)
    return body


def authenticate_session(db: Db, secret_key: str | bytes, token: str, *, now: datetime | None = None) -> Viewer:
    """The :class:`Viewer` of a valid, unexpired session whose user is active and kept the same password."""
    body = _payload(_key(secret_key), token)
    if (now or utcnow()).timestamp() >= body["exp"]:
        raise AuthenticationError(_EXPIRED)
    with connected(db) as conn:
        row = _user_row(conn, body["u"])
        if row is None or not row.active or not hmac.compare_digest(_fingerprint(row.password_hash), body["fp"]):
            raise AuthenticationError(_EXPIRED)
        try:
            return load_viewer(conn, row.username)
        except NotFound:
            raise AuthenticationError(_EXPIRED) from None
