"""The TAXII peer adapter: URL checks, HTTP errors mapped to Marsad's errors, Bearer keys, unreachable peers."""

from __future__ import annotations

import pytest
import requests

from marsad.errors import AccessDenied, AuthenticationError, InputError, NotFound
from marsad.exchange.sync_peer import PeerUnavailable, TaxiiPeer, _BearerAuth, _http_error, normalise_url


def _response(code: int, body: dict | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = code
    response._content = (str(body).replace("'", '"') if body else "").encode()
    return response


def test_normalise_url():
    assert normalise_url(" https://hub.example/taxii2/marsad ") == "https://hub.example/taxii2/marsad/"
    assert normalise_url("http://h/taxii2/r//") == "http://h/taxii2/r/"
    with pytest.raises(InputError):
        normalise_url("hub.example/taxii2/")


@pytest.mark.parametrize("code,kind", [(401, AuthenticationError), (403, AccessDenied), (404, NotFound),
                                       (422, InputError), (500, PeerUnavailable), (503, PeerUnavailable)])
def test_http_errors_map_to_marsad_errors(code, kind):
    error = _http_error("http://h/", "read objects of c", code, _response(code, {"description": "why"}))
    assert isinstance(error, kind) and "http://h/" in error.message and f"HTTP {code}" in error.message
    assert "why" in error.message


def test_missing_collection_hints_at_the_api_root():
    assert "API root" in _http_error("http://h/taxii2/", "read collection x", 404, _response(404)).message


def test_bearer_key_header():
    prepared = requests.Request("GET", "http://h/").prepare()
    assert _BearerAuth("msd_a_b")(prepared).headers["Authorization"] == "Bearer msd_a_b"


def test_unreachable_peer():
    peer = TaxiiPeer("http://127.0.0.1:9/taxii2/marsad/", api_key="msd_a_b", timeout=2)
    with pytest.raises(PeerUnavailable, match="cannot reach"):
        peer.get_objects("0f0e7c8a-0000-4000-8000-000000000000", added_after=None, next=None, limit=10)
    peer.close()
