"""Safe fetch: address checks on every hop, pinned connections, size/time/type limits, conditional GET, retries."""

from __future__ import annotations

import httpx
import pytest

from local_http import LocalServer, Route
from marsad.errors import InputError, TooLarge, UnsupportedMediaType
from marsad.monitor.fetch import FEED_TYPES, FetchPolicy, SourceUnavailable, check_address, fetch

PUBLIC = "93.184.216.34"
FAST = dict(timeout=2.0, deadline=5.0, retries=0, sleep=lambda s: None)


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


def local(**kw) -> FetchPolicy:
    return FetchPolicy(allow_private=True, **{**FAST, **kw})


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "192.168.0.1", "172.16.5.4", "169.254.169.254",
                                     "224.0.0.1", "0.0.0.0", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1",
                                     "100.64.0.1", "240.0.0.1"])
def test_non_public_addresses_are_refused(address):
    with pytest.raises(InputError, match="non-public"):
        check_address(address, allow_private=False)
    assert check_address(address, allow_private=True)


def test_public_address_passes():
    assert str(check_address(PUBLIC, allow_private=False)) == PUBLIC


def test_loopback_server_is_refused_without_allow_private(server):
    server.routes["/x"] = Route(body=b"<rss/>", headers={"Content-Type": "application/rss+xml"})
    with pytest.raises(InputError, match="non-public"):
        fetch(server.url("/x"), policy=FetchPolicy(**FAST))
    assert server.hits == {}  # refused before connecting


def test_every_resolved_address_is_checked():
    policy = FetchPolicy(resolver=lambda host, port: [PUBLIC, "127.0.0.1"], **FAST)
    with pytest.raises(InputError, match="127.0.0.1"):
        fetch("http://mixed.example/", policy=policy)


def _public_then(location: str, seen: list):
    """A mock transport: the 'public' host redirects to ``location``; records what was requested."""
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.host, request.headers["host"]))
        return httpx.Response(302, headers={"Location": location})
    return httpx.Client(transport=httpx.MockTransport(handler))


@pytest.mark.parametrize("target", ["http://127.0.0.1:9/secret", "http://internal.example/admin",
                                    "http://[::1]/", "http://169.254.169.254/latest/meta-data/"])
def test_redirect_to_internal_address_is_refused_even_from_a_public_url(target):
    resolver = {"public.example": [PUBLIC], "internal.example": ["10.0.0.5"]}
    policy = FetchPolicy(resolver=lambda host, port: resolver.get(host, [host]), **FAST)
    seen: list = []
    with pytest.raises(InputError, match="non-public"):
        fetch("http://public.example/feed", policy=policy, client=_public_then(target, seen))
    assert seen == [(PUBLIC, "public.example")]  # only the public hop was requested


def test_connection_goes_to_the_checked_address_not_a_second_dns_answer():
    answers = iter([[PUBLIC], ["127.0.0.1"]])  # a rebinding resolver: public when checked, loopback afterwards
    seen = []

    def handler(request):
        seen.append((request.url.host, request.headers["host"]))
        return httpx.Response(200, content=b"<rss/>", headers={"Content-Type": "application/rss+xml"})

    policy = FetchPolicy(resolver=lambda host, port: next(answers), **FAST)
    result = fetch("http://rebind.example/feed", accept=FEED_TYPES, policy=policy,
                   client=httpx.Client(transport=httpx.MockTransport(handler)))
    assert result.content == b"<rss/>"
    assert seen == [(PUBLIC, "rebind.example")]


def test_https_keeps_the_name_for_sni():
    seen = []

    def handler(request):
        seen.append(request.extensions.get("sni_hostname"))
        return httpx.Response(200, content=b"x", headers={"Content-Type": "text/html"})

    fetch("https://news.example/a", policy=FetchPolicy(resolver=lambda h, p: [PUBLIC], **FAST),
          client=httpx.Client(transport=httpx.MockTransport(handler)))
    assert seen == ["news.example"]


def test_redirects_within_allowed_hosts_are_followed(server):
    server.routes["/old"] = Route(301, headers={"Location": "/new"})
    server.routes["/new"] = Route(body=b"<rss/>", headers={"Content-Type": "application/rss+xml; charset=utf-8"})
    result = fetch(server.url("/old"), accept=FEED_TYPES, policy=local())
    assert (result.status, result.content, result.charset) == (200, b"<rss/>", "utf-8")
    assert result.url == server.url("/new")


def test_redirect_loop_stops(server):
    server.routes["/loop"] = Route(302, headers={"Location": "/loop"})
    with pytest.raises(SourceUnavailable, match="redirects"):
        fetch(server.url("/loop"), policy=local(max_redirects=3))
    assert server.hits["/loop"] == 4


def test_non_http_redirect_is_refused(server):
    server.routes["/f"] = Route(302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(InputError, match="not an http"):
        fetch(server.url("/f"), policy=local())


def test_huge_body_is_aborted(server):
    server.routes["/big"] = Route(body=b"a" * 3000, headers={"Content-Type": "text/html"})
    server.routes["/endless"] = Route(endless=True, headers={"Content-Type": "text/html"})
    with pytest.raises(TooLarge, match="over the limit"):
        fetch(server.url("/big"), policy=local(max_bytes=1000))
    with pytest.raises(TooLarge, match="aborted"):
        fetch(server.url("/endless"), policy=local(max_bytes=200_000))


def test_slow_response_times_out(server):
    server.routes["/slow"] = Route(delay=1.5, body=b"x", headers={"Content-Type": "text/html"})
    server.routes["/drip"] = Route(drip=0.05, body=b"x" * 100, headers={"Content-Type": "text/html"})
    with pytest.raises(SourceUnavailable, match="timed out"):
        fetch(server.url("/slow"), policy=local(timeout=0.3))
    with pytest.raises(SourceUnavailable, match="longer than"):
        fetch(server.url("/drip"), policy=local(timeout=1.0, deadline=0.5))


def test_wrong_content_type_is_refused(server):
    server.routes["/page"] = Route(body=b"<html></html>", headers={"Content-Type": "text/html"})
    with pytest.raises(UnsupportedMediaType, match="text/html"):
        fetch(server.url("/page"), accept=FEED_TYPES, policy=local())


def test_conditional_get_sends_validators_and_reports_304(server):
    def answer(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            return Route(304, headers={"ETag": '"v1"'})
        return Route(body=b"<rss/>", headers={"Content-Type": "application/rss+xml", "ETag": '"v1"',
                                              "Last-Modified": "Mon, 02 Nov 2026 08:30:00 GMT"})

    server.routes["/feed"] = answer
    first = fetch(server.url("/feed"), accept=FEED_TYPES, policy=local())
    assert (first.etag, first.last_modified) == ('"v1"', "Mon, 02 Nov 2026 08:30:00 GMT")
    again = fetch(server.url("/feed"), accept=FEED_TYPES, policy=local(), etag=first.etag,
                  last_modified=first.last_modified)
    assert again.not_modified and again.content == b""
    assert server.requests[-1]["headers"]["If-Modified-Since"] == first.last_modified


def test_transient_errors_are_retried_with_growing_delays(server):
    server.routes["/flaky"] = Route(503, body=b"busy", headers={"Content-Type": "text/plain"})
    delays = []
    with pytest.raises(SourceUnavailable, match="HTTP 503"):
        fetch(server.url("/flaky"), policy=local(retries=3, backoff=1.0, sleep=delays.append))
    assert server.hits["/flaky"] == 4
    assert len(delays) == 3 and all(0.5 * 2 ** i <= d <= 1.5 * 2 ** i for i, d in enumerate(delays))


def test_client_errors_are_not_retried(server):
    with pytest.raises(SourceUnavailable, match="HTTP 404"):
        fetch(server.url("/missing"), policy=local(retries=3))
    assert server.hits["/missing"] == 1


def test_retry_then_success(server):
    calls = iter([Route(500), Route(body=b"ok", headers={"Content-Type": "text/plain"})])
    server.routes["/once"] = lambda handler: next(calls)
    assert fetch(server.url("/once"), policy=local(retries=2)).content == b"ok"


def test_credentials_in_url_refused():
    with pytest.raises(InputError, match="credentials"):
        fetch("http://user:pw@news.example/", policy=FetchPolicy(resolver=lambda h, p: [PUBLIC], **FAST))
