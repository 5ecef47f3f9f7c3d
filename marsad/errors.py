"""The one exception tree of Marsad.

Every error Marsad raises on purpose derives from :class:`MarsadError`, carries a message fit to show a user
(never a traceback, never another organisation's data) and, where it can reach HTTP, the status to send::

    MarsadError (500)
    ├── InputError (400)            bad input from a user or a peer
    │   ├── InvalidJSON (400)       not JSON / not JSON Lines
    │   ├── InvalidSTIX (400)       not valid STIX 2.1 (names the object and the reason)
    │   ├── UnknownMarking (400)    a marking id Marsad does not know
    │   ├── InvalidFilter (400)     malformed query filter or paging token
    │   ├── TooLarge (413)          over a configured size limit
    │   ├── UnsupportedMediaType (415)
    │   └── NotAcceptable (406)
    ├── Conflict (409)              same id and version with different content, duplicates
    ├── NotFound (404)              unknown object, collection, user… (also used instead of 403 to avoid leaks)
    ├── AuthenticationError (401)   no or wrong credentials
    ├── AccessDenied (403)          known user, not allowed
    ├── ConfigError (500)           settings that cannot work
    └── StoreError (503)            the database failed; nothing was half-written

Layers raise the most specific class; the web layer maps ``status`` to the HTTP answer and the CLI prints
``message`` and exits non-zero.
"""

from __future__ import annotations

__all__ = [
    "MarsadError",
    "InputError",
    "InvalidJSON",
    "InvalidSTIX",
    "UnknownMarking",
    "InvalidFilter",
    "TooLarge",
    "UnsupportedMediaType",
    "NotAcceptable",
    "Conflict",
    "NotFound",
    "AuthenticationError",
    "AccessDenied",
    "ConfigError",
    "StoreError",
]


class MarsadError(Exception):
    """Root of Marsad's errors: ``message`` is safe to show a user, ``status`` is the HTTP status."""

    status: int = 500

    def __init__(self, message: str, *, status: int | None = None, details: list[dict] | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        #: optional per-item details (e.g. one entry per rejected STIX object: {"id":…, "message":…})
        self.details = details or []

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class InputError(MarsadError):
    """Bad input from a user or a peer."""

    status = 400


class InvalidJSON(InputError):
    """Input that is not JSON (or a line of JSON Lines that is not)."""


class InvalidSTIX(InputError):
    """An object that is not valid STIX 2.1; the message names the object and the reason."""


class UnknownMarking(InputError):
    """A marking-definition id that is neither built in nor stored."""


class InvalidFilter(InputError):
    """A malformed query filter, date or paging token."""


class TooLarge(InputError):
    """Input over a configured size limit."""

    status = 413


class UnsupportedMediaType(InputError):
    """A request body in a media type the endpoint does not take."""

    status = 415


class NotAcceptable(InputError):
    """An Accept header the endpoint cannot satisfy."""

    status = 406


class Conflict(MarsadError):
    """The same id and version already stored with different content, or a duplicate name."""

    status = 409


class NotFound(MarsadError):
    """Unknown object, collection, user; also answered where 'forbidden' would leak existence."""

    status = 404


class AuthenticationError(MarsadError):
    """No credentials, or wrong ones."""

    status = 401


class AccessDenied(MarsadError):
    """A known user without the right to do this."""

    status = 403


class ConfigError(MarsadError):
    """Settings that cannot work (bad URL, unwritable data folder…)."""

    status = 500


class StoreError(MarsadError):
    """The database failed; the transaction was rolled back, nothing was half-written."""

    status = 503
