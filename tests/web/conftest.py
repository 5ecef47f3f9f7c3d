"""Fixtures of the page tests: a seeded hub (tests/web/page_world.py) behind the real app, on both backends."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from marsad.config import load_settings
from marsad.web.app import create_app
from tests.web.page_world import page_world


@pytest.fixture
def seeded(database_url):
    """The seeded :class:`PageWorld` on each backend."""
    world = page_world(database_url)
    yield world
    world.engine.dispose()


@pytest.fixture
def make_client(seeded, tmp_path):
    """``make_client(**settings)`` → a TestClient of the real app on the seeded database (not signed in)."""
    clients = []

    def make(base_url: str = "http://testserver", **settings):
        app = create_app(load_settings(data_dir=tmp_path, secret_key="k" * 40, **settings), engine=seeded.engine)
        client = TestClient(app, base_url=base_url)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
