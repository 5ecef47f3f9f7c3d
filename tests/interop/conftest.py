"""A live Marsad hub on 127.0.0.1 for the interop tests: uvicorn in a thread, SQLite in a temporary folder.

Why live: the point of these tests is that real clients (the OASIS taxii2-client, stix2's TAXII data
sources) talk to Marsad over real HTTP, with their own URL handling, headers and content-type checks.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
import uvicorn

from marsad.config import Settings
from marsad.web.app import create_app
from taxii_world import build_world


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """uvicorn serving ``app`` on a free port in a daemon thread."""

    def __init__(self, app):
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def live_hub(tmp_path_factory):
    """(server url, world) for a hub with the test community of ``taxii_world``."""
    folder = tmp_path_factory.mktemp("hub")
    world = build_world(f"sqlite:///{(folder / 'marsad.db').as_posix()}")
    settings = Settings(data_dir=folder, max_content_length=1024 * 1024)
    with LiveServer(create_app(settings, engine=world.engine)) as server:
        yield server.url, world
    world.engine.dispose()
