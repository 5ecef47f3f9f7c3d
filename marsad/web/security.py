"""Security headers on every answer: content security policy, no sniffing, no framing, little referrer.

Why a policy this strict: the pages show text written by strangers (news items, submissions, peers' STIX).
Output is escaped, and the policy is the second wall: scripts and styles only from this hub's own files
(no inline ``<script>``, no ``style=""`` attributes — JavaScript setting ``element.style`` is fine), no
plugins, no framing (clickjacking), forms only to this hub. Images may also be ``data:`` URIs (Leaflet's
icons) and, when an administrator sets ``map_tile_url``, come from that tile server's origin.
Pure ASGI middleware, so streamed answers (server-sent events) pass through untouched.
"""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["SecurityHeaders", "content_security_policy"]

#: FastAPI's interactive documentation loads its own inline script; it keeps the other headers
_NO_CSP_PATHS = ("/docs", "/redoc")


def content_security_policy(tile_url: str | None = None) -> str:
    """The CSP header value; ``tile_url`` (a Leaflet URL template) adds its origin to ``img-src``."""
    images = "'self' data:"
    if tile_url:
        parts = urlsplit(tile_url.replace("{s}", "a"))
        if parts.scheme in ("http", "https") and parts.netloc:
            host = parts.netloc.replace("a.", "*.", 1) if "{s}" in tile_url else parts.netloc
            images += f" {parts.scheme}://{host}"
    return ("default-src 'self'; script-src 'self'; style-src 'self'; img-src " + images + "; "
            "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
            "frame-ancestors 'none'")


class SecurityHeaders:
    """ASGI middleware adding the headers to every HTTP response."""

    def __init__(self, app, tile_url: str | None = None):
        self.app = app
        self.csp = content_security_policy(tile_url).encode("latin-1")

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with_csp = not scope.get("path", "").startswith(_NO_CSP_PATHS)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                         (b"x-frame-options", b"DENY")]
                if with_csp:
                    extra.append((b"content-security-policy", self.csp))
                headers.extend((k, v) for k, v in extra if k not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
