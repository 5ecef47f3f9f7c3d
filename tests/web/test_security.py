"""Security headers on every answer; the tile server's origin is the only image source added."""

from fastapi.testclient import TestClient

from marsad.config import load_settings
from marsad.web.app import create_app
from marsad.web.security import content_security_policy


def test_headers_on_pages_api_and_static(tmp_path):
    client = TestClient(create_app(load_settings(data_dir=tmp_path)))
    for path in ("/sign-in", "/health", "/static/css/marsad.css", "/no/such"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "same-origin"


def test_tile_origin_added_only_when_configured():
    assert "tiles.example.org" not in content_security_policy(None)
    assert "img-src 'self' data: https://tiles.example.org;" in content_security_policy(
        "https://tiles.example.org/{z}/{x}/{y}.png")
    assert "https://*.tile.example.org" in content_security_policy("https://{s}.tile.example.org/{z}/{x}/{y}.png")
    assert content_security_policy("javascript:alert(1)") == content_security_policy(None)
