"""The remote side of a federation sync: a TAXII 2.1 server reached with the OASIS ``taxii2-client``.

Why a small adapter: :mod:`marsad.exchange.sync` needs four things from a peer — a page of objects with its
``more``/``next`` and the ``X-TAXII-Date-Added-First/Last`` headers, one object (to fetch a marking-definition
the page refers to), and Add Objects with its status. ``taxii2-client`` returns only response bodies, so a
response hook on its ``requests`` session keeps the last response's headers. Any other implementation of
:class:`Peer` (a fake in tests, another transport) can be passed to the sync functions instead.

Errors become :class:`marsad.errors.MarsadError` subclasses naming the remote: 401 →
:class:`AuthenticationError`, 403 → :class:`AccessDenied`, 404 → :class:`NotFound`, other 4xx →
:class:`InputError`, network failures, timeouts and 5xx → :class:`PeerUnavailable` (status 502).
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field
from typing import Protocol

import requests
from taxii2client.common import _HTTPConnection
from taxii2client.exceptions import TAXIIServiceException
from taxii2client.v21 import ApiRoot, Collection

from marsad.errors import AccessDenied, AuthenticationError, InputError, MarsadError, NotFound

__all__ = ["Peer", "RemotePage", "RemoteStatus", "TaxiiPeer", "PeerUnavailable", "normalise_url"]


class PeerUnavailable(MarsadError):
    """The remote TAXII server could not be reached or failed (network, timeout, 5xx)."""

    status = 502


@dataclass(frozen=True)
class RemotePage:
    """One Get Objects answer: the objects, paging, and the date_added span the server reported (strings)."""

    objects: list[dict]
    more: bool = False
    next: str | None = None
    date_added_first: str | None = None
    date_added_last: str | None = None


@dataclass(frozen=True)
class RemoteStatus:
    """The outcome of one Add Objects request, as the remote's status resource tells it."""

    id: str
    status: str
    success_count: int = 0
    failure_count: int = 0
    pending_count: int = 0
    successes: list[dict] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)


class Peer(Protocol):
    """What the sync needs from a remote server (``url``: its API root, ending in /)."""

    url: str

    def get_objects(self, collection: str, *, added_after: str | None, next: str | None,
                    limit: int) -> RemotePage: ...

    def get_object(self, collection: str, object_id: str) -> list[dict]: ...

    def add_objects(self, collection: str, objects: list[dict]) -> RemoteStatus: ...


def normalise_url(url: str) -> str:
    """An API root URL with exactly one final slash; :class:`InputError` unless http(s)."""
    url = (url or "").strip()
    if not url.startswith(("http://", "https://")):
        raise InputError(f"{url!r} is not an http(s) URL of a TAXII API root")
    return url.rstrip("/") + "/"


class _BearerAuth(requests.auth.AuthBase):
    """``Authorization: Bearer <key>`` (Marsad API keys; taxii2-client's TokenAuth sends ``Token``)."""

    def __init__(self, key: str):
        self.key = key

    def __call__(self, request):
        request.headers["Authorization"] = f"Bearer {self.key}"
        return request


class TaxiiPeer:
    """A TAXII 2.1 API root, with HTTP Basic (``user``/``password``) or an API key (Bearer)."""

    def __init__(self, url: str, *, user: str | None = None, password: str | None = None,
                 api_key: str | None = None, verify: bool = True, timeout: float = 60.0,
                 wait_timeout: float = 60.0):
        self.url = normalise_url(url)
        auth = _BearerAuth(api_key) if api_key else None
        self._conn = _HTTPConnection(user if not api_key else None, password if not api_key else None, verify,
                                     version="2.1", auth=auth)
        self._conn.session.request = functools.partial(self._conn.session.request, timeout=timeout)
        self._conn.session.hooks["response"].append(self._keep_headers)
        self._headers: dict[str, str] = {}
        self._collections: dict[str, Collection] = {}
        self._wait_timeout = wait_timeout

    def _keep_headers(self, response, *args, **kwargs):
        self._headers = dict(response.headers)
        return response

    def close(self) -> None:
        self._conn.close()

    def _call(self, what: str, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except requests.HTTPError as exc:
            code = exc.response.status_code if exc.response is not None else 0
            raise _http_error(self.url, what, code, exc.response) from None
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise PeerUnavailable(f"cannot reach {self.url} to {what}: {exc.__class__.__name__}") from None
        except (TAXIIServiceException, ValueError) as exc:
            raise PeerUnavailable(f"{self.url} answered {what} with something that is not TAXII 2.1: "
                                  f"{str(exc).splitlines()[0][:200]}") from None

    def _collection(self, collection: str) -> Collection:
        if collection not in self._collections:
            ident = self._resolve(collection)
            found = Collection(f"{self.url}collections/{ident}/", conn=self._conn)
            self._call(f"read collection {collection}", found.refresh)
            self._collections[collection] = found
        return self._collections[collection]

    def _resolve(self, collection: str) -> str:
        """A collection id from an id or an alias (aliases are looked up in the API root's list)."""
        try:
            return str(uuid.UUID(collection))
        except ValueError:
            pass
        root = ApiRoot(self.url, conn=self._conn)
        self._call("list collections", root.refresh_collections)
        for item in root.collections:
            if collection in (item.id, item.alias):
                return item.id
        raise NotFound(f"{self.url} has no collection {collection!r} you may see")

    def get_objects(self, collection: str, *, added_after: str | None, next: str | None, limit: int) -> RemotePage:
        target = self._collection(collection)
        body = self._call(f"read objects of {collection}", target.get_objects, added_after=added_after, next=next,
                          limit=limit, version="all")
        headers = {k.lower(): v for k, v in self._headers.items()}
        return RemotePage(objects=list(body.get("objects") or []), more=bool(body.get("more")),
                          next=body.get("next") or None,
                          date_added_first=headers.get("x-taxii-date-added-first"),
                          date_added_last=headers.get("x-taxii-date-added-last"))

    def get_object(self, collection: str, object_id: str) -> list[dict]:
        target = self._collection(collection)
        try:
            body = self._call(f"read {object_id}", target.get_object, object_id, version="all")
        except NotFound:
            return []
        return list(body.get("objects") or [])

    def add_objects(self, collection: str, objects: list[dict]) -> RemoteStatus:
        target = self._collection(collection)
        status = self._call(f"add objects to {collection}", target.add_objects, {"objects": objects},
                            wait_for_completion=True, poll_interval=1, timeout=self._wait_timeout)
        return RemoteStatus(id=status.id, status=status.status, success_count=status.success_count,
                            failure_count=status.failure_count, pending_count=status.pending_count,
                            successes=list(status.successes or []), failures=list(status.failures or []))


def _http_error(url: str, what: str, code: int, response) -> MarsadError:
    reason = ""
    try:
        body = response.json() if response is not None else {}
        reason = body.get("description") or body.get("title") or ""
    except ValueError:
        pass
    message = f"{url} refused to {what} (HTTP {code})" + (f": {reason}" if reason else "")
    if code == 401:
        return AuthenticationError(message)
    if code == 403:
        return AccessDenied(message)
    if code == 404:
        return NotFound(message + (" — is the URL the TAXII API root (…/taxii2/<root>/)?"
                                   if what.startswith(("read collection", "list collections")) else ""))
    if 400 <= code < 500:
        return InputError(message)
    return PeerUnavailable(message)
