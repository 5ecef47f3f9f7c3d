"""Fixtures of the access tests: an engine on an empty Marsad schema (once per backend), and small builders."""

from __future__ import annotations

import pytest

from marsad.store.engine import make_engine
from marsad.store.migrate import upgrade


def schema_engine(url: str):
    """An engine on ``url`` with the schema built by the packaged migrations (as a real installation has it)."""
    engine = make_engine(url)
    upgrade(engine)
    return engine


@pytest.fixture
def engine(database_url):
    """An engine on a fresh database holding the whole Marsad schema (SQLite and PostgreSQL)."""
    eng = schema_engine(database_url)
    yield eng
    eng.dispose()
