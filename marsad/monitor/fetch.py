"""Safe HTTP for monitoring sources: one GET that cannot be turned against the hub that runs it.

Why not a plain ``httpx.get``: source URLs come from users and from the sources themselves (redirects), and
the hub usually sits inside a member state's network. So, per request:

* the host is resolved here and **every** address checked; loopback, private, link-local, multicast,
  reserved and other non-global addresses are refused unless the source is explicitly ``allow_private``;
  the connection then goes to the checked address itself (Host header and TLS SNI keep the name), so a
  second, different DNS answer (rebinding) is never used;
* redirects are followed by hand, at most ``max_redirects``, and each hop is checked again like the first;
* the body is streamed and abandoned past ``max_bytes`` (decompressed bytes, so gzip bombs count), and a
  whole-request deadline stops servers that drip a byte at a time;
* the content type must be one the caller accepts (a feed reader is not given an HTML error page);
* conditional GET (ETag / Last-Modified) turns "nothing new" into a cheap 304;
* transient failures (timeouts, connection errors, 429, 5xx) are retried with exponential backoff and jitter.

Failures raise :class:`SourceUnavailable` (network, status) or the specific :mod:`marsad.errors` class
(``TooLarge``, ``UnsupportedMediaType``, ``InputError`` for refused addresses); messages name the URL.
"""

from __future__ import annotations

import ipaddress
import random
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from marsad import __version__
from marsad.errors import InputError, MarsadError, TooLarge, UnsupportedMediaType

__all__ = ["FetchPolicy", "FetchResult", "SourceUnavailable", "fetch", "resolve_host", "check_address",
           "FEED_TYPES", "PAGE_TYPES"]

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml",
              "application/feed+json")
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_REDIRECTS = {301, 302, 303, 307, 308}
_TRANSIENT = {429, 500, 502, 503, 504}


class SourceUnavailable(MarsadError):
    """A source could not be reached or answered with an error status (worth retrying later)."""

    status = 502

    def __init__(self, message: str, *, transient: bool = False):
        super().__init__(message)
        #: a later attempt may succeed (timeouts, 429, 5xx, DNS failures)
        self.transient = transient


def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (the system resolver); :class:`SourceUnavailable` if none."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise SourceUnavailable(f"cannot resolve {host}: {exc}", transient=True) from None
    return list(dict.fromkeys(info[4][0] for info in infos))


def check_address(address: str, *, allow_private: bool) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The address parsed; :class:`InputError` if it is not public and private addresses are not allowed."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if not allow_private and (not ip.is_global or ip.is_multicast or ip.is_reserved):
        raise InputError(f"refused to connect to non-public address {ip}")
    return ip


@dataclass(frozen=True)
class FetchPolicy:
    """Limits and permissions for one source's requests (defaults suit news feeds and pages)."""

    allow_private: bool = False
    timeout: float = 10.0  #: connect/read/write timeout, seconds
    deadline: float = 30.0  #: whole request including redirects and body, seconds
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    retries: int = 2  #: extra attempts after a transient failure
    backoff: float = 0.5  #: first retry delay, seconds (doubled each time, ±50 % jitter)
    resolver: Callable[[str, int], list[str]] = resolve_host
    sleep: Callable[[float], None] = time.sleep


@dataclass(frozen=True)
class FetchResult:
    """What a GET brought back; ``not_modified`` (304) means ``content`` is empty and nothing changed."""

    url: str
    status: int
    content: bytes
    content_type: str
    charset: str | None
    etag: str | None
    last_modified: str | None
    not_modified: bool = False


def _target(url: str, policy: FetchPolicy) -> tuple[str, dict, dict]:
    """The URL rewritten to a checked address, the Host header and the request extensions (SNI)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"not an http(s) URL: {url}")
    if parts.username or parts.password:
        raise InputError(f"URLs with credentials are not accepted: {parts.hostname}")
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = policy.resolver(host, port)
    if not addresses:
        raise SourceUnavailable(f"cannot resolve {host}", transient=True)
    checked = [check_address(a, allow_private=policy.allow_private) for a in addresses]
    ip = checked[0]
    netloc = f"[{ip}]:{port}" if ip.version == 6 else f"{ip}:{port}"
    pinned = parts._replace(netloc=netloc).geturl()
    default_port = (parts.scheme == "https" and port == 443) or (parts.scheme == "http" and port == 80)
    host_header = host if default_port else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        host_header = f"[{host}]" if default_port else f"[{host}]:{port}"
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    return pinned, {"Host": host_header}, extensions


def _media_type(header: str) -> tuple[str, str | None]:
    kind, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"') or None
    return kind.strip().lower(), charset


def _read_body(response: httpx.Response, url: str, policy: FetchPolicy, deadline: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise TooLarge(f"{url}: response of {int(declared)} bytes is over the limit of {policy.max_bytes}")
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > policy.max_bytes:
            raise TooLarge(f"{url}: response is over the limit of {policy.max_bytes} bytes (aborted)")
        if time.monotonic() > deadline:
            raise SourceUnavailable(f"{url}: response took longer than {policy.deadline:g} s (aborted)")
        chunks.append(chunk)
    return b"".join(chunks)


def _once(client: httpx.Client, url: str, headers: dict, accept: Sequence[str], policy: FetchPolicy) -> FetchResult:
    """One attempt: follow redirects hop by hop, checking each, then read and check the answer."""
    deadline = time.monotonic() + policy.deadline
    for _hop in range(policy.max_redirects + 1):
        pinned, host, extensions = _target(url, policy)
        request = client.build_request("GET", pinned, headers={**headers, **host}, extensions=extensions)
        response = client.send(request, stream=True)
        try:
            if response.status_code in _REDIRECTS and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                headers = {k: v for k, v in headers.items() if k.lower() not in ("if-none-match", "if-modified-since")}
                continue
            return _answer(response, url, accept, policy, deadline)
        finally:
            response.close()
    raise SourceUnavailable(f"{url}: more than {policy.max_redirects} redirects")


def _answer(response: httpx.Response, url: str, accept: Sequence[str], policy: FetchPolicy,
            deadline: float) -> FetchResult:
    etag, modified = response.headers.get("etag"), response.headers.get("last-modified")
    if response.status_code == 304:
        return FetchResult(url, 304, b"", "", None, etag, modified, not_modified=True)
    if response.status_code != 200:
        raise SourceUnavailable(f"{url}: HTTP {response.status_code}", transient=response.status_code in _TRANSIENT)
    kind, charset = _media_type(response.headers.get("content-type", ""))
    if accept and kind not in accept:
        raise UnsupportedMediaType(f"{url}: content type {kind or 'missing'!r} is not one of {', '.join(accept)}")
    body = _read_body(response, url, policy, deadline)
    return FetchResult(url, 200, body, kind, charset, etag, modified)


def fetch(url: str, *, accept: Sequence[str] = (), policy: FetchPolicy = FetchPolicy(), etag: str | None = None,
          last_modified: str | None = None, client: httpx.Client | None = None) -> FetchResult:
    """GET ``url`` safely (see the module doc); ``accept`` lists the media types taken (empty: any)."""
    headers = {"User-Agent": f"Marsad/{__version__} (+monitoring)", "Accept": ", ".join(accept) or "*/*"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    own = client is None
    client = client or httpx.Client(timeout=httpx.Timeout(policy.timeout), follow_redirects=False, trust_env=False)
    try:
        for attempt in range(policy.retries + 1):
            try:
                return _once(client, url, headers, accept, policy)
            except (httpx.TimeoutException, httpx.TransportError, SourceUnavailable) as exc:
                transient = not isinstance(exc, SourceUnavailable) or exc.transient
                if attempt == policy.retries or not transient:
                    raise _as_error(url, exc) from None
                policy.sleep(policy.backoff * (2 ** attempt) * random.uniform(0.5, 1.5))
    finally:
        if own:
            client.close()
    raise AssertionError("unreachable")  # pragma: no cover


def _as_error(url: str, exc: Exception) -> MarsadError:
    if isinstance(exc, MarsadError):
        return exc
    if isinstance(exc, httpx.TimeoutException):
        return SourceUnavailable(f"{url}: timed out ({exc.__class__.__name__})")
    return SourceUnavailable(f"{url}: {exc.__class__.__name__}: {exc}")
