"""Signing TAXII requests in: HTTP Basic, ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``.

Why a cache: a TAXII client sends its Basic credentials with every request (a paging loop is hundreds of
requests), and each argon2 check costs tens of milliseconds of CPU by design. So a successful Basic check is
remembered for ``ttl`` seconds under a keyed digest of the header (never the password itself); the user's
rights are still read fresh for every request (:func:`marsad.access.context.load_viewer`), so a revoked
membership or a disabled account takes effect at once. API keys are checked each time (a SHA-256 is cheap)
so a revoked key stops working at once. Failed sign-ins are audited as denials.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time

from sqlalchemy import Engine

from marsad.access import audit
from marsad.access.auth import authenticate_header, authenticate_key
from marsad.access.context import Viewer, load_viewer
from marsad.errors import AuthenticationError, NotFound

__all__ = ["CredentialCache", "authenticate_request"]

_MAX_ENTRIES = 10_000


class CredentialCache:
    """Basic credentials recently verified: digest of the header → (username, expiry)."""

    def __init__(self, ttl: float = 60.0):
        self.ttl = ttl
        self._key = secrets.token_bytes(32)
        self._entries: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def _digest(self, header: str) -> str:
        return hmac.new(self._key, header.encode("utf-8"), hashlib.sha256).hexdigest()

    def get(self, header: str) -> str | None:
        """The username verified for ``header`` within the last ``ttl`` seconds, else None."""
        digest = self._digest(header)
        with self._lock:
            found = self._entries.get(digest)
            if found and found[1] > time.monotonic():
                return found[0]
            self._entries.pop(digest, None)
        return None

    def put(self, header: str, username: str) -> None:
        with self._lock:
            if len(self._entries) >= _MAX_ENTRIES:
                self._entries.clear()
            self._entries[self._digest(header)] = (username, time.monotonic() + self.ttl)


def _failed(engine: Engine, header: str, remote_addr: str | None, exc: AuthenticationError):
    actor = "anonymous"
    audit.record_denial(engine, actor, "sign-in", reason=exc.message, remote_addr=remote_addr,
                        scheme=(header.split(" ", 1)[0][:20] if header else "none"))
    return exc


def authenticate_request(engine: Engine, cache: CredentialCache, authorization: str | None,
                         api_key: str | None, *, remote_addr: str | None = None) -> Viewer:
    """The :class:`Viewer` for a request's credentials; :class:`AuthenticationError` (401) when absent or wrong."""
    if api_key:
        try:
            return authenticate_key(engine, api_key)
        except AuthenticationError as exc:
            raise _failed(engine, "X-API-Key", remote_addr, exc) from None
    if not authorization:
        raise AuthenticationError("sign in with HTTP Basic or an API key (Authorization: Bearer <key>)")
    is_basic = authorization.lstrip().lower().startswith("basic ")
    if is_basic:
        username = cache.get(authorization)
        if username is not None:
            try:
                with engine.connect() as conn:
                    return load_viewer(conn, username)
            except NotFound:
                pass  # disabled or removed since: check the password again (and fail)
    try:
        viewer = authenticate_header(engine, authorization)
    except AuthenticationError as exc:
        raise _failed(engine, authorization, remote_addr, exc) from None
    if is_basic:
        cache.put(authorization, viewer.username)
    return viewer
