"""Fixtures of the access tests: an engine on an empty Marsad schema (once per backend), and small builders."""

from __future__ import annotations

import pytest

from marsad.store.base import metadata
from marsad.store.engine import make_engine
from marsad.store import accounts as _accounts, audit as _audit, collections as _collections  # noqa: F401
from marsad.store import objects as _objects  # noqa: F401


def schema_engine(url: str):
    """An engine on ``url`` with every Marsad table created."""
    engine = make_engine(url)
    metadata.create_all(engine)
    return engine


@pytest.fixture
def engine(database_url):
    """An engine on a fresh database holding the whole Marsad schema (SQLite and PostgreSQL)."""
    eng = schema_engine(database_url)
    yield eng
    eng.dispose()
