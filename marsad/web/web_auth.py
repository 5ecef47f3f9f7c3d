"""Who is asking a web request: session cookies, the Authorization header, CSRF tokens and sign-in throttling.

Why together: these four decide whether a browser request is the signed-in user's own doing.

* **Sessions** are :mod:`marsad.access.sessions` tokens in the ``marsad_session`` cookie (HttpOnly,
  SameSite=Lax, Secure when ``public_url`` is https). :func:`current_viewer` accepts that cookie OR an
  ``Authorization`` header (Basic / Bearer API key), so JSON routes serve both scripts and the pages' own
  JavaScript (e.g. the alert stream). The viewer is cached on ``request.state.viewer`` for the request.
* **CSRF**: every form POST carries ``csrf_token`` (or the ``X-CSRF-Token`` header for ``fetch``), an HMAC of
  the session token — or, before sign-in, of a random ``marsad_presession`` cookie — under the hub's key.
  A cross-site page can neither read the cookie nor compute the HMAC; :func:`check_csrf` refuses with 403.
  Requests with an API key (``Bearer``) need no token (a browser never adds one on its own); HTTP Basic is
  exempt only for non-form bodies (JSON), because a browser that once answered a Basic prompt re-sends it.
* **Throttle**: 5 failed sign-ins per username, and 20 per client address, within 5 minutes answer 429 until the
  window passes. With a database (``SignInThrottle(engine)``, what the app uses) the failures are counted from
  the audit trail — the ``deny`` entries (``attempted: login``) the sign-in route writes anyway — so every
  process and every restart shares one count, without a table of its own; a successful sign-in (a ``login``
  entry) clears the user's count. Each check reads at most the newest ``_SCAN`` entries of the window (by
  ``seq``, for this user or this address): bounded, whatever the trail's size. Without a database (tests, tools)
  the counters live in memory.
* **Secret key**: ``settings.secret_key``, else a random key generated once into ``data_dir/secret_key`` (0600).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import defaultdict, deque
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fastapi import Request
from sqlalchemy import func, select
from starlette.responses import Response

from marsad.access.auth import authenticate_header
from marsad.access.context import Viewer
from marsad.access.db import Db, connected
from marsad.access.sessions import SESSION_TTL, authenticate_session
from marsad.errors import AccessDenied, AuthenticationError, MarsadError
from marsad.store.audit import audit_log

__all__ = ["SESSION_COOKIE", "PRESESSION_COOKIE", "CSRF_FIELD", "CSRF_HEADER", "SignInThrottle", "secret_key_of",
           "current_viewer", "optional_viewer", "set_session_cookie", "clear_session_cookie", "csrf_token",
           "check_csrf", "client_address", "cookie_secure"]

SESSION_COOKIE = "marsad_session"
PRESESSION_COOKIE = "marsad_presession"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_lock = threading.Lock()
_UNSET = object()
#: content types a cross-site HTML form can send (anything else needs a CORS preflight, which we never grant)
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")


def secret_key_of(app) -> str:
    """The hub's signing key: the setting, else ``data_dir/secret_key`` (made on first use); cached on the app."""
    key = getattr(app.state, "secret_key", None)
    if key:
        return key
    settings = app.state.settings
    key = settings.secret_key
    if not key:
        path = Path(settings.data_dir) / "secret_key"
        with _lock:
            if not path.is_file():
                path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_urlsafe(48))
            key = path.read_text().strip()
    app.state.secret_key = key
    return key


def cookie_secure(request: Request) -> bool:
    """True when cookies must be Secure: the hub's public address is https (or this request came over https)."""
    public = getattr(request.app.state.settings, "public_url", None) or ""
    return public.startswith("https://") or request.url.scheme == "https"


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def optional_viewer(request: Request) -> Viewer | None:
    """The signed-in viewer (session cookie or Authorization header), or None; bad credentials are None too."""
    if getattr(request.state, "viewer", _UNSET) is not _UNSET:
        return request.state.viewer
    try:
        viewer = current_viewer(request)
    except AuthenticationError:
        viewer = None
    request.state.viewer = viewer
    return viewer


def current_viewer(request: Request) -> Viewer:
    """The signed-in viewer; :class:`AuthenticationError` (401; pages redirect to sign-in) when there is none.

    Usable as a FastAPI dependency: ``viewer: Viewer = Depends(current_viewer)``.
    """
    cached = getattr(request.state, "viewer", None)
    if cached is not None:
        return cached
    engine = request.app.state.engine
    header = request.headers.get("authorization")
    if header:
        viewer = authenticate_header(engine, header)
        request.state.via_header = True
    else:
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            raise AuthenticationError("sign in first")
        viewer = authenticate_session(engine, secret_key_of(request.app), token)
    request.state.viewer = viewer
    return viewer


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=int(SESSION_TTL.total_seconds()), httponly=True,
                        samesite="lax", secure=cookie_secure(request), path="/")


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=cookie_secure(request))


def _csrf_basis(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or request.cookies.get(PRESESSION_COOKIE) \
        or getattr(request.state, "new_presession", None)


def csrf_token(request: Request) -> str:
    """The CSRF token for forms on this page; makes a pre-session nonce (set as a cookie by ``render``) if needed."""
    basis = _csrf_basis(request)
    if not basis:
        basis = secrets.token_urlsafe(24)
        request.state.new_presession = basis
    mac = hmac.new(secret_key_of(request.app).encode("utf-8"), b"csrf:" + basis.encode("utf-8"), hashlib.sha256)
    return mac.hexdigest()


async def check_csrf(request: Request) -> None:
    """Refuse (403) a state-changing request whose CSRF token is missing or wrong (header-authenticated: exempt).

    Use as a dependency of every page POST: ``dependencies=[Depends(check_csrf)]``.
    """
    scheme = (request.headers.get("authorization") or "").strip().partition(" ")[0].lower()
    is_form = request.headers.get("content-type", "").lower().startswith(_FORM_TYPES)
    if scheme in ("bearer", "apikey") or (scheme == "basic" and not is_form):
        return  # browsers never add API keys; a cached Basic login is only a risk for cross-site *forms*
    basis = request.cookies.get(SESSION_COOKIE) or request.cookies.get(PRESESSION_COOKIE)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and is_form:
        sent = (await request.form()).get(CSRF_FIELD)
    if not basis or not isinstance(sent, str):
        raise AccessDenied("the form has expired or did not come from this site: reload the page and try again")
    expected = hmac.new(secret_key_of(request.app).encode("utf-8"), b"csrf:" + basis.encode("utf-8"),
                        hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, sent):
        raise AccessDenied("the form has expired or did not come from this site: reload the page and try again")


class SignInThrottle:
    """Failed sign-ins counted per username and per client address in a sliding window: from the audit trail when
    given ``db`` (shared by every process), else in memory of one app."""

    def __init__(self, db: Db | None = None, *, per_user: int = 5, per_address: int = 20, window: float = 300.0,
                 clock=time.monotonic, now=lambda: datetime.now(timezone.utc)):
        self.db, self.per_user, self.per_address, self.window = db, per_user, per_address, window
        self.clock, self.now = clock, now
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures[key]
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def counts(self, username: str, address: str) -> tuple[int, int]:
        """Recent failures of ``username`` (since its last successful sign-in) and from ``address``."""
        if self.db is not None:
            return _audited_failures(self.db, _user_key(username), address, self.now() - timedelta(
                seconds=self.window))
        now = self.clock()
        with self._lock:
            return len(self._recent(f"u:{_user_key(username)}", now)), len(self._recent(f"a:{address}", now))

    def check(self, username: str, address: str) -> None:
        """:class:`MarsadError` 429 while either counter is at its limit."""
        user, addr = self.counts(username, address)
        if user >= self.per_user or addr >= self.per_address:
            raise MarsadError("too many failed sign-ins: wait a few minutes and try again", status=429)

    def failed(self, username: str, address: str) -> None:
        """Count a failure (in memory only: with a database the route's ``deny`` audit entry is the count)."""
        if self.db is not None:
            return
        now = self.clock()
        with self._lock:
            self._recent(f"u:{_user_key(username)}", now).append(now)
            self._recent(f"a:{address}", now).append(now)

    def succeeded(self, username: str) -> None:
        """Clear the user's count (with a database, the route's ``login`` entry does)."""
        if self.db is not None:
            return
        with self._lock:
            self._failures.pop(f"u:{_user_key(username)}", None)


#: audit entries read per check and key (newest first): more than any limit, so counts are exact up to it
_SCAN = 200


def _user_key(username: str) -> str:
    return (username or "").strip().lower()[:64]


def _is_failed_login(row) -> bool:
    return row.action == "deny" and isinstance(row.detail, dict) and row.detail.get("attempted") == "login"


def _audited_failures(db: Db, user: str, address: str, since: datetime) -> tuple[int, int]:
    """(failed sign-ins of ``user`` since ``since`` and after its last successful one, those from ``address``),
    from the newest audit entries: two bounded reads (``ORDER BY seq DESC LIMIT``) over the window."""
    log = audit_log.c
    recent = (log.at >= since, log.action.in_(("deny", "login")))
    columns = (log.action, log.detail)
    with connected(db) as conn:
        by_user = conn.execute(select(*columns).where(*recent, func.lower(func.trim(log.actor)) == user)
                               .order_by(log.seq.desc()).limit(_SCAN)).all()
        by_address = conn.execute(select(*columns).where(*recent, log.action == "deny", log.remote_addr == address)
                                  .order_by(log.seq.desc()).limit(_SCAN)).all() if address else []
    user_failures = 0
    for row in by_user:
        if row.action == "login":
            break
        user_failures += _is_failed_login(row)
    return user_failures, sum(map(_is_failed_login, by_address))