"""Signing TAXII requests in: HTTP Basic, ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``.

Why a cache: a TAXII client sends its Basic credentials with every request (a paging loop is hundreds of
requests), and each argon2 check costs tens of milliseconds of CPU by design. So a successful Basic check is
remembered for ``ttl`` seconds under a keyed digest of the header (never the password itself). The user's
rights (:func:`marsad.access.context.load_viewer`: six queries, about a tenth of a 100-object POST's CPU) are
read fresh for every request unless the cache is given a ``rights_ttl``: then the rights read for a header are
reused for that many seconds. The TAXII routes use :data:`RIGHTS_TTL` (2 s): a revoked membership or a
disabled account takes effect within 2 seconds for a client already signed in, at once for everyone else;
each process keeps its own cache, so the bound holds with several workers too. API keys are checked each time (a SHA-256 is cheap)
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

__all__ = ["CredentialCache", "authenticate_request", "RIGHTS_TTL"]

_MAX_ENTRIES = 10_000
#: seconds the TAXII routes reuse the rights read for a verified Basic header (see the module docstring)
RIGHTS_TTL = 2.0


class CredentialCache:
    """Basic credentials recently verified: digest of the header → (username, expiry)."""

    def __init__(self, ttl: float = 60.0, rights_ttl: float = 0.0):
        self.ttl = ttl
        self.rights_ttl = rights_ttl
        self._key = secrets.token_bytes(32)
        self._entries: dict[str, tuple[str, float]] = {}
        self._rights: dict[str, tuple[Viewer, float]] = {}
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
                self._rights.clear()
            self._entries[self._digest(header)] = (username, time.monotonic() + self.ttl)

    def viewer(self, header: str) -> Viewer | None:
        """The rights read for ``header`` within the last ``rights_ttl`` seconds (and its sign-in still valid)."""
        if self.rights_ttl <= 0:
            return None
        digest = self._digest(header)
        now = time.monotonic()
        with self._lock:
            signed_in, found = self._entries.get(digest), self._rights.get(digest)
            if found and found[1] > now and signed_in and signed_in[1] > now and signed_in[0] == found[0].username:
                return found[0]
            self._rights.pop(digest, None)
        return None

    def keep_viewer(self, header: str, viewer: Viewer) -> None:
        """Remember the rights just read for ``header`` for ``rights_ttl`` seconds (nothing when it is 0)."""
        if self.rights_ttl > 0:
            with self._lock:
                if len(self._rights) >= _MAX_ENTRIES:
                    self._rights.clear()
                self._rights[self._digest(header)] = (viewer, time.monotonic() + self.rights_ttl)


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
        viewer = cache.viewer(authorization)
        if viewer is not None:
            return viewer
        username = cache.get(authorization)
        if username is not None:
            try:
                with engine.connect() as conn:
                    viewer = load_viewer(conn, username)
                cache.keep_viewer(authorization, viewer)
                return viewer
            except NotFound:
                pass  # disabled or removed since: check the password again (and fail)
    try:
        viewer = authenticate_header(engine, authorization)
    except AuthenticationError as exc:
        raise _failed(engine, authorization, remote_addr, exc) from None
    if is_basic:
        cache.put(authorization, viewer.username)
        cache.keep_viewer(authorization, viewer)
    return viewer
