"""A tiny HTTP server on 127.0.0.1 for the source tests: routes map a path to a canned or scripted answer.

Tests reach it only through sources with ``allow_private`` (loopback is refused otherwise — also tested).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """An answer: status, headers, body; ``drip`` sends the body byte by byte with that pause; ``endless``
    streams zeros until the client hangs up; ``delay`` waits before answering."""

    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    drip: float = 0.0
    endless: bool = False


class LocalServer:
    """Start with ``with LocalServer() as server``; ``server.url(path)``; ``server.hits`` counts requests."""

    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                outer.hits[self.path] = outer.hits.get(self.path, 0) + 1
                outer.requests.append({"path": self.path, "headers": dict(self.headers)})
                route = outer.routes.get(self.path, Route(404, b"not found", {"Content-Type": "text/plain"}))
                if callable(route):
                    route = route(self)
                time.sleep(route.delay)
                try:
                    self.send_response(route.status)
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                    if not route.endless and not route.drip:
                        self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    if route.endless:
                        while True:
                            self.wfile.write(b"\0" * 65536)
                    elif route.drip:
                        for byte in route.body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(route.drip)
                    else:
                        self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def __enter__(self) -> "LocalServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
